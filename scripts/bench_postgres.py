"""PostgreSQL + pgvector backend at scale: load, index build, size, hybrid latency, vector recall, concurrency.

    python scripts/bench_postgres.py [--clauses 100000] [--queries 200] [--concurrency-s 60] [--json out.json]
        [--database-url URL]   (default: a throw-away local server, index/postgres/local.py)

Synthetic corpus of N clauses in documents of 100 clauses (as scripts/benchmark.py builds it): texts are three
sentences of real clauses shuffled together; embeddings are normalised mixes of two real clause embeddings + noise;
documents spread over 63 provinces (one province = 1/63 of the clauses: a selective filter) and two levels (tỉnh 60%,
huyện 40%: an unselective one). Queries are the labelled set's questions, embedded with the real model.

Measured: load time (tokenising in Python + COPY), HNSW build time, database size; per query lexical, dense and
hybrid p50/p95 unfiltered, with the province filter and with the level filter; recall@10 of the dense part against
exact search (numpy over the same vectors, also the in-process baseline timed in the same run); then a bounded
concurrency run (writers adding and replacing documents while readers run the product's search, each query inside
one Engine.snapshot() as the service opens per request, and check in that snapshot that every returned clause exists
and every document they see is complete) that reports queries served, writes committed, generations seen, returned
clauses missing from their snapshot, partial documents seen and documents lost. Several `policyqa serve` processes on
one database are shown by tests/test_postgres.py::test_several_serve_processes_share_one_database.
Not a test: nothing here asserts a time."""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROVINCES = ["An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
             "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk",
             "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh",
             "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
             "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
             "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
             "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
             "Tiền Giang", "TP. Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái"]
PER_DOC = 100
BATCH_DOCS = 100  # documents per write (one transaction each) while loading


def pct(ts, p):
    return round(float(np.percentile(np.asarray(ts) * 1000, p)), 2)


def lat(fn, items, warm=3):
    for x in items[:warm]:
        fn(x)
    ts = []
    for x in items:
        t = time.perf_counter()
        fn(x)
        ts.append(time.perf_counter() - t)
    return {"p50_ms": pct(ts, 50), "p95_ms": pct(ts, 95), "n": len(ts)}


def real_clauses(model_dir: Path):
    """The bundled corpus ingested, embedded and published as a files index (in a temporary folder): texts and
    vectors to recombine, and the files backend over them."""
    from index.build import build_index
    from index.embedder import make_embedder
    from index.files_backend import FilesBackend
    from ingest.pipeline import ingest_corpus

    tmp = Path(tempfile.mkdtemp(prefix="pq-bench-pg-"))
    docs, _ = ingest_corpus(ROOT / "corpus", tmp / "docs.jsonl", root=ROOT)
    embedder = make_embedder(model_dir)
    build_index(docs, embedder, tmp / "index")
    return docs, FilesBackend.open(tmp / "index"), embedder


def halfvec_quality(docs, files, embedder) -> dict:
    """MRR@10 / Recall@5 on the labelled set (eval/) with the clause vectors as stored (float32) and rounded to
    half precision (what a halfvec column would hold): is halfvec storage good enough?"""
    from policyqa.config import Settings
    from policyqa.engine import Engine
    from policyqa.evaluation import dataset
    from policyqa.evaluation.runner import evaluate_retrieval

    out = {}
    full = np.asarray(files.vectors(), dtype=np.float32)
    for name, emb in (("float32", full), ("halfvec (float16)", full.astype(np.float16).astype(np.float32))):
        files.embeddings = emb
        files._faiss = None  # exact search over `embeddings` (the bundled corpus is searched exactly anyway)
        eng = Engine(Settings.from_env(home=ROOT), files, embedder)
        rep = evaluate_retrieval(eng, dataset.load_project(ROOT / "eval", list(eng.rows)), ["dense", "hybrid"])
        out[name] = {m: {k: round(v, 4) for k, v in rep.metrics[m].items() if k in ("mrr@10", "recall@5")}
                     for m in rep.metrics}
    files.embeddings = full
    return out


def synthetic_docs(template: dict, rows0, emb0, n: int, seed: int = 0, batch_docs: int = BATCH_DOCS):
    """Documents of PER_DOC clauses; yields ([doc, …], {clause_id: vector}) batches of `batch_docs` documents."""
    sentences = [x for r in rows0 for x in re.split(r"(?<=[.;])\s+", r["text"]) if len(x) > 20]
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    n_docs = (n + PER_DOC - 1) // PER_DOC
    batch, vecs = [], {}
    for i in range(n_docs):
        doc_id = f"syn{i:06d}"
        k = min(PER_DOC, n - i * PER_DOC)
        a, b = nrng.integers(0, len(emb0), k), nrng.integers(0, len(emb0), k)
        w = nrng.uniform(0.3, 0.7, (k, 1)).astype(np.float32)
        E = w * emb0[a] + (1 - w) * emb0[b] + nrng.normal(0, 0.02, (k, emb0.shape[1])).astype(np.float32)
        E /= np.linalg.norm(E, axis=1, keepdims=True)
        clauses = []
        for j in range(k):
            text = " ".join(rng.sample(sentences, 3))
            cid = f"{doc_id}:{j + 1}"
            clauses.append({"clause_id": cid, "path": str(j + 1), "kind": "number", "label": str(j + 1),
                            "parent": None, "depth": 0, "heading": text[:80], "breadcrumb": [], "text": text,
                            "notes": [], "search_text": text, "span": [0, len(text)], "fields": {}})
            vecs[cid] = E[j]
        meta = {**template["meta"], "province": PROVINCES[i % len(PROVINCES)],
                "level": "tỉnh" if i % 5 < 3 else "huyện", "number": f"{i}/KH-UBND",
                "date": f"20{20 + i % 6}-0{1 + i % 9}-1{i % 10}", "implements": []}
        batch.append({"doc_id": doc_id, "source": f"corpus/{doc_id}.txt", "sha256": f"{i:064x}", "parser_version": 0,
                      "meta": meta, "header": [], "recipients": [], "signature": [], "warnings": [],
                      "clauses": clauses})
        if len(batch) == batch_docs or i == n_docs - 1:
            yield batch, vecs
            batch, vecs = [], {}


def hybrid(b, restorer, query: str, qv: np.ndarray, flt, n: int = 100):
    """policyqa.search.rank's hybrid mode over the backend: BM25 and dense candidates, each completed with the other
    retriever's exact score, fused by the convex combination."""
    from index.lexical import tokenize
    from ingest.clean import has_diacritics
    from policyqa import fusion

    folded = not has_diacritics(query)
    toks = tokenize(query, folded=folded)
    lex = b.lexical(toks, folded, flt, n)
    den = b.dense(qv, flt, n)
    cands = list(dict.fromkeys([c for c, _ in lex] + [c for c, _ in den]))
    fused = fusion.convex(cands, b.lexical_scores(toks, folded, cands), b.dense_scores(qv, cands))
    return sorted(fused.items(), key=lambda kv: -kv[1])[:n]


def sizes(b) -> dict:
    rels = ["clauses", "clauses_toks", "clauses_ftoks", "clauses_embedding_hnsw", "terms", "documents"]
    with b.pool.connection() as conn:
        out = {"database_bytes": conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]}
        for r in rels:
            row = conn.execute("SELECT pg_total_relation_size(to_regclass(%s))", (r,)).fetchone()
            out[f"{r}_bytes"] = row[0]
    return out


def concurrency(b, template, rows0, emb0, embedder, seconds: float, writers: int = 2, readers: int = 4) -> dict:
    """Writers add new documents and replace one shared document (each version with its own clause count) while
    readers run the product's queries (policyqa.search.search, hybrid and bm25), each inside one
    `Engine.snapshot()` — the API the service opens per request — and check in that same snapshot that every
    returned clause exists with the returned text and that every concurrency document is whole; at the end every
    added document must be there, whole."""
    from api.state import LockedEmbedder
    from policyqa.config import Settings
    from policyqa.engine import Engine
    from policyqa.search import search

    stop = threading.Event()
    expected: dict[str, int] = {}
    lock = threading.Lock()
    stats = {"writes": 0, "queries": 0, "checks": 0, "partial_seen": 0, "missing_clauses_seen": 0, "errors": []}
    gens = [iter(synthetic_docs(template, rows0, emb0, 10**9, seed=1000 + w, batch_docs=1)) for w in range(writers)]
    shared_sizes = {10 + w for w in range(writers)}
    seen_generations: set[str] = set()
    query_s: dict[bool, list[float]] = {True: [], False: []}  # first query of a generation in this process, others

    def writer(w):
        i = 0
        while not stop.is_set():
            batch, vecs = next(gens[w])
            d = batch[0]
            d["doc_id"] = f"cw{w}_{i}"
            for c in d["clauses"]:
                old = c["clause_id"]
                c["clause_id"] = f"{d['doc_id']}:{c['path']}"
                vecs[c["clause_id"]] = vecs.pop(old)
            d["clauses"] = d["clauses"][: 20 + (i % 7)]
            sh = {**d, "doc_id": "cshared", "source": "corpus/cshared.txt",
                  "clauses": [{**c, "clause_id": f"cshared:{c['path']}"} for c in d["clauses"][: 10 + w]]}
            for c, c0 in zip(sh["clauses"], d["clauses"]):
                vecs[c["clause_id"]] = vecs[c0["clause_id"]]
            try:
                b.write([d, sh], [], vecs)
                with lock:
                    expected[d["doc_id"]] = len(d["clauses"])
                    stats["writes"] += 1
            except Exception as e:
                stats["errors"].append(f"writer: {e!r}")
            i += 1

    qs = [r["text"][:80] for r in rows0]
    eng = Engine(Settings.from_env(home=ROOT), b, LockedEmbedder(embedder))

    def reader(r):
        rng = np.random.default_rng(r)
        while not stop.is_set():
            try:
                t = time.perf_counter()
                with eng.snapshot() as e:  # one query, one committed generation
                    q = qs[rng.integers(len(qs))]
                    with lock:
                        first = e.generation not in seen_generations
                        seen_generations.add(e.generation)
                        stats["queries"] += 1
                        mode = "hybrid" if stats["queries"] % 2 else "bm25"
                    res = search(e, q, 10, mode, province_from_query=False)
                    query_s[first].append(time.perf_counter() - t)
                    got = {c["clause_id"]: c["text"] for c in b.clauses([h["clause_id"] for h in res.hits])}
                    missing = sum(got.get(h["clause_id"]) != h["text"] for h in res.hits)
                    partial = 0
                    for doc_id in [d for d in e.docs if d.startswith("c")]:
                        n = len(b.doc_clauses(doc_id))
                        # writer w's i-th document has 20 + i % 7 clauses: "cw<w>_<i>"
                        ok = n in shared_sizes if doc_id == "cshared" else n == 20 + int(doc_id.split("_")[1]) % 7
                        partial += not ok or n == 0
                with lock:
                    stats["missing_clauses_seen"] += missing
                    stats["partial_seen"] += partial
                    stats["checks"] += 1
            except Exception as e:
                stats["errors"].append(f"reader: {e!r}")

    ts = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    ts += [threading.Thread(target=reader, args=(r,)) for r in range(readers)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - t0
    have = {d: len(b.doc_clauses(d)) for d in expected}
    lost = sorted(d for d, n in expected.items() if have[d] != n)
    return {"seconds": round(elapsed, 1), "writers": writers, "readers": readers, "writes_committed": stats["writes"],
            "reader_queries (each in one Engine.snapshot)": stats["queries"], "snapshot_checks": stats["checks"],
            "generations_seen_by_readers": len(seen_generations),
            "query_ms_first_of_a_generation (snapshot + engine of the new generation + search)": {
                "p50": pct(query_s[True], 50) if query_s[True] else None,
                "p95": pct(query_s[True], 95) if query_s[True] else None, "n": len(query_s[True])},
            "query_ms_same_generation (baseline, same run)": {
                "p50": pct(query_s[False], 50) if query_s[False] else None,
                "p95": pct(query_s[False], 95) if query_s[False] else None, "n": len(query_s[False])},
            "returned_clauses_missing_from_their_snapshot": stats["missing_clauses_seen"],
            "partial_documents_seen": stats["partial_seen"], "documents_lost": len(lost),
            "shared_document_whole": len(b.doc_clauses("cshared")) in shared_sizes,
            "errors": stats["errors"][:5], "error_count": len(stats["errors"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clauses", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--concurrency-s", type=float, default=60)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--halfvec-only", action="store_true", help="only the halfvec quality check on eval/")
    ap.add_argument("--skip-load", action="store_true",
                    help="with --database-url: measure the corpus already loaded there (by an earlier run of this script) "
                         "instead of loading a new one; the vector index is built (and timed) if missing")
    a = ap.parse_args()

    from index.postgres import PostgresBackend
    from index.postgres.local import LocalServer
    from index.postgres.sync import wanted_manifest
    from policyqa.backend import ClauseFilter

    out: dict = {"clauses": a.clauses, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                 "command": "python " + " ".join(sys.argv), "machine": {"cpus": os.cpu_count()}}
    t = time.perf_counter()
    docs, files, embedder = real_clauses(Path(a.model))
    rows0, emb0 = files.clauses(files.clause_ids()), np.array(files.vectors(), dtype=np.float32)
    out["halfvec_eval"] = halfvec_quality(docs, files, embedder)
    print(json.dumps({"halfvec_eval": out["halfvec_eval"]}, ensure_ascii=False), file=sys.stderr, flush=True)
    if a.halfvec_only:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    out["real_clauses"] = len(rows0)
    out["prepare_real_s"] = round(time.perf_counter() - t, 1)
    qtexts = [json.loads(line)["query"] for line in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8")
              .splitlines() if line.strip()]
    qtexts = (qtexts * (a.queries // len(qtexts) + 1))[:a.queries]

    server = None
    if a.database_url:
        url = a.database_url
    else:
        server = LocalServer(settings={"shared_buffers": "2GB", "maintenance_work_mem": "4GB", "work_mem": "64MB",
                                       "max_parallel_maintenance_workers": "1", "max_wal_size": "8GB",
                                       "effective_cache_size": "8GB"}).start()
        url = server.create_database("bench")
    try:
        b = PostgresBackend.open(url, max_size=12)
        if a.skip_load and not a.database_url:
            raise SystemExit("--skip-load needs --database-url (the database an earlier run loaded)")
        if not a.skip_load:
            b.clear()
        man = wanted_manifest(embedder)
        allv, ids, prov_of, level_of = [], [], [], []
        t_tok = t_db = 0.0
        t0 = time.perf_counter()
        from index.postgres.records import doc_rows

        first = True
        if a.skip_load:  # the loaded corpus, read back in load order: what exact search compares against
            from index.postgres.backend import _array as pg_array

            with b.pool.connection() as conn:
                for cid, vec, prov, lvl in conn.execute("SELECT clause_id, embedding, province, level FROM clauses "
                                                        "ORDER BY id"):
                    ids.append(cid)
                    allv.append(pg_array(vec))
                    prov_of.append(prov)
                    level_of.append(lvl)
            out["clauses"] = len(ids)
            out["load"] = {"read_back_s": round(time.perf_counter() - t0, 1), "note": "loaded by an earlier run"}
        for batch, vecs in ([] if a.skip_load else synthetic_docs(docs[0], rows0, emb0, a.clauses)):
            if first:  # timed apart on the first batch: the tokenising share of write()
                t = time.perf_counter()
                for d in batch:
                    doc_rows(d, "syllable+bigram")
                t_tok = (time.perf_counter() - t) / sum(len(d["clauses"]) for d in batch)
            t = time.perf_counter()
            b.write(batch, [], vecs, manifest=man if first else None, vector_index=False)
            t_db += time.perf_counter() - t
            first = False
            for d in batch:
                for c in d["clauses"]:
                    ids.append(c["clause_id"])
                    allv.append(vecs[c["clause_id"]])
                    prov_of.append(d["meta"]["province"])
                    level_of.append(d["meta"]["level"])
            if len(ids) % 100_000 < PER_DOC * BATCH_DOCS:
                print(f"loaded {len(ids)} clauses in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        if not a.skip_load:
            out["load"] = {"total_s": round(time.perf_counter() - t0, 1),
                           "write_s (tokenising inside included)": round(t_db, 1),
                           "tokenising_us_per_clause (first batch, measured apart)": round(t_tok * 1e6, 1),
                           "clauses_per_write": PER_DOC * BATCH_DOCS}
        with b.pool.connection() as conn:
            had_index = b._index_dim(conn) is not None
        t = time.perf_counter()
        b.create_vector_index()
        out["hnsw_build_s"] = "built earlier" if had_index else round(time.perf_counter() - t, 1)
        with b.pool.connection() as conn:
            conn.execute("VACUUM ANALYZE clauses")
            conn.execute("VACUUM ANALYZE terms")
        out["size"] = sizes(b)
        print(json.dumps(out, ensure_ascii=False, indent=1), file=sys.stderr, flush=True)

        E = np.stack(allv)
        qv = embedder.encode_queries(qtexts)
        restorer = b.restorer()
        prov = PROVINCES[7]
        prov_mask = np.array([p == prov for p in prov_of])
        lvl_mask = np.array([lv == "huyện" for lv in level_of])
        filters = {"none": (ClauseFilter(), np.ones(len(ids), bool)),
                   f"province ({prov_mask.mean():.1%} of clauses)": (ClauseFilter(provinces=(prov,)), prov_mask),
                   f"level huyện ({lvl_mask.mean():.1%} of clauses)": (ClauseFilter(levels=("huyện",)), lvl_mask)}
        from index.lexical import tokenize
        from ingest.clean import has_diacritics

        res = {}
        idx = list(range(len(qtexts)))
        for name, (flt, mask) in filters.items():
            allowed = np.flatnonzero(mask)
            truth = []
            t = time.perf_counter()
            for i in idx:
                s = E[allowed] @ qv[i]
                truth.append({ids[allowed[j]] for j in np.argsort(-s)[:10]})
            exact_ms = (time.perf_counter() - t) / len(idx) * 1000
            got = [b.dense(qv[i], flt, 10) for i in idx]
            recall = float(np.mean([len({c for c, _ in g} & tr) / 10 for g, tr in zip(got, truth)]))

            def lex(i, flt=flt):
                q = qtexts[i]
                f = not has_diacritics(q)
                return b.lexical(tokenize(q, folded=f), f, flt, 100)

            res[name] = {"dense_recall@10_vs_exact": round(recall, 4),
                         "numpy_exact_dense_mean_ms (in-process baseline)": round(exact_ms, 2),
                         "lexical_top100": lat(lex, idx),
                         "dense_top100": lat(lambda i, flt=flt: b.dense(qv[i], flt, 100), idx),
                         "hybrid_top100 (query embedding excluded)": lat(
                             lambda i, flt=flt: hybrid(b, restorer, qtexts[i], qv[i], flt), idx)}
            print(name, json.dumps(res[name], ensure_ascii=False), file=sys.stderr, flush=True)
        out["queries"] = res
        out["query_embedding"] = lat(lambda q: embedder.encode_queries([q]), qtexts[:50])
        if a.concurrency_s > 0:
            out["concurrency"] = concurrency(b, docs[0], rows0, emb0, embedder, a.concurrency_s)
        b.close()
    finally:
        if server:
            server.stop()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
