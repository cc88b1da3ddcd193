"""HNSW parameters for the dense index, chosen on one half of the queries and reported on the other half.

    python scripts/bench_hnsw.py [--clauses 1000000] [--params 32:80,32:200] [--ef 64,128,256,512,1024,2048]
                                 [--json out.json]

Vectors: --clauses synthetic clause embeddings, normalised mixes of two real clause embeddings of the bundled
corpus plus noise (as scripts/benchmark.py and scripts/bench_service.py make them); queries: the labelled queries
of eval/queries.jsonl embedded by the real model, split by position (even: tuning, odd: held out). For each
(M, efConstruction): build time, and per efSearch the recall@10 against exact search on both halves and the
latency of one query at a time; exact search (the mapped matrix product the files backend runs, index/dense.py)
is the baseline measured in the same run. The chosen setting is the fastest whose recall@10 on the TUNING half is
≥ the target; its held-out recall is what to report (below the target: stay exact). Not a test."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pct(ts, p) -> float:
    return round(float(np.percentile(np.asarray(ts) * 1000, p)), 2)


def vectors(model_dir: Path, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(synthetic clause vectors, query vectors)."""
    from index.embedder import make_embedder
    from ingest.pipeline import ingest_corpus

    tmp = Path(tempfile.mkdtemp(prefix="pq-hnsw-"))
    try:
        docs, _ = ingest_corpus(ROOT / "corpus", tmp / "docs.jsonl", root=ROOT)
        e = make_embedder(model_dir)
        basis = e.encode_passages([c["search_text"] for d in docs for c in d["clauses"]])
        qs = [json.loads(l)["query"] for l in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
              if l.strip()]
        qv = e.encode_queries(qs)
        del e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rng = np.random.default_rng(seed)
    E = np.empty((n, basis.shape[1]), dtype=np.float32)
    for s in range(0, n, 100_000):  # in chunks: one 10^6 x 384 mix at once would triple the memory
        k = min(100_000, n - s)
        a, b = rng.integers(0, len(basis), k), rng.integers(0, len(basis), k)
        w = rng.uniform(0.3, 0.7, (k, 1)).astype(np.float32)
        x = w * basis[a] + (1 - w) * basis[b] + rng.normal(0, 0.02, (k, basis.shape[1])).astype(np.float32)
        E[s:s + k] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return E, np.ascontiguousarray(qv, dtype=np.float32)


def recall(got: np.ndarray, truth: np.ndarray) -> float:
    return round(float(np.mean([len(set(g) & set(t)) / truth.shape[1] for g, t in zip(got, truth)])), 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clauses", type=int, default=1_000_000)
    ap.add_argument("--params", default="32:80,32:200", help="M:efConstruction pairs, comma-separated")
    ap.add_argument("--ef", default="64,128,256,512,1024,2048", help="efSearch values")
    ap.add_argument("--target", type=float, default=0.98)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    import faiss

    from index import dense

    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
           "load_average_at_start": [round(x, 2) for x in os.getloadavg()], "clauses": a.clauses,
           "command": " ".join(["python", *sys.argv])}
    E, Q = vectors(Path(a.model), a.clauses)
    tune, held = Q[0::2], Q[1::2]
    out["queries"] = {"tuning": len(tune), "held_out": len(held)}
    k = 10
    ts, truth = [], []
    for q in Q:  # the baseline: exact search as the files backend runs it, one query at a time
        t = time.perf_counter()
        rows, _ = dense.exact(E, q, None, k)
        ts.append(time.perf_counter() - t)
        truth.append(rows)
    truth = np.array(truth)
    t_tune, t_held = truth[0::2], truth[1::2]
    out["exact"] = {"p50_ms": pct(ts, 50), "p95_ms": pct(ts, 95)}
    print(json.dumps({"exact": out["exact"]}), flush=True)
    out["hnsw"] = {}
    for pair in a.params.split(","):
        m, efc = (int(x) for x in pair.split(":"))
        idx = faiss.IndexHNSWFlat(E.shape[1], m, faiss.METRIC_INNER_PRODUCT)
        idx.hnsw.efConstruction = efc
        t = time.perf_counter()
        idx.add(E)
        build_s = round(time.perf_counter() - t, 1)
        rows = {}
        for ef in (int(x) for x in a.ef.split(",")):
            idx.hnsw.efSearch = ef
            lat = []
            got = []
            for q in Q:
                t = time.perf_counter()
                got.append(idx.search(q.reshape(1, -1), k)[1][0])
                lat.append(time.perf_counter() - t)
            got = np.array(got)
            rows[ef] = {"recall@10_tuning": recall(got[0::2], t_tune), "recall@10_held_out": recall(got[1::2], t_held),
                        "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95)}
            print(json.dumps({f"M{m}_efC{efc}_ef{ef}": rows[ef], "build_s": build_s}), flush=True)
        out["hnsw"][f"M{m}_efC{efc}"] = {"build_s": build_s, "efSearch": rows}
        del idx
    ok = [(v["p50_ms"], name, ef, v) for name, r in out["hnsw"].items() for ef, v in r["efSearch"].items()
          if v["recall@10_tuning"] >= a.target]
    if ok:
        _, name, ef, v = min(ok)
        out["chosen"] = {"index": name, "efSearch": ef, "recall@10_held_out": v["recall@10_held_out"],
                         "meets_target_on_held_out": v["recall@10_held_out"] >= a.target, "p50_ms": v["p50_ms"],
                         "exact_p50_ms": out["exact"]["p50_ms"]}
    else:
        out["chosen"] = {"index": "flat (exact)", "reason": f"no setting reached recall@10 {a.target} on the tuning half"}
    print(json.dumps({"chosen": out["chosen"]}, ensure_ascii=False), flush=True)
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
