"""Retrieval quality per embedding path, measured in one run: `policyqa eval` figures on the bundled eval
set (eval/) and on ALQAC, for torch-fp32 (the reference), onnx-fp32 and onnx-int8 (and, with --windows,
onnx-fp32 with long clauses split into windows instead of truncated). Picks nothing itself: prints the
figures and each path's hybrid and dense MRR@10 difference to torch-fp32, or to onnx-fp32 when torch-fp32 is
not run (the issue allows 0.005).

    python scripts/embedding_quality.py [--alqac ../shared/benchmarks/alqac] [--paths ...] [--windows]
                                        [--alqac-queries Q --alqac-articles N] [--json out]

--alqac-queries/--alqac-articles: a fixed subset of ALQAC when the 2,249 articles cannot be embedded per path in
the time at hand (2 busy cores): the first Q questions, every gold article of theirs, and other articles taken
at a fixed stride up to N in all. The same subset for every path: a paired comparison, labelled as a subset.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.embedder import EMBEDDING_PATHS, make_embedder  # noqa: E402
from policyqa.build import build_all  # noqa: E402
from policyqa.config import Settings  # noqa: E402
from policyqa.engine import Engine  # noqa: E402
from policyqa.evaluation import dataset, runner  # noqa: E402

MODES = ["hybrid", "dense", "bm25"]


def _figures(rep) -> dict:
    return {m: {k: round(v, 4) for k, v in rep.metrics[m].items() if k in ("mrr@10", "recall@5", "recall@10")}
            for m in rep.metrics}


def bundled(model_dir: Path, variant: str, embedder, work: Path) -> dict:
    home = work / variant
    shutil.copytree(ROOT / "corpus", home / "corpus")
    shutil.copytree(ROOT / "eval", home / "eval", ignore=shutil.ignore_patterns("reports"))
    if (work / "docs.jsonl").exists():  # ingest once; every variant reuses the same parsed documents
        (home / "data").mkdir(parents=True)
        shutil.copy2(work / "docs.jsonl", home / "data" / "docs.jsonl")
    s = Settings.from_env(home=home, model_dir=model_dir, embedding=embedder.embedding_path)
    t = time.perf_counter()
    build_all(s, embedder=embedder)
    t_build = time.perf_counter() - t
    shutil.copy2(s.docs_path, work / "docs.jsonl")
    eng = Engine.load(s, embedder=embedder)
    ds = dataset.load_project(home / "eval", eng.rows)
    return {"build_s": round(t_build, 1), **_figures(runner.evaluate_retrieval(eng, ds, MODES))}


def alqac_subset(ds, n_queries: int | None, n_articles: int | None):
    if not n_queries and not n_articles:
        return ds
    qids = [q for q in ds.queries if q in ds.qrels][:n_queries]
    gold = {a for q in qids for a in ds.qrels[q]}
    others = [d for d in ds.corpus if d["id"] not in gold]
    room = max(0, (n_articles or len(ds.corpus)) - len(gold))
    keep = gold | {d["id"] for d in others[:: max(1, len(others) // max(room, 1))][:room]}
    return dataset.Dataset(f"{ds.name}-subset", {q: ds.queries[q] for q in qids}, {q: ds.qrels[q] for q in qids},
                           [d for d in ds.corpus if d["id"] in keep])


def alqac(model_dir: Path, folder: Path, embedder, work: Path, n_queries=None, n_articles=None) -> dict:
    s = Settings.from_env(home=work / "alqac-home", model_dir=model_dir, embedding=embedder.embedding_path)
    ds = alqac_subset(dataset.load_alqac(folder), n_queries, n_articles)
    t = time.perf_counter()
    eng = runner.external_engine(s, ds, embedder=embedder)
    t_emb = time.perf_counter() - t
    return {"embed_s": round(t_emb, 1), "articles": len(ds.corpus), "questions": len(ds.queries),
            **_figures(runner.evaluate_retrieval(eng, ds, MODES))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--alqac", default=str(ROOT.parent / "shared" / "benchmarks" / "alqac"))
    ap.add_argument("--paths", nargs="*", default=list(EMBEDDING_PATHS))
    ap.add_argument("--windows", action="store_true", help="also onnx-fp32 with long clauses split into windows")
    ap.add_argument("--alqac-queries", type=int, default=None)
    ap.add_argument("--alqac-articles", type=int, default=None)
    ap.add_argument("--alqac-paths", nargs="*", default=None, help="paths run on ALQAC (default: all)")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    model = Path(a.model)
    # built one at a time and dropped after use: each loaded model holds ~1 GB (a run holding all four was
    # killed by the out-of-memory killer on the shared machine)
    variants = [(p, lambda p=p: make_embedder(model, p)) for p in a.paths]
    if a.windows:
        variants.append(("onnx-fp32+windows", lambda: make_embedder(model, "onnx-fp32", long_mode="windows")))
    work = Path(tempfile.mkdtemp(prefix="pq-quality-"))
    out: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": " ".join(sys.argv)}
    try:
        for name, make in variants:
            emb = make()
            r = {"eval": bundled(model, name.replace("+", "_"), emb, work)}
            if Path(a.alqac).exists() and (a.alqac_paths is None or name in a.alqac_paths):
                r["alqac"] = alqac(model, Path(a.alqac), emb, work / name.replace("+", "_"),
                                   a.alqac_queries, a.alqac_articles)
            out[name] = r
            print(json.dumps({name: r}, ensure_ascii=False), flush=True)
            del emb
            gc.collect()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for part in ("eval", "alqac"):  # the fp32 reference: torch-fp32 where run, else onnx-fp32 (cosine 0.99999)
        ref_name = next((n for n in ("torch-fp32", "onnx-fp32") if part in out.get(n, {})), None)
        for name, _ in variants:
            if ref_name and part in out[name]:
                for mode in ("hybrid", "dense"):  # the modes that use the vectors
                    d = out[name][part][mode]["mrr@10"] - out[ref_name][part][mode]["mrr@10"]
                    out[name][part][f"{mode}_mrr@10_minus_{ref_name}"] = round(d, 4)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
