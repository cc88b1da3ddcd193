"""Bytes per clause on disk and in memory, start-up and filter time: the columnar generation (docs.jsonl without
clauses + clauses.arrow + embeddings.npy, memory-mapped) next to the previous layout (docs.jsonl with nested clauses
+ clauses.jsonl of flat rows + embeddings.npy + a FAISS flat copy, all parsed into Python objects), measured in
the same run, each loaded in a fresh process.

    python scripts/storage_size.py [--clauses 100000] [--json]

Corpora: the bundled corpus/ (ingested here) and a synthetic corpus of N clauses (sentences of the bundled clauses
recombined, 100 clauses per document, the bundled documents' metadata). Embeddings are random unit vectors of the
model's size (384): storage does not depend on their values. What is compared is what both layouts store for
documents, clause rows and vectors; the BM25 indexes and the diacritic restorer are the same files in both
layouts (their size is reported for the bundled corpus)."""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DIM = 384


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def write_old(folder: Path, docs: list[dict], emb: np.ndarray) -> None:
    """The layout before generations: data/docs.jsonl (nested) and index/<build>/clauses.jsonl + faiss.index."""
    import faiss

    from index.build import clause_rows
    from ingest import atomic

    folder.mkdir(parents=True)
    atomic.write_jsonl(folder / "docs.jsonl", docs)
    atomic.write_jsonl(folder / "clauses.jsonl", clause_rows(docs))
    np.save(folder / "embeddings.npy", emb)
    idx = faiss.IndexFlatIP(emb.shape[1])
    idx.add(emb)
    faiss.write_index(idx, str(folder / "faiss.index"))


def write_new(folder: Path, docs: list[dict], emb: np.ndarray) -> None:
    from index import clause_table
    from ingest import atomic

    folder.mkdir(parents=True)
    atomic.write_jsonl(folder / "docs.jsonl", ({k: v for k, v in d.items() if k != "clauses"} for d in docs))
    clause_table.write(folder / "clauses.arrow", docs)
    np.save(folder / "embeddings.npy", emb)


def _mem() -> dict:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("VmRSS", "RssAnon", "RssFile"):
            out[k] = int(v.split()[0]) * 1024
    return out


def measure(layout: str, folder: Path) -> dict:
    """Run in a fresh process: load the layout, filter by province, score all vectors, materialise 10 hits."""
    import faiss  # noqa: F401  (imported before the baseline so library code is not counted)

    from index import clause_table
    from index.clause_table import ClauseTable
    from ingest import atomic

    # warm-up on a one-clause table: lazily imported library code (Arrow kernels) is not the data's memory
    with tempfile.TemporaryDirectory() as tmp:
        c = {"clause_id": "w:0", "path": "0", "kind": "k", "label": None, "parent": None, "depth": 0, "heading": "",
             "breadcrumb": [], "text": "t", "notes": [], "search_text": "t", "span": None, "fields": {},
             "segmented": "t"}
        clause_table.write(Path(tmp) / "w.arrow", [{"clauses": [c]}])
        w = ClauseTable(Path(tmp) / "w.arrow")
        w.rows([0])
        (np.array(["a"], dtype=str) == "a")[w.doc_index]
        del w
    base = _mem()
    t = time.perf_counter()
    if layout == "old":
        import faiss

        docs = atomic.read_jsonl(folder / "docs.jsonl")
        rows = atomic.read_jsonl(folder / "clauses.jsonl")
        emb = np.load(folder / "embeddings.npy")
        index = faiss.read_index(str(folder / "faiss.index"))
        n = len(rows)
    else:
        docs = atomic.read_jsonl(folder / "docs.jsonl")
        table = ClauseTable(folder / "clauses.arrow")
        emb = np.load(folder / "embeddings.npy", mmap_mode="r")
        doc_index = table.doc_index
        province = np.array([d["meta"].get("province") or "" for d in docs], dtype=str)
        n = len(table)
    startup = time.perf_counter() - t
    loaded = _mem()
    want = docs[0]["meta"].get("province") or ""
    t = time.perf_counter()
    if layout == "old":  # the per-clause loop search.filter_mask ran
        mask = np.array([(r["doc"].get("province") or "") == want for r in rows])
    else:
        mask = (province == want)[doc_index]
    t_filter = time.perf_counter() - t
    q = np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)
    t = time.perf_counter()
    s = (index.search(q[None], 10)[1][0] if layout == "old" else np.argsort(-(emb @ q))[:10])
    t_search = time.perf_counter() - t
    hits = [rows[int(i)] for i in s] if layout == "old" else table.rows([int(i) for i in s])
    assert len(hits) == 10 and mask.any()
    after = _mem()
    return {"clauses": n, "startup_s": round(startup, 3), "filter_ms": round(t_filter * 1000, 2),
            "exact_search_ms": round(t_search * 1000, 2),
            "memory_after_load": {k: loaded[k] - base[k] for k in loaded},
            "memory_after_query": {k: after[k] - base[k] for k in after}}


def synthetic(docs: list[dict], n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    sentences = [x for d in docs for c in d["clauses"] for x in re.split(r"(?<=[.;])\s+", c["text"]) if len(x) > 20]
    clauses = [c for d in docs for c in d["clauses"]]
    out = []
    for di in range((n + 99) // 100):
        src = docs[di % len(docs)]
        did = f"syn{di:05d}"
        cl = []
        for j in range(min(100, n - di * 100)):
            tmpl = clauses[rng.randrange(len(clauses))]
            text = " ".join(rng.sample(sentences, 2))
            cl.append({**tmpl, "clause_id": f"{did}:{j}", "path": str(j), "parent": None, "text": text,
                       "search_text": (tmpl["breadcrumb"][-1] + " " if tmpl["breadcrumb"] else "") + text,
                       "segmented": text, "heading": text[:120]})
        out.append({**src, "doc_id": did, "source": f"corpus/{did}.txt", "clauses": cl})
    return out


def compare(name: str, docs: list[dict], work: Path) -> dict:
    n = sum(len(d["clauses"]) for d in docs)
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(n, DIM)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    res = {"clauses": n, "documents": len(docs)}
    for layout, write in (("old", write_old), ("new", write_new)):
        folder = work / f"{name}-{layout}"
        t = time.perf_counter()
        write(folder, docs, emb)
        t_write = time.perf_counter() - t
        files = {p.name: p.stat().st_size for p in folder.iterdir()}
        m = json.loads(subprocess.run([sys.executable, __file__, "--measure", layout, str(folder)], check=True,
                                      capture_output=True, text=True).stdout)
        res[layout] = {"write_s": round(t_write, 2), "disk_bytes": du(folder), "files": files,
                       "disk_bytes_per_clause": round(du(folder) / n), **m,
                       "memory_bytes_per_clause": {k: round(v / n) for k, v in m["memory_after_query"].items()}}
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clauses", type=int, default=100_000)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--measure", nargs=2, metavar=("LAYOUT", "DIR"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure:
        print(json.dumps(measure(a.measure[0], Path(a.measure[1]))))
        return
    from ingest.pipeline import ingest_docs

    work = Path(tempfile.mkdtemp(prefix="pq-storage-"))
    try:
        docs, _ = ingest_docs(ROOT / "corpus", [], root=ROOT)
        out = {"date": time.strftime("%Y-%m-%d"), "command": "python scripts/storage_size.py "
               + " ".join(sys.argv[1:]), "bundled": compare("bundled", docs, work)}
        out["synthetic"] = compare("synthetic", synthetic(docs, a.clauses), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if a.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    print(f"{out['date']}  {out['command']}")
    for name in ("bundled", "synthetic"):
        r = out[name]
        print(f"\n{name}: {r['clauses']:,} clauses, {r['documents']:,} documents")
        print(f"{'layout':8s} {'disk B/clause':>14s} {'RSS B/clause':>13s} {'heap B/clause':>14s} {'start-up s':>11s} "
              f"{'filter ms':>10s} {'search ms':>10s}")
        for layout in ("old", "new"):
            x = r[layout]
            mb = x["memory_bytes_per_clause"]
            print(f"{layout:8s} {x['disk_bytes_per_clause']:>14,} {mb.get('VmRSS', 0):>13,} {mb.get('RssAnon', 0):>14,} "
                  f"{x['startup_s']:>11.3f} {x['filter_ms']:>10.2f} {x['exact_search_ms']:>10.2f}")


if __name__ == "__main__":
    main()
