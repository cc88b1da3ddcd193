"""BM25 top-k: scoring every posting (bm25s get_scores, the old path) against MaxScore (index.lexical.BM25Index.top
forced onto it) and the automatic choice, on N real paragraphs of ../shared/corpora (pairs joined above their
number, as scripts/bench_service.py makes them), by how many postings a query's tokens have. Results of the three
are checked equal on every query. Not a test: nothing here asserts a time.

    python scripts/bench_bm25.py [--clauses 100000] [--max-words 0]

--max-words W keeps a window of at most W words of each text (less memory for 10^6 clauses)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clauses", type=int, default=100_000)
    ap.add_argument("--max-words", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    from bench_service import real_paragraphs, windows

    from index.dense import top_rows
    from index.lexical import BM25Index, tokenize, tokenize_both
    from ingest.clean import has_diacritics

    print(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": os.getloadavg(),
                      "command": " ".join(["python", *sys.argv])}))
    texts, origin = real_paragraphs(a.clauses)
    if a.max_words:
        texts = windows(texts, a.max_words)
    t = time.perf_counter()
    acc, fol = tokenize_both(texts)
    del texts
    idx = {False: BM25Index.build(acc), True: BM25Index.build(fol)}
    del acc, fol
    print(json.dumps({"clauses": a.clauses, "texts": origin, "bm25_build_s": round(time.perf_counter() - t, 1)}), flush=True)
    qs = [json.loads(l)["query"] for l in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
          if l.strip()]
    res = []
    for _ in range(a.rounds):
        for q in qs:
            f = not has_diacritics(q)
            b = idx[f]
            toks = tokenize(q, folded=f)
            tids = b.token_ids(toks)
            p = int((b._indptr[tids + 1] - b._indptr[tids]).sum())
            t0 = time.perf_counter()
            s = b.scores(toks)
            rows = top_rows(s, np.flatnonzero(s > 0), 100)
            t1 = time.perf_counter()
            saved, b.FULL_IF_POSTINGS = b.FULL_IF_POSTINGS, 0
            r_ms, _ = b.top(toks, 100)
            b.FULL_IF_POSTINGS = saved
            t2 = time.perf_counter()
            r_auto, _ = b.top(toks, 100)
            t3 = time.perf_counter()
            assert rows.tolist() == r_ms.tolist() == r_auto.tolist(), q
            res.append((p / a.clauses, t1 - t0, t2 - t1, t3 - t2))
    r = np.array(res)
    out = {}
    for lo, hi in ((0, 0.5), (0.5, 1), (1, 2), (2, 4), (4, 1e9)):
        m = (r[:, 0] >= lo) & (r[:, 0] < hi)
        if m.any():
            out[f"postings/clauses {lo}-{hi}"] = {
                "queries": int(m.sum()), "full_p50_ms": round(1000 * float(np.median(r[m, 1])), 2),
                "maxscore_p50_ms": round(1000 * float(np.median(r[m, 2])), 2),
                "auto_p50_ms": round(1000 * float(np.median(r[m, 3])), 2)}
    for name, col in (("full", 1), ("maxscore", 2), ("auto", 3)):
        out[f"all_{name}_p50_p95_ms"] = [round(1000 * float(np.percentile(r[:, col], p)), 2) for p in (50, 95)]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
