"""Which ONNX graph to ship: speed and agreement with the torch reference of every export variant, in one run.

    python scripts/onnx_variants.py [--model models/me5-small] [--sample-files 8] [--embed-sample 300]
                                    [--work DIR] [--sweep] [--json out.json]

On the same real clauses (every k-th file of ../shared/corpora, else the bundled corpus; every k-th clause):
the torch fp32 reference (sentence-transformers), then the plain ONNX export (sdpa attention, as before
RECIPE 2) and its dynamic int8, the eager export optimised by ONNX Runtime's BERT fusions, and dynamic int8
quantisations of the optimised graph (per-tensor / per-channel, all quantisable ops / MatMul only), then
with --sweep the optimised graphs at other batch sizes and one thread (default: batch 8, one thread per
core). Prints clauses/s, speed-up over the torch reference and over the plain ONNX fp32 export, and cosine to
the torch vectors (mean, min). Picks nothing: index/onnx_export.py's QUANT records the choice made from these
figures."""
from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = ROOT.parent / "shared"


def sample_texts(n_files: int, n_clauses: int, work: Path) -> list[str]:
    from ingest.pipeline import ingest_corpus

    files = sorted(p for p in (SHARED / "corpora").rglob("*") if p.suffix in (".txt", ".md") and p.name != "README.md")
    if files:
        corpus = work / "corpus"
        for f in files[:: max(1, len(files) // n_files)][:n_files]:
            t = corpus / f.relative_to(SHARED / "corpora")
            t.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, t)
    else:
        corpus = ROOT / "corpus"
    docs, _ = ingest_corpus(corpus, work / "docs.jsonl", root=corpus.parent)
    texts = [c["search_text"] for d in docs for c in d["clauses"]]
    return texts[:: max(1, len(texts) // n_clauses)][:n_clauses]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--sample-files", type=int, default=8)
    ap.add_argument("--embed-sample", type=int, default=300)
    ap.add_argument("--work", default=None, help="keep the candidate graphs here (default: a temporary folder)")
    ap.add_argument("--sweep", action="store_true", help="also batch sizes 16/32/64 and 1 thread for the optimised graphs")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    from index import onnx_export as ox
    from index.embedder import SentenceTransformerEmbedder
    from index.onnx_embedder import OnnxEmbedder

    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.ERROR)
    model = Path(a.model)
    work = Path(a.work) if a.work else Path(tempfile.mkdtemp(prefix="pq-onnx-variants-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": " ".join(sys.argv),
                 "load_avg_at_start": os.getloadavg()}
    try:
        texts = sample_texts(a.sample_files, a.embed_sample, work)
        out["sample_clauses"] = len(texts)
        heads, hidden = ox.model_shape(model)
        g = {name: work / f"{name}.onnx" for name in ("plain", "plain.int8", "raw_eager", "opt", "opt.int8",
                                                       "opt.int8.pc", "opt.int8.mm", "opt.int8.mm.pc",
                                                       "opt.int8.pc.ffn32")}
        if not g["plain"].exists():  # the export before RECIPE 2: sdpa attention, no fusion
            ox.export_raw(model, g["plain"], attn_implementation="sdpa")
        steps = {
            "plain.int8": lambda: ox.quantise(g["plain"], g["plain.int8"]),
            "raw_eager": lambda: ox.export_raw(model, g["raw_eager"]),
            "opt": lambda: out.setdefault("fused", ox.optimise(g["raw_eager"], g["opt"], heads, hidden)),
            "opt.int8": lambda: ox.quantise(g["opt"], g["opt.int8"]),
            "opt.int8.pc": lambda: ox.quantise(g["opt"], g["opt.int8.pc"], per_channel=True),
            "opt.int8.mm": lambda: ox.quantise(g["opt"], g["opt.int8.mm"], op_types=["MatMul"]),
            "opt.int8.mm.pc": lambda: ox.quantise(g["opt"], g["opt.int8.mm.pc"], per_channel=True, op_types=["MatMul"]),
            # RECIPE 3's int8: per channel, the feed-forward output projections (fed by GELU) left fp32
            "opt.int8.pc.ffn32": lambda: ox.quantise(g["opt"], g["opt.int8.pc.ffn32"], per_channel=True,
                                                     fp32_after_gelu=True),
        }
        for name, make in steps.items():
            if not g[name].exists():
                make()
        out["sizes_mb"] = {k: round(v.stat().st_size / 2**20, 1) for k, v in g.items() if v.exists()}
        gc.collect()

        def run(make) -> tuple[np.ndarray, float]:
            e = make()
            e.encode_passages(texts[:4])  # load outside the timing
            t = time.perf_counter()
            v = e.encode_passages(texts)
            dt = time.perf_counter() - t
            del e
            gc.collect()
            return v, dt

        res = {}
        ref = t_ref = plain_rate = None

        def measure(name, make) -> None:  # printed as measured: a long run on a busy machine shows progress
            nonlocal ref, t_ref, plain_rate
            v, dt = run(make)
            if ref is None:
                ref, t_ref = v, dt
            if name == "plain":
                plain_rate = len(texts) / dt
            c = (v * ref).sum(1)
            res[name] = {"clauses_per_s": round(len(texts) / dt, 1), "speedup_vs_torch": round(t_ref / dt, 2),
                         "speedup_vs_plain_onnx_fp32": round(len(texts) / dt / plain_rate, 2) if plain_rate else None,
                         "cosine_to_torch_mean": round(float(c.mean()), 5), "cosine_to_torch_min": round(float(c.min()), 5)}
            print(json.dumps({name: res[name]}), flush=True)

        measure("torch-fp32 (reference, length-sorted)", lambda: SentenceTransformerEmbedder(model))
        for name in ("plain", "plain.int8", "opt", "opt.int8", "opt.int8.pc", "opt.int8.mm", "opt.int8.mm.pc",
                     "opt.int8.pc.ffn32"):
            measure(name, lambda name=name: OnnxEmbedder(model, graph=g[name]))
        if a.sweep:
            for name in ("opt", "opt.int8"):
                for bs in (16, 32, 64):
                    measure(f"{name} batch {bs}", lambda name=name, bs=bs: OnnxEmbedder(model, graph=g[name], batch_size=bs))
                measure(f"{name} 1 thread", lambda name=name: OnnxEmbedder(model, graph=g[name], threads=1))
        out["variants"] = res
        out["load_avg_at_end"] = os.getloadavg()
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, indent=1))
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
