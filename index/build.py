"""docs.jsonl -> index: clause embeddings (reused for unchanged clauses), FAISS, two BM25 indexes."""
from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from ingest import atomic

from . import dense, manifest
from .embedder import Embedder
from .lexical import TOKENIZER_VERSION, BM25Index, tokenize_both
from .restore import Restorer
from .store import LoadedIndex, current_dir, new_build_dir, publish

DEFAULT_PARAMS = {"tokenizer": "syllable+bigram", "tokenizer_version": TOKENIZER_VERSION, "k1": 1.2, "b": 0.75,
                  "faiss": "auto"}


def clause_rows(docs: list[dict]) -> list[dict]:
    """One flat row per clause, with the document fields a hit needs for its citation and filters."""
    rows = []
    for d in docs:
        m = d["meta"]
        for c in d["clauses"]:
            rows.append({**{k: v for k, v in c.items() if k != "segmented"}, "doc_id": d["doc_id"],
                         "source": d["source"], "segmented": c.get("segmented", ""),
                         "doc": {"number": m.get("number"), "title": m.get("title"), "issuer": m.get("issuer"),
                                 "province": m.get("province"), "date": m.get("date"), "type": m.get("type"),
                                 "level": m.get("level")}})
    return rows


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _previous_vectors(index_dir: Path, model_fp: str, path: str) -> dict[str, np.ndarray]:
    d = current_dir(index_dir)
    if d is None:
        return {}
    try:
        m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        if m["model"]["fingerprint"] != model_fp or \
                manifest.embedding_class(manifest.embedding_path(m)) != manifest.embedding_class(path):
            return {}
        emb = np.load(d / "embeddings.npy")
        keys = [_text_key(c["search_text"]) for c in atomic.read_jsonl(d / "clauses.jsonl")]
        return dict(zip(keys, emb))
    except (OSError, KeyError, ValueError):
        return {}


def build_index(docs: list[dict], embedder: Embedder, index_dir: Path, params: dict | None = None,
                progress=None) -> tuple[Path, dict]:
    params = {**DEFAULT_PARAMS, **(params or {})}
    index_dir = Path(index_dir)
    rows = clause_rows(docs)
    texts = [r["search_text"] for r in rows]
    path = getattr(embedder, "embedding_path", "torch-fp32")
    prev = _previous_vectors(index_dir, embedder.fingerprint, path)
    todo = [i for i, t in enumerate(texts) if _text_key(t) not in prev]
    emb = np.zeros((len(rows), embedder.dim), dtype=np.float32)
    for i, t in enumerate(texts):
        if _text_key(t) in prev:
            emb[i] = prev[_text_key(t)]
    t0 = time.perf_counter()
    if todo:
        new = embedder.encode_passages([texts[i] for i in todo], progress=progress)
        emb[todo] = new
    t1 = time.perf_counter()
    stats = {"clauses": len(rows), "embedded": len(todo), "reused": len(rows) - len(todo)}

    build_id = uuid.uuid4().hex[:12]
    man = manifest.make(getattr(embedder, "name", "embedder"), embedder.fingerprint, embedder.dim, docs,
                        {**params, "faiss_kind": dense.choose_kind(len(rows), params["faiss"])}, build_id,
                        {"path": path, "device": getattr(embedder, "device", "cpu") if todo else "cpu"})
    idx = assemble(rows, emb, man)
    t2 = time.perf_counter()
    tmp = new_build_dir(index_dir)
    try:
        atomic.write_jsonl(tmp / "clauses.jsonl", rows)
        np.save(tmp / "embeddings.npy", emb)
        dense.save(idx.faiss, tmp / "faiss.index")
        idx.bm25.save(tmp / "bm25")
        idx.bm25_folded.save(tmp / "bm25_folded")
        atomic.write_json(tmp / "restore.json", idx.restorer.to_dict())
        atomic.write_json(tmp / "manifest.json", man)  # last: a folder without it is never loaded
        final = publish(index_dir, tmp, build_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # seconds per stage (the benchmark reports them): embedding, BM25 + FAISS in memory, writing
    stats["timing"] = {"embed_s": round(t1 - t0, 2), "bm25_faiss_s": round(t2 - t1, 2),
                       "write_s": round(time.perf_counter() - t2, 2)}
    return final, stats


def assemble(rows: list[dict], emb: np.ndarray, man: dict) -> LoadedIndex:
    """The in-memory index over `rows` (each with "search_text"); also used for external benchmarks."""
    p = man["params"]
    texts = [r["search_text"] for r in rows]
    plain, folded = tokenize_both(texts, p["tokenizer"], [r.get("segmented") for r in rows])
    return LoadedIndex(
        path=None, manifest=man, clauses=rows, embeddings=emb, faiss=dense.build(emb, p["faiss"]),
        bm25=BM25Index.build(plain, p["k1"], p["b"]), bm25_folded=BM25Index.build(folded, p["k1"], p["b"]),
        restorer=Restorer.from_texts(texts))
