"""Run an evaluation: every mode on a labelled set, answers and compare decisions on ours, and a report."""
from __future__ import annotations

import datetime as dt
import hashlib
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from index.build import DEFAULT_PARAMS, assemble
from index.embedder import make_embedder

from ..config import Settings
from ..engine import Engine
from ..search import retrieve
from . import answers, dataset, metrics
from .report import Report

TOP = 100
is_project_dataset = dataset.is_project_dataset


def _run(engine: Engine, ds: dataset.Dataset, mode: str, ids: list[str]) -> tuple[dict, list[float]]:
    run, times = {}, []
    for qid in ids:
        t = time.perf_counter()
        ranked = retrieve(engine, ds.queries[qid]["query"], mode, n=TOP).ranked  # exactly as `search` ranks
        times.append(time.perf_counter() - t)
        run[qid] = {engine.rows[i]["clause_id"]: float(s) for i, s, _ in ranked[:TOP]}
    return run, times


def _ms(ts: list[float]) -> str:
    a = np.array(ts) * 1000
    return f"p50 {np.percentile(a, 50):.1f} ms, p95 {np.percentile(a, 95):.1f} ms (n={len(a)})"


def evaluate_retrieval(engine: Engine, ds: dataset.Dataset, modes: list[str], limit: int | None = None,
                       metric_names: list[str] = metrics.METRICS) -> Report:
    ids = [q for q in ds.queries if q in ds.qrels][:limit]
    qrels = {q: ds.qrels[q] for q in ids}
    runs, rep_metrics, per_query, timing = {}, {}, {}, {}
    engine.embedder.encode_queries(["khởi động"])  # warm-up, so the first query's latency is not start-up
    for mode in modes:
        runs[mode], times = _run(engine, ds, mode, ids)
        rep_metrics[mode], per_query[mode] = metrics.evaluate(qrels, runs[mode], metric_names, name=mode)
        timing[mode] = _ms(times)
    rep = Report(ds.name, rep_metrics, per_query, n_queries=len(ids), timing=timing,
                 date=dt.date.today().isoformat(), command="policyqa " + " ".join(shlex.quote(a) for a in sys.argv[1:]))
    if len(modes) > 1 and len(ids) > 1:
        rep.significance = metrics.compare(qrels, runs, metric_names)
    main = "hybrid" if "hybrid" in modes else modes[0]
    types: dict[str, list[str]] = {}
    for q in ids:
        types.setdefault(ds.queries[q].get("type") or "all", []).append(q)
    if len(types) > 1:
        rep.by_type = {t: {"n": len(qs), **{m: float(np.mean([per_query[main][m][q] for q in qs]))
                                            for m in ("recall@5", "mrr@10")}} for t, qs in types.items()}
    for q in ids:
        if per_query[main]["recall@5"][q] < 1.0:
            ranked = list(runs[main][q])
            ranks = [ranked.index(c) + 1 for c in qrels[q] if c in ranked]
            rep.failures.append({"id": q, "type": ds.queries[q].get("type", ""), "query": ds.queries[q]["query"],
                                 "first_rank": min(ranks) if ranks else None, "relevant": sorted(qrels[q]),
                                 "top3": ranked[:3]})
    rep.notes += ds.problems
    return rep


def evaluate_answers(engine: Engine, queries: dict[str, dict]) -> dict:
    """Answer accuracy by question kind on the tune and held-out splits (see evaluation.answers)."""
    from ..ask import ask

    metas = {did: d["meta"] for did, d in engine.docs.items()}
    judged = [answers.judge(q, ask(engine, q["query"]), metas) for q in queries.values()
              if q.get("expected_answers") or q.get("unanswerable")]
    return answers.summarise(judged)


def answer_questions(folder: Path, ds: dataset.Dataset) -> dict[str, dict]:
    """Questions labelled with answers: those of queries.jsonl plus eval/questions.jsonl (answers only)."""
    out = {k: v for k, v in ds.queries.items() if v.get("expected_answers") or v.get("unanswerable")}
    extra = Path(folder) / "questions.jsonl"
    if extra.exists():
        for q in dataset._read_jsonl(extra):
            if q["id"] in out:
                raise ValueError(f"{extra}: question id {q['id']} is also in queries.jsonl")
            out[q["id"]] = q
    return out


def evaluate_compare(engine: Engine, path: Path) -> dict | None:
    from ..compare import compare
    from .dataset import _read_jsonl, resolve_doc

    if not Path(path).exists():
        return None
    doc_ids = list(engine.docs)
    per, correct, total, present_sims, absent_sims = [], 0, 0, [], []
    for item in _read_jsonl(path):
        res = compare(engine, item["query"])
        by_doc = {r["doc_id"]: r for r in res.rows}
        errors = []
        for want, docs in (("match", item["present"]), ("missing", item["absent"])):
            for spec in docs:
                did = resolve_doc(spec, doc_ids)
                r = by_doc.get(did)
                if r is None:
                    continue
                (present_sims if want == "match" else absent_sims).append(r["similarity"])
                total += 1
                if r["status"] == want:
                    correct += 1
                else:
                    errors.append(f"{spec} should be {want} (got {r['status']} {r.get('section') or ''}, "
                                  f"sim {r['similarity']:.3f})")
        per.append({"id": item["id"], "query": item["query"], "errors": errors})
    return {"total": total, "correct": correct, "accuracy": correct / total if total else 0.0,
            "present_min": min(present_sims) if present_sims else 0.0,
            "absent_max": max(absent_sims) if absent_sims else 0.0, "per_query": per}


def evaluate_align(engine: Engine, path: Path) -> dict | None:
    """Labelled clause pairs (eval/align.jsonl): does the clause-to-clause rule call them the same task?"""
    from ..compare import CLAUSE_COVERAGE_MIN, clause_overlap
    from .dataset import _read_jsonl, resolve_doc

    if not Path(path).exists():
        return None
    per, doc_ids = [], list(engine.docs)
    for item in _read_jsonl(path):
        a = engine.clause(f"{resolve_doc(item['a_doc'], doc_ids)}:{item['a_path']}")
        b = engine.clause(f"{resolve_doc(item['b_doc'], doc_ids)}:{item['b_path']}")
        if a is None or b is None:
            per.append({**item, "correct": False, "overlap": None, "why": "clause not found"})
            continue
        ov = clause_overlap(engine, a["text"], b["text"])
        per.append({**item, "overlap": round(ov, 3), "correct": (ov >= CLAUSE_COVERAGE_MIN) == item["same_task"]})
    n = len(per)
    return {"total": n, "correct": sum(p["correct"] for p in per),
            "accuracy": sum(p["correct"] for p in per) / n if n else 0.0, "per_query": per}


def run_corpus(settings: Settings, engine: Engine, folder: str | None, modes: list[str], out: str | None,
               limit: int | None = None) -> Report:
    folder = Path(folder) if folder else settings.home / "eval"
    ds = dataset.load_project(folder, engine.rows)
    rep = evaluate_retrieval(engine, ds, modes, limit)
    qs = answer_questions(folder, ds)
    rep.answers = evaluate_answers(engine, dict(list(qs.items())[:limit]) if limit else qs)
    rep.compare = evaluate_compare(engine, folder / "compare.jsonl") if not limit else None
    rep.align = evaluate_align(engine, folder / "align.jsonl") if not limit else None
    rep.write(Path(out) if out else settings.home / "eval" / "reports" / ds.name)
    return rep


def external_engine(settings: Settings, ds: dataset.Dataset, embedder=None) -> Engine:
    """An in-memory index over an external corpus; embeddings cached under data/cache/."""
    embedder = embedder or make_embedder(settings.model_dir, settings.embedding)
    texts = [d["text"] for d in ds.corpus]
    h = hashlib.sha256("\x1e".join(d["id"] + "\x1f" + d["text"] for d in ds.corpus).encode()).hexdigest()[:16]
    cache = settings.data_dir / "cache" / f"{ds.name}-{embedder.fingerprint[:12]}-{embedder.embedding_path}-{h}.npy"
    if cache.exists():
        emb = np.load(cache)
    else:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), desc=f"embedding {ds.name}", unit="doc", file=sys.stderr)

        def progress(done, total):
            bar.n = done
            bar.refresh()

        emb = embedder.encode_passages(texts, progress=progress)
        bar.close()
        cache.parent.mkdir(parents=True, exist_ok=True)
        from ingest.atomic import atomic_path

        with atomic_path(cache) as tmp:
            with open(tmp, "wb") as f:
                np.save(f, emb)
    rows = [{"clause_id": d["id"], "doc_id": d["id"], "text": d["text"], "search_text": d["text"], "path": "",
             "segmented": None} for d in ds.corpus]
    man = {"params": dict(DEFAULT_PARAMS), "model": {"fingerprint": embedder.fingerprint}}
    return Engine(settings, assemble(rows, emb, man), embedder)


def run_external(settings: Settings, ds: dataset.Dataset, modes: list[str], out: str | None,
                 limit: int | None = None) -> Report:
    # ALQAC's README reports Recall@100 as well
    rep = evaluate_retrieval(external_engine(settings, ds), ds, modes, limit, metrics.METRICS + ["recall@100"])
    rep.write(Path(out) if out else settings.home / "eval" / "reports" / ds.name)
    return rep


def run_alqac(settings: Settings, folder: str, modes, out, limit=None) -> Report:
    return run_external(settings, dataset.load_alqac(Path(folder)), modes, out, limit)


def run_beir(settings: Settings, folder: str, modes, out, limit=None) -> Report:
    return run_external(settings, dataset.load_beir(Path(folder)), modes, out, limit)
