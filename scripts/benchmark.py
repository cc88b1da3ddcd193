"""Speed benchmark: prints figures (and ratios against a baseline measured in the same run).

    python scripts/benchmark.py [--synthetic 100000] [--queries 200] [--json out.json] [--embed-synthetic]

1. Bundled corpus: ingestion and embedding throughput, index build time and size on disk, start-up
   (model + index load) and query latency p50/p95 per mode.
2. Synthetic corpus of N clauses built by recombining real clauses: texts are sentences of real
   clauses shuffled together; embeddings are normalised mixes of two real clause embeddings (or the real
   embeddings of the recombined texts with --embed-synthetic, which needs a GPU to be quick). Measures
   FAISS flat / HNSW / IVF build time, latency and recall@10 against exact search, and BM25 / dense /
   hybrid latency through the same search code the app uses.
Not a test: nothing here asserts a time."""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pct(ts, p):
    return float(np.percentile(np.asarray(ts) * 1000, p))


def lat(fn, queries, warm=3):
    for q in queries[:warm]:
        fn(q)
    ts = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        ts.append(time.perf_counter() - t)
    return {"p50_ms": round(pct(ts, 50), 2), "p95_ms": round(pct(ts, 95), 2), "n": len(ts)}


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def bundled(out: dict, model_dir: Path, queries: list[str]) -> None:
    from index.build import build_index
    from index.embedder import SentenceTransformerEmbedder
    from ingest.pipeline import ingest_corpus
    from policyqa.config import Settings
    from policyqa.engine import Engine
    from policyqa.search import search

    tmp = Path(tempfile.mkdtemp(prefix="pq-bench-"))
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    s = Settings.from_env(home=tmp, model_dir=model_dir)
    t = time.perf_counter()
    docs, _ = ingest_corpus(s.corpus_dir, s.docs_path, root=tmp)
    t_ing = time.perf_counter() - t
    n = sum(len(d["clauses"]) for d in docs)
    t = time.perf_counter()
    emb = SentenceTransformerEmbedder(model_dir)
    t_model = time.perf_counter() - t
    texts = [c["search_text"] for d in docs for c in d["clauses"]]
    t = time.perf_counter()
    emb.encode_passages(texts)
    t_emb = time.perf_counter() - t
    t = time.perf_counter()
    build_index(docs, emb, s.index_dir)
    t_build = time.perf_counter() - t  # includes embedding again (fresh index folder)
    t = time.perf_counter()
    eng = Engine.load(s, embedder=emb)
    t_load_index = time.perf_counter() - t
    out["bundled"] = {
        "documents": len(docs), "clauses": n,
        "ingest_s": round(t_ing, 2), "ingest_clauses_per_s": round(n / t_ing, 1),
        "embed_s": round(t_emb, 2), "embed_clauses_per_s": round(n / t_emb, 1),
        "index_build_s": round(t_build, 2), "index_size_mb": round(du(s.index_dir) / 1e6, 2),
        "startup_model_load_s": round(t_model, 2), "startup_index_load_s": round(t_load_index, 3),
        "latency": {m: lat(lambda q, m=m: search(eng, q, k=10, mode=m), queries) for m in ("bm25", "dense", "hybrid")},
    }
    b = out["bundled"]["latency"]
    out["bundled"]["hybrid_vs_bm25_p50_ratio"] = round(b["hybrid"]["p50_ms"] / max(b["bm25"]["p50_ms"], 1e-6), 1)
    shutil.rmtree(tmp, ignore_errors=True)


def synthetic(out: dict, model_dir: Path, queries: list[str], n_target: int, embed_real: bool, seed: int = 0) -> None:
    import faiss

    from index import dense
    from index.build import DEFAULT_PARAMS, assemble
    from index.embedder import SentenceTransformerEmbedder
    from policyqa.config import Settings
    from policyqa.engine import Engine
    from policyqa.search import rank

    s = Settings.from_env(home=ROOT, model_dir=model_dir)
    from index.files_backend import FilesBackend

    real = FilesBackend.open(s.index_dir)
    rows0, emb0 = [real.clause(c) for c in real.clause_ids()], np.asarray(real.embeddings)
    sentences = [x for r in rows0 for x in re.split(r"(?<=[.;])\s+", r["text"]) if len(x) > 20]
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    texts = [" ".join(rng.sample(sentences, 3)) for _ in range(n_target)]
    embedder = SentenceTransformerEmbedder(model_dir)
    t = time.perf_counter()
    if embed_real:
        E = embedder.encode_passages(texts)
        how = "real embeddings of the recombined texts"
    else:
        a, b = nrng.integers(0, len(emb0), n_target), nrng.integers(0, len(emb0), n_target)
        w = nrng.uniform(0.3, 0.7, (n_target, 1)).astype(np.float32)
        E = w * emb0[a] + (1 - w) * emb0[b] + nrng.normal(0, 0.02, (n_target, emb0.shape[1])).astype(np.float32)
        E /= np.linalg.norm(E, axis=1, keepdims=True)
        how = "mixes of two real clause embeddings + noise"
    t_emb = time.perf_counter() - t
    qv = embedder.encode_queries(queries)
    syn = {"clauses": n_target, "embeddings": how, "embedding_s": round(t_emb, 2)}

    # exact search latency as the corpus grows: where flat stops being "well under 100 ms"
    grow = {}
    for n in sorted({10_000, 50_000, n_target} & set(range(1, n_target + 1))):
        idx = faiss.IndexFlatIP(E.shape[1])
        idx.add(E[:n])
        grow[n] = lat(lambda i, idx=idx: idx.search(qv[i:i + 1], 10), list(range(len(qv))))
    syn["flat_latency_by_size"] = grow

    exact = faiss.IndexFlatIP(E.shape[1])
    exact.add(E)
    _, truth = exact.search(qv, 10)
    kinds = {}
    for name, make in (("flat", lambda: dense.build(E, "flat")), ("hnsw", lambda: dense.build(E, "hnsw")),
                       ("ivf", lambda: _ivf(E))):
        t = time.perf_counter()
        idx = make()
        t_b = time.perf_counter() - t
        _, got = idx.search(qv, 10)
        recall = float(np.mean([len(set(g) & set(tr)) / 10 for g, tr in zip(got, truth)]))
        kinds[name] = {"build_s": round(t_b, 2), "recall@10_vs_exact": round(recall, 4),
                       **lat(lambda i, idx=idx: idx.search(qv[i:i + 1], 10), list(range(len(qv))))}
    for name in ("hnsw", "ivf"):
        kinds[name]["speedup_vs_flat_p50"] = round(kinds["flat"]["p50_ms"] / max(kinds[name]["p50_ms"], 1e-6), 1)
    syn["faiss"] = kinds

    rows = [{"clause_id": f"syn:{i}", "doc_id": f"syn{i % 50}", "text": t, "search_text": t, "path": str(i),
             "segmented": None, "kind": "number", "doc": {}} for i, t in enumerate(texts)]
    t = time.perf_counter()
    idx = assemble(rows, E, {"params": {**DEFAULT_PARAMS, "faiss": "auto"}, "model": {}})
    syn["bm25_and_index_build_s"] = round(time.perf_counter() - t, 2)
    syn["faiss_kind_auto"] = dense.choose_kind(len(rows))
    eng = Engine(s, idx, embedder)
    syn["latency"] = {m: lat(lambda q, m=m: rank(eng, q, m, None, 100), queries) for m in ("bm25", "dense", "hybrid")}
    out["synthetic"] = syn


def _ivf(E):
    import faiss

    nlist = int(4 * np.sqrt(len(E)))
    q = faiss.IndexFlatIP(E.shape[1])
    idx = faiss.IndexIVFFlat(q, E.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    idx.train(E[np.random.default_rng(0).choice(len(E), min(len(E), 40 * nlist), replace=False)])
    idx.add(E)
    idx.nprobe = 16
    return idx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--embed-synthetic", action="store_true")
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    qs = [json.loads(l)["query"] for l in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines() if l]
    queries = (qs * (a.queries // len(qs) + 1))[:a.queries]
    import platform

    import torch

    out = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "torch_threads": torch.get_num_threads(),
                       "cuda": torch.cuda.is_available()}}
    bundled(out, Path(a.model), queries)
    print(json.dumps({"bundled": out["bundled"]}, indent=1, ensure_ascii=False), flush=True)
    if a.synthetic:
        synthetic(out, Path(a.model), queries, a.synthetic, a.embed_synthetic)
        print(json.dumps({"synthetic": out["synthetic"]}, indent=1, ensure_ascii=False), flush=True)
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
