"""Retrieval quality per embedding path, measured in one run: `policyqa eval` figures on the bundled eval
set (eval/) and on ALQAC, for torch-fp32 (the reference), onnx-fp32 and onnx-int8 (and, with --windows,
onnx-fp32 with long clauses split into windows instead of truncated). Picks nothing itself: prints the
figures and each path's MRR@10 difference to torch-fp32 (the issue allows 0.005).

    python scripts/embedding_quality.py [--alqac ../shared/benchmarks/alqac] [--paths ...] [--windows] [--json out]
"""
from __future__ import annotations

import argparse
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


def alqac(model_dir: Path, folder: Path, embedder, work: Path) -> dict:
    s = Settings.from_env(home=work / "alqac-home", model_dir=model_dir, embedding=embedder.embedding_path)
    ds = dataset.load_alqac(folder)
    t = time.perf_counter()
    eng = runner.external_engine(s, ds, embedder=embedder)
    t_emb = time.perf_counter() - t
    return {"embed_s": round(t_emb, 1), "articles": len(ds.corpus),
            **_figures(runner.evaluate_retrieval(eng, ds, MODES))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--alqac", default=str(ROOT.parent / "shared" / "benchmarks" / "alqac"))
    ap.add_argument("--paths", nargs="*", default=list(EMBEDDING_PATHS))
    ap.add_argument("--windows", action="store_true", help="also onnx-fp32 with long clauses split into windows")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    model = Path(a.model)
    variants = [(p, make_embedder(model, p)) for p in a.paths]
    if a.windows:
        variants.append(("onnx-fp32+windows", make_embedder(model, "onnx-fp32", long_mode="windows")))
    work = Path(tempfile.mkdtemp(prefix="pq-quality-"))
    out: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": " ".join(sys.argv)}
    try:
        for name, emb in variants:
            r = {"eval": bundled(model, name.replace("+", "_"), emb, work)}
            if Path(a.alqac).exists():
                r["alqac"] = alqac(model, Path(a.alqac), emb, work / name.replace("+", "_"))
            out[name] = r
            print(json.dumps({name: r}, ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ref = out.get("torch-fp32")
    if ref:
        for name, _ in variants:
            for part in ("eval", "alqac"):
                if part in out[name] and part in ref:
                    d = out[name][part]["hybrid"]["mrr@10"] - ref[part]["hybrid"]["mrr@10"]
                    out[name][part]["hybrid_mrr@10_minus_torch_fp32"] = round(d, 4)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
