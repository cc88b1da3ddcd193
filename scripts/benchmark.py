"""Speed benchmark (`make benchmark`): prints every figure next to its baseline measured in the same run.
Not a test: nothing here asserts a time.

    python scripts/benchmark.py [--sample-files 30] [--embed-sample 400] [--synthetic 1000000] [--cli-calls 5]
                                [--json out.json] [--skip whole,real,sample_index,cli,synthetic,service]
                                [--whole-cache docs.jsonl]

1. real: the real texts in ../shared/corpora/ (skipped when absent). A fixed sample of files (every k-th
   file, --sample-files) goes through each build stage, today's way and the new way, on the same texts:
   ingestion (one process vs worker processes), embedding (torch fp32 as today = baseline; onnx fp32; onnx
   int8; a fixed sample of --embed-sample clauses each), BM25 tokenisation (per text vs batched) and BM25 /
   FAISS build, and a real index from the sample on disk (bytes per clause) and loaded in a fresh process
   (memory per clause, load time). Whole-corpus times are EXTRAPOLATED from the per-clause and per-byte
   rates of the sample, and labelled so. Unless "whole" is skipped, all of ../shared/corpora is ingested once
   first: the real clause count and the share of distinct clause texts (a build encodes each text once)
   enter the estimate as measured.
2. cli: cold `policyqa search` from a fresh process on the bundled corpus per mode (p50/p95 of
   --cli-calls calls), today's torch path next to the default; `search --mode bm25` must stay under 2 s.
3. synthetic: FAISS index choice on N synthetic clause vectors (mixes of real clause embeddings):
   flat / HNSW at several efSearch / IVF, build time, latency and recall@10 against exact search.
4. service: bench_service(), the hook for the served latency and concurrent-load figures.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = ROOT.parent / "shared"
PATHS = ("torch-fp32", "onnx-fp32", "openvino-fp32", "onnx-int8")


def pct(ts, p) -> float:
    return round(float(np.percentile(np.asarray(ts) * 1000, p)), 1)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def timed(fn, *a, **kw):
    t = time.perf_counter()
    r = fn(*a, **kw)
    return r, time.perf_counter() - t


def say(section: str, obj) -> None:
    print(json.dumps({section: obj}, indent=1, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------------------------------------- real corpora
def sample_corpus(n_files: int, dest: Path) -> tuple[Path, int, int]:
    """Every k-th file of ../shared/corpora into dest/corpus; returns (folder, sample bytes, all bytes)."""
    files = sorted(p for p in (SHARED / "corpora").rglob("*") if p.suffix in (".txt", ".md") and p.name != "README.md")
    step = max(1, len(files) // n_files)
    pick = files[::step][:n_files]
    corpus = dest / "corpus"
    for f in pick:
        target = corpus / f.relative_to(SHARED / "corpora")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
    return corpus, sum(f.stat().st_size for f in pick), sum(f.stat().st_size for f in files)


def rss_of_loaded_index(home: Path, model_dir: Path) -> dict:
    """Load the index in a fresh process and use it (a BM25 search and an exact dense search touch the pages a
    query reads): load time and the process's resident memory (VmRSS, and RssAnon: the heap it cannot give back)
    before and after, from /proc/self/status. ru_maxrss, used before, is the peak of the whole process: the
    imports had already reached it, so the index's memory read as 0."""
    code = (
        "import json,sys,time;sys.path.insert(0,sys.argv[1]);"
        "from policyqa.config import Settings;from policyqa.engine import Engine;"
        "from policyqa.backend import ClauseFilter;from index.lexical import tokenize;"
        "import index.store,index.files_backend,faiss,bm25s,numpy,pyarrow;\n"
        "def mem():\n"
        " d={l.split(':')[0]:int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(('VmRSS','RssAnon'))}\n"
        " return d\n"
        "m0=mem();t=time.perf_counter();e=Engine.load(Settings.from_env(home=sys.argv[2],model_dir=sys.argv[3]),check=False)\n"
        "t=time.perf_counter()-t;b=e.backend;ids=b.clause_ids()\n"
        "b.lexical(tokenize('kế hoạch triển khai nhiệm vụ'),False,ClauseFilter(),10);b.dense(b.vectors(ids[:1])[0],ClauseFilter(),10)\n"
        "m1=mem();print(json.dumps({'load_s':t,'rss_before_kb':m0['VmRSS'],'rss_after_kb':m1['VmRSS'],"
        "'anon_before_kb':m0['RssAnon'],'anon_after_kb':m1['RssAnon']}))")
    r = subprocess.run([sys.executable, "-c", code, str(ROOT), str(home), str(model_dir)], capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if r.returncode:
        return {"error": r.stderr[-500:]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def in_threaded_process(fn, *args, **kwargs):
    """fn(*args, **kwargs) while another thread is alive, as in the app's and the service's servers."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        return fn(*args, **kwargs)
    finally:
        stop.set()


def whole_corpus(out: dict, cache: str | None = None) -> list[str]:
    """All of ../shared/corpora ingested once (worker processes, as `policyqa build`): the real clause count,
    the ingestion time, and how many clause texts repeat (the codified law repeats gazette articles).
    cache: a docs.jsonl kept between runs; files ingested before are reused (and counted as such)."""
    from ingest.pipeline import ingest_corpus

    tmp = Path(tempfile.mkdtemp(prefix="pq-bench-whole-"))
    try:
        (docs, rep), t = timed(ingest_corpus, SHARED / "corpora", Path(cache) if cache else tmp / "docs.jsonl",
                               root=SHARED, workers=os.cpu_count())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    texts = [c["search_text"] for d in docs for c in d["clauses"]]
    distinct = len(set(texts))
    out["whole_corpus"] = {"documents": len(docs), "clauses": len(texts), "distinct_texts": distinct,
                           "distinct_share": round(distinct / len(texts), 4),
                           "ingest_parallel_s": round(t, 1), "workers": os.cpu_count(),
                           "files_reused_from_cache": len(rep.reused)}
    say("real.whole_corpus", out["whole_corpus"])
    return list(dict.fromkeys(texts))  # the distinct texts, in corpus order: what a build embeds


def real(out: dict, model_dir: Path, n_files: int, embed_sample: int, skip_index: bool = False,
         whole_texts: list[str] | None = None) -> None:
    """whole_texts: the whole corpus's distinct clause texts; the embedding sample is drawn from them when given.
    The sampled files' clauses are not typical of the whole (20 files: 68.5 tokens on average, the whole corpora
    90.0), and the paths' speed ratios depend on length, so a sample of files misestimates the whole build."""
    from index import dense
    from index.build import build_index
    from index.embedder import SentenceTransformerEmbedder, make_embedder
    from index.lexical import BM25Index, tokenize, tokenize_both
    from ingest.pipeline import ingest_corpus

    tmp = Path(tempfile.mkdtemp(prefix="pq-bench-real-"))
    try:
        corpus, sample_bytes, all_bytes = sample_corpus(n_files, tmp)
        scale = all_bytes / sample_bytes
        r: dict = {"sample": {"files": sum(1 for _ in corpus.rglob("*") if _.is_file()), "bytes": sample_bytes,
                              "corpus_bytes": all_bytes, "extrapolation_factor_by_bytes": round(scale, 2)}}
        # 1. ingestion, today (one process, word-segmenting every clause) and now (one worker process per core,
        # no segmentation: only an index with word tokens uses it, and it segments what it indexes itself)
        (docs, _), t_serial = timed(ingest_corpus, corpus, tmp / "serial.jsonl", root=tmp, workers=1)
        from ingest.segment import segment

        segment("Kế hoạch")  # load the segmenter outside the timing
        _, t_segment = timed(lambda: [segment(c["text"]) for d in docs for c in d["clauses"]])
        (docs2, _), t_par = timed(ingest_corpus, corpus, tmp / "par.jsonl", root=tmp, workers=os.cpu_count())
        assert docs == docs2, "parallel ingestion differs from serial"
        # the app and the service are threaded: before, they parsed in one process (t_today is their baseline)
        (docs3, _), t_threaded = timed(in_threaded_process, ingest_corpus, corpus, tmp / "thr.jsonl", root=tmp,
                                       workers=os.cpu_count())
        assert docs == docs3, "ingestion from a threaded process differs from serial"
        texts = [c["search_text"] for d in docs for c in d["clauses"]]
        n = len(texts)
        r["sample"]["clauses"] = n
        r["sample"]["corpus_clauses_estimated"] = int(n * scale)
        t_today = t_serial + t_segment  # today's ingestion: the same parse plus a segmentation of each clause
        r["ingest"] = {"baseline_one_process_s": round(t_today, 1), "of_which_segmentation_s": round(t_segment, 1),
                       "one_process_now_s": round(t_serial, 1), "workers": os.cpu_count(),
                       "parallel_s": round(t_par, 1), "speedup": round(t_today / t_par, 2),
                       "threaded_process_parallel_s": round(t_threaded, 1),
                       "threaded_process_speedup": round(t_today / t_threaded, 2)}
        say("real.ingest", r["ingest"])

        # 2. embedding: a fixed sample of clauses (every k-th, so short and long ones), each path on the same texts
        pool = whole_texts or texts
        sample = pool[:: max(1, len(pool) // embed_sample)][:embed_sample]
        emb_rates = {}
        # one model loaded at a time (each holds ~1 GB on a machine others share)
        variants = [("torch-fp32 (today: input order)", lambda: SentenceTransformerEmbedder(model_dir, sort_by_length=False)),
                    ("torch-fp32 (length-sorted)", lambda: SentenceTransformerEmbedder(model_dir))]
        variants += [(p, lambda p=p: make_embedder(model_dir, p)) for p in PATHS[1:]]
        vecs = {}
        for name, make in variants:
            e = make()
            e.encode_passages(sample[:4])  # load the model / session outside the timing
            v, t = timed(e.encode_passages, sample)
            vecs[name] = v
            emb_rates[name] = {"clauses_per_s": round(len(sample) / t, 1), "sample_s": round(t, 1)}
            del e
            gc.collect()
        base = emb_rates["torch-fp32 (today: input order)"]["clauses_per_s"]
        ref = vecs["torch-fp32 (today: input order)"]
        for name in emb_rates:
            c = (vecs[name] * ref).sum(1)
            emb_rates[name].update({"speedup_vs_today": round(emb_rates[name]["clauses_per_s"] / base, 2),
                                    "cosine_to_torch_mean": round(float(c.mean()), 4),
                                    "cosine_to_torch_min": round(float(c.min()), 4)})
        from index import onnx_export

        info = onnx_export.read_info(model_dir)
        r["embedding"] = {"sample_clauses": len(sample),
                          "sample_drawn_from": ("every k-th distinct text of the whole corpus" if whole_texts
                                                else "every k-th clause of the sampled files"),
                          "paths": emb_rates,
                          "onnx_graphs": {"recipe": info.get("recipe"), "optimiser": info.get("optimiser"),
                                          "int8": info.get("int8")}}
        say("real.embedding", r["embedding"])

        # 3. BM25: tokenisation per text (today) vs batched, then the bm25s indexes; FAISS flat
        gc.collect()
        (_, t_tok_old) = timed(lambda: ([tokenize(t) for t in texts], [tokenize(t, folded=True) for t in texts]))
        (toks, t_tok_new) = timed(tokenize_both, texts)
        (_, t_bm25) = timed(lambda: (BM25Index.build(toks[0]), BM25Index.build(toks[1])))
        fake = np.random.default_rng(0).standard_normal((n, 384)).astype(np.float32)
        (_, t_faiss) = timed(dense.build, fake / np.linalg.norm(fake, axis=1, keepdims=True))
        r["bm25"] = {"tokenize_baseline_per_text_s": round(t_tok_old, 2), "tokenize_batched_s": round(t_tok_new, 2),
                     "tokenize_speedup": round(t_tok_old / t_tok_new, 2), "bm25s_index_both_s": round(t_bm25, 2),
                     "faiss_flat_build_s": round(t_faiss, 3)}
        say("real.bm25", r["bm25"])

        # 4. the whole build, per clause: today vs now, extrapolated to the whole corpus (estimate). A build
        # encodes each distinct clause text once (index.build.embed, today's path too): the share of distinct
        # texts is measured on the whole corpus when it was ingested (section real.whole_corpus), else on the sample.
        default = make_embedder(model_dir).embedding_path
        whole = out.get("whole_corpus")
        if whole:
            est, distinct, measured_on = whole["clauses"], whole["distinct_share"], "whole corpus (ingested)"
        else:
            est, distinct, measured_on = int(n * scale), len(set(texts)) / n, "sample only"
        other_today = (t_today + t_tok_old + t_bm25 + t_faiss) / n
        other_now = (t_par + t_tok_new + t_bm25 + t_faiss) / n
        per_clause_today = other_today + distinct / base
        by_path = {}
        for name, rate in emb_rates.items():
            if name.startswith("torch-fp32 (today"):
                continue
            per = other_now + distinct / rate["clauses_per_s"]
            by_path[name] = {"s": round(per * est), "speedup_vs_today": round(per_clause_today / per, 2)}
        r["build_estimate_whole_corpus"] = {
            "note": "EXTRAPOLATED: per-clause rates measured on the sample x clauses of all of ../shared/corpora",
            "clauses": est, "clauses_counted_on": "whole corpus (ingested)" if whole else "estimated by bytes",
            "distinct_text_share": round(distinct, 4), "distinct_share_measured_on": measured_on,
            "embedding_share_of_today_s": round((distinct / base) / per_clause_today, 3),
            "default_path": default,
            "today_s": round(per_clause_today * est), "now_s": by_path[default]["s"],
            "speedup": by_path[default]["speedup_vs_today"],
            "now_with_onnx_int8_s": by_path["onnx-int8"]["s"], "by_path": by_path}
        say("real.build_estimate_whole_corpus", r["build_estimate_whole_corpus"])

        # 5. a real index from the sample (default path): disk and memory per clause, load time
        if skip_index:
            out["real"] = r
            return
        from policyqa.config import Settings

        home = tmp / "home"
        (home / "data").mkdir(parents=True)
        shutil.move(str(corpus), home / "corpus")
        shutil.copy2(tmp / "par.jsonl", home / "data" / "docs.jsonl")
        s = Settings.from_env(home=home, model_dir=model_dir)
        from policyqa.build import build_all

        rep, t_build = timed(build_all, s, embedder=make_embedder(model_dir))
        mem = rss_of_loaded_index(home, model_dir)
        disk = du(s.index_dir)  # the documents are published inside the generation (s.docs_path is in it)
        r["index_on_sample"] = {
            "clauses": n, "build_s": round(t_build, 1), "stages_s": rep.index_stats.get("timing"),
            "disk_bytes_per_clause": round(disk / n), "docs_jsonl_bytes_per_clause": round(s.docs_path.stat().st_size / n),
            "index_bytes_per_clause": round(du(s.index_dir) / n),
            "load_s": round(mem.get("load_s", float("nan")), 2),
            "memory_bytes_per_clause": round((mem.get("rss_after_kb", 0) - mem.get("rss_before_kb", 0)) * 1024 / n),
            "heap_bytes_per_clause": round((mem.get("anon_after_kb", 0) - mem.get("anon_before_kb", 0)) * 1024 / n),
        }
        say("real.index_on_sample", r["index_on_sample"])
        out["real"] = r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------------------------- CLI cold
def cli(out: dict, model_dir: Path, calls: int) -> None:
    """Fresh `policyqa search` processes on the bundled corpus: what a user waits for per call."""
    from index.embedder import make_embedder
    from policyqa.build import build_all
    from policyqa.config import Settings

    tmp = Path(tempfile.mkdtemp(prefix="pq-bench-cli-"))
    queries = ["Sở nào chủ trì phát triển du lịch?", "chuyển đổi số", "ai phối hợp xây dựng nông thôn mới",
               "mục tiêu tỷ lệ hộ nghèo", "phat trien kinh te bien"]
    try:
        r = {}
        for path in ("torch-fp32", make_embedder(model_dir).embedding_path):
            home = tmp / path
            shutil.copytree(ROOT / "corpus", home / "corpus")
            build_all(Settings.from_env(home=home, model_dir=model_dir), embedder=make_embedder(model_dir, path))
            env = {**os.environ, "PYTHONPATH": str(ROOT), "POLICYQA_MODEL": str(model_dir)}
            per = {}
            for mode in ("bm25", "dense", "hybrid"):
                ts = []
                for i in range(calls):
                    t = time.perf_counter()
                    p = subprocess.run([sys.executable, "-m", "policyqa", "--home", str(home), "search",
                                        queries[i % len(queries)], "--mode", mode, "--json"],
                                       capture_output=True, env=env)
                    ts.append(time.perf_counter() - t)
                    if p.returncode:
                        raise RuntimeError(p.stderr.decode()[-800:])
                per[mode] = {"p50_ms": pct(ts, 50), "p95_ms": pct(ts, 95), "n": calls}
            r[path] = per
        out["cli_cold"] = r
        say("cli_cold", r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# -------------------------------------------------------------------------------------- synthetic FAISS
def synthetic(out: dict, model_dir: Path, n_target: int, seed: int = 0) -> None:
    """FAISS choice at n_target vectors: exact flat vs HNSW (efSearch sweep) vs IVF, recall@10 vs exact."""
    import faiss

    from index import dense
    from index.embedder import make_embedder
    from ingest.pipeline import ingest_corpus

    tmp = Path(tempfile.mkdtemp(prefix="pq-bench-syn-"))
    try:
        docs, _ = ingest_corpus(ROOT / "corpus", tmp / "docs.jsonl", root=ROOT)
        e = make_embedder(model_dir)
        emb0 = e.encode_passages([c["search_text"] for d in docs for c in d["clauses"]])
        qs = [json.loads(l)["query"] for l in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines() if l]
        qv = e.encode_queries(qs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rng = np.random.default_rng(seed)
    E = np.empty((n_target, emb0.shape[1]), dtype=np.float32)
    for s in range(0, n_target, 100_000):  # chunks: a 10^6 x 384 mix in one go would triple the memory
        k = min(100_000, n_target - s)
        a, b = rng.integers(0, len(emb0), k), rng.integers(0, len(emb0), k)
        w = rng.uniform(0.3, 0.7, (k, 1)).astype(np.float32)
        x = w * emb0[a] + (1 - w) * emb0[b] + rng.normal(0, 0.02, (k, emb0.shape[1])).astype(np.float32)
        E[s:s + k] = x / np.linalg.norm(x, axis=1, keepdims=True)
    syn = {"clauses": n_target, "vectors": "mixes of two real clause embeddings (bundled corpus) + noise",
           "queries": len(qs)}
    exact = faiss.IndexFlatIP(E.shape[1])
    exact.add(E)
    truth, t_exact = timed(lambda: exact.search(qv, 10)[1])

    def one_by_one(idx) -> dict:
        ts = []
        for i in range(len(qv)):
            t = time.perf_counter()
            idx.search(qv[i:i + 1], 10)
            ts.append(time.perf_counter() - t)
        return {"p50_ms": pct(ts, 50), "p95_ms": pct(ts, 95)}

    def recall(idx) -> float:
        got = idx.search(qv, 10)[1]
        return round(float(np.mean([len(set(g) & set(t)) / 10 for g, t in zip(got, truth)])), 4)

    kinds = {"flat": {"build_s": 0.0, "recall@10_vs_exact": 1.0, **one_by_one(exact)}}
    hnsw, t_b = timed(dense.build, E, "hnsw")
    for ef in (64, 128, 256, 512, 1024):
        hnsw.hnsw.efSearch = ef
        kinds[f"hnsw_ef{ef}"] = {"build_s": round(t_b, 1), "recall@10_vs_exact": recall(hnsw), **one_by_one(hnsw)}
    del hnsw
    nlist = int(4 * np.sqrt(n_target))
    q = faiss.IndexFlatIP(E.shape[1])
    ivf = faiss.IndexIVFFlat(q, E.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    t = time.perf_counter()
    ivf.train(E[rng.choice(n_target, min(n_target, 40 * nlist), replace=False)])
    ivf.add(E)
    t_b = time.perf_counter() - t
    for nprobe in (16, 64, 128):
        ivf.nprobe = nprobe
        kinds[f"ivf_nprobe{nprobe}"] = {"build_s": round(t_b, 1), "recall@10_vs_exact": recall(ivf), **one_by_one(ivf)}
    for k, v in kinds.items():
        v["speedup_vs_flat_p50"] = round(kinds["flat"]["p50_ms"] / max(v["p50_ms"], 1e-3), 1)
    syn["faiss"] = kinds
    ok = {k: v for k, v in kinds.items() if v["recall@10_vs_exact"] >= 0.98}
    syn["fastest_with_recall_ge_0.98"] = min(ok, key=lambda k: ok[k]["p50_ms"])
    syn["auto_choice_at_this_size"] = dense.choose_kind(n_target)
    out["synthetic"] = syn
    say("synthetic", syn)


# ------------------------------------------------------------------------------------------------ service
def bench_service(out: dict, model_dir: Path) -> None:
    """`policyqa serve`: served latency p50/p95 (hybrid, bm25) next to the in-process call, and throughput with 4
    concurrent clients, on the bundled corpus and on 10^5 real paragraphs of ../shared/corpora with synthetic
    embeddings (scripts/bench_service.py; 10^6 is not served here: its BM25 build alone takes most of an hour)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_service

    out["service"] = bench_service.run(model_dir, clauses=100_000,
                                       printer=lambda res, key: say(f"service ({key})", res[key]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models" / "me5-small"))
    ap.add_argument("--sample-files", type=int, default=30, help="files of ../shared/corpora in the real sample")
    ap.add_argument("--embed-sample", type=int, default=400, help="clauses embedded per embedding path")
    ap.add_argument("--synthetic", type=int, default=1_000_000)
    ap.add_argument("--cli-calls", type=int, default=5)
    ap.add_argument("--skip", default="",
                    help="comma-separated sections to skip: whole,real,sample_index,cli,synthetic,service")
    ap.add_argument("--whole-cache", default=None, help="docs.jsonl kept between runs for the whole-corpus ingestion")
    ap.add_argument("--json", dest="json_out")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    model = Path(a.model)
    out: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": " ".join(sys.argv),
                 "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "load_avg_at_start": os.getloadavg()}}
    try:
        import onnxruntime as ort

        out["machine"]["onnxruntime_providers"] = ort.get_available_providers()
    except ImportError:
        out["machine"]["onnxruntime_providers"] = None
    say("machine", out["machine"])
    whole_texts = None
    if "whole" not in skip and "real" not in skip and (SHARED / "corpora").exists():
        whole_texts = whole_corpus(out, a.whole_cache)
    if "real" not in skip and (SHARED / "corpora").exists():
        real(out, model, a.sample_files, a.embed_sample, skip_index="sample_index" in skip, whole_texts=whole_texts)
    if "cli" not in skip:
        cli(out, model, a.cli_calls)
    if "synthetic" not in skip and a.synthetic:
        synthetic(out, model, a.synthetic)
    if "service" not in skip:
        bench_service(out, model)
    out["machine"]["load_avg_at_end"] = os.getloadavg()
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
