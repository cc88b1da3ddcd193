"""Served latency and throughput of `policyqa serve`, each figure next to the in-process library call measured in
the same run (the baseline: what the service adds is HTTP, JSON and concurrency).

    python scripts/bench_service.py [--clauses 100000] [--queries 100] [--clients 4] [--load-queries 400]
                                    [--load-seconds 60] [--baseline-ref COMMIT] [--skip-bundled]
                                    [--no-torch-baseline] [--max-words W] [--json out.json]

1. The bundled corpus (corpus/, built into a temporary home with the real model).
2. A corpus of --clauses clauses: real paragraphs of ../shared/corpora/ (laws, decrees, circulars) when present,
   otherwise sentences of the bundled clauses recombined; grouped 1,000 to a document. Their embeddings are
   synthetic (normalised mixes of two real clause embeddings plus noise: embedding 10^5 clauses takes hours on 2
   cores); queries are embedded by the real model, so the query path is the real one end to end.
For each: hybrid and bm25 latency p50/p95 in-process and over HTTP (sequential), then a bounded load test: --clients
concurrent clients on loopback sending hybrid queries until --load-queries are answered or --load-seconds pass;
queries/s, p50/p95 under load and errors. Then the stages of one hybrid query in-process, each old path next to
the new one (query encoding torch / ONNX, BM25 scoring every clause / exact top-k, Arrow take / slices). With
--baseline-ref, a second server runs the code of that commit (extracted with `git archive`) over the same index and
is measured the same way: the old service next to the new in one run. Above the number of real paragraphs
(10^6), the texts are all real paragraphs, then pairs of real paragraphs joined.
Not a test: nothing here asserts a time."""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = ROOT.parent / "shared" / "corpora"


def pct(ts, p) -> float:
    return round(float(np.percentile(np.asarray(ts) * 1000, p)), 2)


def timed(fn, queries, warm=3) -> dict:
    for q in queries[:warm]:
        fn(q)
    ts = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        ts.append(time.perf_counter() - t)
    return {"p50_ms": pct(ts, 50), "p95_ms": pct(ts, 95), "n": len(ts), "qps_1_caller": round(len(ts) / sum(ts), 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`policyqa serve` in a subprocess on a free loopback port."""

    def __init__(self, home: Path, model_dir: Path, root: Path = ROOT, tag: str = ""):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(root), "HF_HUB_OFFLINE": "1", "POLICYQA_MODEL": str(model_dir)}
        log = home / f"serve{tag}.log"
        self.log = open(log, "w")
        t = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "policyqa", "--home", str(home), "serve", "--port",
                                      str(self.port)], cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        import httpx

        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(log.read_text())
            try:
                if httpx.get(self.base + "/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.startup_s = round(time.perf_counter() - t, 2)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def load_test(base: str, queries: list[str], clients: int, max_queries: int, max_seconds: float) -> dict:
    """`clients` threads, each with its own HTTP connection, take queries from one shared list in turn."""
    import httpx

    lock = threading.Lock()
    state = {"next": 0, "errors": 0, "lat": []}
    deadline = time.perf_counter() + max_seconds

    def client():
        with httpx.Client(base_url=base, timeout=30) as c:
            while True:
                with lock:
                    i = state["next"]
                    if i >= max_queries or time.perf_counter() > deadline:
                        return
                    state["next"] += 1
                t = time.perf_counter()
                try:
                    ok = c.get("/search", params={"q": queries[i % len(queries)], "k": 10}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t
                with lock:
                    state["lat"].append(dt)
                    state["errors"] += not ok

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    n = len(state["lat"])
    return {"clients": clients, "queries": n, "seconds": round(wall, 2), "qps": round(n / wall, 1),
            "p50_ms": pct(state["lat"], 50), "p95_ms": pct(state["lat"], 95), "errors": state["errors"]}


def stages(eng, queries: list[str], old_embedder=None) -> dict:
    """p50/p95 of each stage of one hybrid query, in-process, the old path next to the new in the same run:
    query encoding (the torch path the service used before / the index's ONNX path), BM25 (scoring every clause,
    twice as the hybrid did / exact top-k + looking up the dense candidates), exact dense search, fusion, and
    building the 10 hits (Arrow take() / one-row slices)."""
    import pyarrow as pa

    from index import dense as dense_mod
    from index.clause_table import _record
    from policyqa import fusion
    from policyqa.backend import ClauseFilter
    from policyqa.search import CANDIDATES, dense_query_text, hit, lexical_query

    be = eng.backend
    n = CANDIDATES
    t: dict[str, list[float]] = {}

    def clock(name, fn):
        t0 = time.perf_counter()
        r = fn()
        t.setdefault(name, []).append(time.perf_counter() - t0)
        return r

    for q in queries:
        dq = dense_query_text(eng, q)
        if old_embedder is not None:
            clock("encode_query_old_torch", lambda: old_embedder.encode_queries([dq]))
        qv = clock("encode_query_new", lambda: eng.embedder.encode_queries([dq])[0])
        toks, folded = lexical_query(eng, q)
        dl = clock("dense_exact", lambda: be.dense(qv, ClauseFilter(), n))
        bm = be._bm25[bool(folded)]
        ids = be.table.ids

        def old_bm25():
            s = bm.scores(toks)  # every clause scored, for the top n and again for the dense candidates' scores
            rows = dense_mod.top_rows(s, np.flatnonzero(s > 0), n)
            s2 = bm.scores(toks)
            return [(ids[r], float(s[r])) for r in rows], s2

        clock("bm25_old_full_scoring", old_bm25)
        bl = clock("bm25_new_topk", lambda: be.lexical(toks, folded, ClauseFilter(), n))
        need = [c for c, _ in dl if c not in dict(bl)]
        clock("bm25_new_topk", lambda: be.lexical_scores(toks, folded, need))
        extra = t["bm25_new_topk"].pop()
        t["bm25_new_topk"][-1] += extra

        def fuse():
            cands = list(dict.fromkeys([c for c, _ in bl] + [c for c, _ in dl]))
            bs, ds = dict(bl), dict(dl)
            bv = np.array([bs.get(c, 0.0) for c in cands], dtype=np.float32)
            dv = np.array([ds.get(c, 0.0) for c in cands], dtype=np.float32)
            f = fusion.convex(cands, bv, dv)
            return sorted(f, key=lambda c: -f[c])[:10]

        top = clock("fusion", fuse)
        table = be.table
        table.rows = lambda idx, tb=table.table: [_record(r) for r in tb.take(pa.array(list(idx), pa.int64())).to_pylist()]
        try:  # the old ClauseTable.rows: Table.take() for every hit
            clock("hits_old_arrow_take", lambda: [hit(eng, c, i + 1, 0.0, {}, q) for i, c in enumerate(top)])
        finally:
            del table.rows
        clock("hits_new", lambda: [hit(eng, c, i + 1, 0.0, {}, q) for i, c in enumerate(top)])
    return {k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in t.items()}


def served(home: Path, model_dir: Path, queries: list[str], a, root: Path = ROOT, tag: str = "") -> dict:
    """Sequential served latency per mode, then the bounded concurrent load test, against one server."""
    import httpx

    out = {}
    srv = Server(home, model_dir, root, tag)
    out["server_startup_s"] = srv.startup_s
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as c:
            for mode in ("hybrid", "bm25"):
                out[f"served_{mode}"] = timed(
                    lambda q, m=mode: c.get("/search", params={"q": q, "k": 10, "mode": m}).raise_for_status(), queries)
        out["served_load_hybrid"] = load_test(srv.base, queries, a.clients, a.load_queries, a.load_seconds)
    finally:
        srv.stop()
    return out


def measure(home: Path, model_dir: Path, embedder, queries: list[str], a, old_embedder=None) -> dict:
    from policyqa.config import Settings
    from policyqa.engine import Engine
    from policyqa.search import search

    s = Settings.from_env(home=home, model_dir=model_dir)
    t = time.perf_counter()
    eng = Engine.load(s, embedder=embedder)
    out = {"clauses": len(eng.rows), "documents": len(eng.docs), "index_load_s": round(time.perf_counter() - t, 2)}
    # In a worker thread, as the service calls it: on this machine torch called from the main thread of a busy
    # 2-core box was measured 10-100x slower than from any other thread (OpenMP), which would flatter the service.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex:
        for mode in ("hybrid", "bm25"):
            out[f"in_process_{mode}"] = ex.submit(timed, lambda q, m=mode: search(eng, q, 10, m), queries).result()
        out["stages_hybrid"] = ex.submit(stages, eng, queries, old_embedder).result()
    del eng
    out.update(served(home, model_dir, queries, a))
    if getattr(a, "baseline_root", None):  # the same measurement against the old code's server, same index
        out["baseline"] = {"ref": a.baseline_ref, **served(home, model_dir, queries, a, a.baseline_root, "-baseline")}
    return out


# ---- the large corpus -------------------------------------------------------------------------------------------

def real_paragraphs(n: int) -> tuple[list[str], str]:
    """n clause-sized paragraphs: real ones from ../shared/corpora when present, else recombined bundled ones."""
    if SHARED.exists():
        paras = []
        for f in sorted(SHARED.rglob("*")):
            if f.suffix in (".txt", ".md") and f.is_file():
                for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
                    line = re.sub(r"[#*|>_`]+", " ", line).strip()
                    if 40 <= len(line) <= 4000:
                        paras.append(line)
        if len(paras) >= n:
            step = len(paras) / n
            return [paras[int(i * step)] for i in range(n)], f"real paragraphs of {SHARED} (every {step:.1f}th)"
        if paras:  # more clauses than real paragraphs (10^6): all of them, then pairs of them joined
            import random

            rng = random.Random(0)
            extra = [(rng.choice(paras) + " " + rng.choice(paras))[:4000] for _ in range(n - len(paras))]
            return paras + extra, (f"all {len(paras):,} real paragraphs of {SHARED}, then {len(extra):,} texts of two "
                                   "random real paragraphs joined")
    import random

    sentences = [x for f in sorted((ROOT / "corpus").glob("*.txt"))
                 for x in re.split(r"(?<=[.;])\s+", f.read_text(encoding="utf-8")) if len(x) > 20]
    rng = random.Random(0)
    return [" ".join(rng.sample(sentences, 3)) for _ in range(n)], "sentences of the bundled plans recombined"


def windows(texts: list[str], words: int, seed: int = 0) -> list[str]:
    """A window of at most `words` words of each text (10^6 clauses of full paragraphs do not fit in memory here:
    BM25 is built from Python token lists)."""
    import random

    rng = random.Random(seed)
    out = []
    for t in texts:
        w = t.split()
        s = rng.randrange(max(1, len(w) - words + 1))
        out.append(" ".join(w[s:s + words]))
    return out


class SyntheticPassages:
    """The real model's identity (so the service accepts the index and embeds queries with it) with passage
    vectors mixed from real clause embeddings: embedding 10^5 passages for real takes hours on 2 cores."""

    def __init__(self, real, basis: np.ndarray, seed: int = 0):
        self.real, self.basis, self.rng = real, basis, np.random.default_rng(seed)
        self.name, self.dim, self.fingerprint = real.name, real.dim, real.fingerprint

    def encode_queries(self, texts):
        return self.real.encode_queries(texts)

    def encode_passages(self, texts, progress=None):
        n = len(texts)
        a, b = self.rng.integers(0, len(self.basis), n), self.rng.integers(0, len(self.basis), n)
        w = self.rng.uniform(0.3, 0.7, (n, 1)).astype(np.float32)
        E = w * self.basis[a] + (1 - w) * self.basis[b] + self.rng.normal(0, 0.02, (n, self.dim)).astype(np.float32)
        return (E / np.linalg.norm(E, axis=1, keepdims=True)).astype(np.float32)


def large_home(base: Path, bundled_home: Path, n: int, embedder, max_words: int = 0) -> tuple[Path, dict]:
    from index.build import build_index
    from index.files_backend import FilesBackend
    from ingest.pipeline import load_docs

    home = base / "large"
    (home / "data").mkdir(parents=True)
    texts, origin = real_paragraphs(n)
    if max_words:
        texts, origin = windows(texts, max_words), f"{origin}; a window of at most {max_words} words of each"
    bundled = FilesBackend.open(bundled_home / "data" / "index")
    real_docs = load_docs(bundled.path / "docs.jsonl")
    metas = [d["meta"] for d in real_docs]  # real metadata, so filters and citations have something to show
    docs = []
    for j in range(0, n, 1000):
        did = f"big{j // 1000:04d}"
        clauses = [{"clause_id": f"{did}:{i + 1}", "path": str(i + 1), "kind": "number", "label": str(i + 1),
                    "parent": None, "depth": 0, "heading": t[:160], "breadcrumb": [], "text": t, "notes": [],
                    "search_text": t, "span": [0, len(t)], "fields": {}, "segmented": ""}
                   for i, t in enumerate(texts[j:j + 1000])]
        docs.append({"doc_id": did, "source": f"corpus/{did}.txt", "sha256": f"{j:064d}", "parser_version": 0,
                     "meta": metas[(j // 1000) % len(metas)], "header": [], "recipients": [], "signature": [],
                     "warnings": [], "clauses": clauses})
    basis = np.asarray(bundled.vectors(None))
    t = time.perf_counter()
    build_index(docs, SyntheticPassages(embedder, basis), home / "data" / "index")
    return home, {"texts": origin, "embeddings": "synthetic: mixes of two real clause embeddings + noise",
                  "index_build_s (BM25 + FAISS + files; no embedding)": round(time.perf_counter() - t, 1)}


def code_at(ref: str, dest: Path) -> Path:
    """The repository's files at git `ref` (e.g. the commit before a change), extracted into dest: the baseline
    server runs that code over the same index in the same run. The repository itself is not touched."""
    dest.mkdir(parents=True)
    arch = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=arch, check=True)
    return dest


def run(model_dir: Path, clauses: int = 100_000, queries: int = 100, clients: int = 4, load_queries: int = 400,
        load_seconds: float = 60, printer=None, baseline_ref: str | None = None, bundled_figures: bool = True,
        torch_baseline: bool = True, max_words: int = 0) -> dict:
    """The whole measurement; also called by scripts/benchmark.py (its bench_service hook)."""
    from index.embedder import SentenceTransformerEmbedder, make_embedder
    from policyqa.build import build_all
    from policyqa.config import Settings

    a = argparse.Namespace(clients=clients, load_queries=load_queries, load_seconds=load_seconds,
                           baseline_ref=baseline_ref, baseline_root=None)
    qs = [json.loads(l)["query"] for l in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines() if l]
    qs = (qs * (queries // len(qs) + 1))[:queries]
    embedder = make_embedder(model_dir)  # the default path, the one `policyqa build` and the service use
    old = SentenceTransformerEmbedder(model_dir) if torch_baseline else None  # what the service encoded with before
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
           "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "baseline_ref": baseline_ref}
    with tempfile.TemporaryDirectory(prefix="bench_service_") as tmp:
        tmp = Path(tmp)
        if baseline_ref:
            a.baseline_root = code_at(baseline_ref, tmp / "baseline-code")
        bundled = tmp / "bundled"
        shutil.copytree(ROOT / "corpus", bundled / "corpus")
        build_all(Settings.from_env(home=bundled, model_dir=model_dir), embedder=embedder)
        if bundled_figures:
            out["bundled"] = measure(bundled, model_dir, embedder, qs, a, old)
            (printer or report)(out, "bundled")
        if clauses:
            home, how = large_home(tmp, bundled, clauses, embedder, max_words)
            out["large"] = {**how, **measure(home, model_dir, embedder, qs, a, old)}
            (printer or report)(out, "large")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clauses", type=int, default=100_000, help="size of the large corpus (0: skip it)")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--load-queries", type=int, default=400)
    ap.add_argument("--load-seconds", type=float, default=60)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--baseline-ref", help="also serve the same index with the code of this git commit (the old path)")
    ap.add_argument("--skip-bundled", action="store_true", help="no figures for the bundled corpus")
    ap.add_argument("--no-torch-baseline", action="store_true", help="do not load torch for the encoding baseline")
    ap.add_argument("--max-words", type=int, default=0,
                    help="large corpus: a window of at most this many words of each text (less memory at 10^6)")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    out = run(Path(a.model), a.clauses, a.queries, a.clients, a.load_queries, a.load_seconds,
              baseline_ref=a.baseline_ref, bundled_figures=not a.skip_bundled, torch_baseline=not a.no_torch_baseline, max_words=a.max_words)
    out["command"] = " ".join(["python", *sys.argv])
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


def report(out: dict, key: str) -> None:
    r = out[key]
    print(f"\n== {key}: {r['clauses']:,} clauses, {r['documents']} documents "
          f"(index load {r['index_load_s']} s in process; server start-up {r['server_startup_s']} s)", flush=True)
    for k in ("texts", "embeddings"):
        if k in r:
            print(f"   {k}: {r[k]}")
    for mode in ("hybrid", "bm25"):
        s, b = r[f"served_{mode}"], r[f"in_process_{mode}"]
        print(f"   {mode:6s} served p50/p95 {s['p50_ms']:7.2f} / {s['p95_ms']:7.2f} ms   "
              f"(in-process library call, 1 worker thread: {b['p50_ms']:7.2f} / {b['p95_ms']:7.2f} ms; n={s['n']})")
    ld, b = r["served_load_hybrid"], r["in_process_hybrid"]
    print(f"   load, {ld['clients']} clients, hybrid: {ld['qps']} queries/s ({ld['queries']} in {ld['seconds']} s, "
          f"errors {ld['errors']}), p50/p95 {ld['p50_ms']} / {ld['p95_ms']} ms   "
          f"(in-process, 1 caller: {b['qps_1_caller']} queries/s)", flush=True)
    if "baseline" in r:
        o = r["baseline"]
        print(f"   BASELINE (code of {o['ref']}, same index, same run):")
        for mode in ("hybrid", "bm25"):
            print(f"   {mode:6s} served p50/p95 {o[f'served_{mode}']['p50_ms']:7.2f} / {o[f'served_{mode}']['p95_ms']:7.2f} ms")
        ld = o["served_load_hybrid"]
        print(f"   load, {ld['clients']} clients, hybrid: {ld['qps']} queries/s ({ld['queries']} in {ld['seconds']} s, "
              f"errors {ld['errors']}), p50/p95 {ld['p50_ms']} / {ld['p95_ms']} ms", flush=True)
    print("   stages of one hybrid query, in-process (p50 / p95 ms; old path next to new):")
    for k, v in r["stages_hybrid"].items():
        print(f"     {k:24s} {v['p50_ms']:8.2f} / {v['p95_ms']:8.2f}")
    print(json.dumps({key: r}, ensure_ascii=False))


if __name__ == "__main__":
    main()
