"""Ingestion output -> a staged generation: documents, clause columns, embeddings (reused for unchanged clause
texts, from a generation that passes verification), the FAISS index where one is needed, two BM25 indexes."""
from __future__ import annotations

import hashlib
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest import atomic

from . import clause_table, dense, manifest
from .embedder import Embedder
from .lexical import TOKENIZER_VERSION, BM25Index, tokenize_both
from .restore import Restorer
from .store import LOAD_LOCK, CorruptIndexError, current_dir, finish, new_build_dir, publish, read_manifest_file, verify

DEFAULT_PARAMS = {"tokenizer": "syllable+bigram", "tokenizer_version": TOKENIZER_VERSION, "k1": 1.2, "b": 0.75,
                  "faiss": "auto"}
DOC_FIELDS = ("number", "title", "issuer", "province", "date", "type", "level")


def doc_view(meta: dict) -> dict:
    """The document fields a hit carries for its citation and filters."""
    return {k: meta.get(k) for k in DOC_FIELDS}


def clause_rows(docs: list[dict]) -> list[dict]:
    """One flat row per clause, with the document fields a hit needs for its citation and filters."""
    rows = []
    for d in docs:
        for c in d["clauses"]:
            rows.append({**c, "doc_id": d["doc_id"], "source": d["source"], "doc": doc_view(d["meta"])})
    return rows


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_vectors(index_dir: Path, model_fp: str, notes: list[str] | None = None,
                     path: str | None = None) -> dict[str, np.ndarray]:
    """Embeddings of the live generation by clause text, if it was built with this model (and, when `path` is
    given, an embedding path of the same class) and its embeddings and clauses pass full verification; damaged
    vectors are never reused (their clauses are embedded again)."""
    d = current_dir(index_dir)
    if d is None:
        return {}
    try:
        m = read_manifest_file(d)
        if m["model"].get("fingerprint") != model_fp or (path is not None and manifest.embedding_class(
                manifest.embedding_path(m)) != manifest.embedding_class(path)) or manifest.int8_graph_problem(m):
            return {}
        bad = [p for p in verify(d, {"files": {k: v for k, v in m["files"].items()
                                               if k in ("embeddings.npy", "clauses.arrow")}}, full=True)
               if "not published" not in p]
        if bad or "clauses.arrow" not in m["files"]:
            if notes is not None:
                notes.append("published embeddings not reused: " + "; ".join(bad or ["older index layout"]))
            return {}
        with LOAD_LOCK:
            emb = np.load(d / "embeddings.npy", mmap_mode="r")
        texts = clause_table.ClauseTable(d / "clauses.arrow").column("search_text")
        if len(texts) != len(emb):
            return {}
        return {text_key(t): emb[i] for i, t in enumerate(texts)}
    except (OSError, KeyError, ValueError, CorruptIndexError) as e:
        if notes is not None:
            notes.append(f"published embeddings not reused: {e}")
        return {}


@dataclass
class Staged:
    """A generation written completely into a staging folder, not yet live."""
    index_dir: Path
    path: Path
    build_id: str
    manifest: dict
    stats: dict

    def publish(self) -> Path:
        return publish(self.index_dir, self.path, self.build_id)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def embed(texts: list[str], embedder: Embedder, cache: dict[str, np.ndarray], progress=None) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, taking those in `cache` (text key -> vector) and adding the new ones to it; each
    distinct text is encoded once. Returns the vectors and the number of texts encoded."""
    keys = [text_key(t) for t in texts]
    todo = list(dict.fromkeys(k for k in keys if k not in cache))
    if todo:
        first = {k: t for k, t in zip(keys, texts)}
        new = embedder.encode_passages([first[k] for k in todo], progress=progress)
        cache.update(zip(todo, np.asarray(new, dtype=np.float32)))
    emb = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        emb[i] = cache[k]
    return emb, len(todo)


def stage(docs: list[dict], embedder: Embedder, index_dir: Path, params: dict | None = None, progress=None,
          cache: dict[str, np.ndarray] | None = None, notes: list[str] | None = None) -> Staged:
    """Write a complete generation for `docs` into a staging folder (removed again if anything fails)."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    index_dir = Path(index_dir)
    path = getattr(embedder, "embedding_path", "torch-fp32")
    if cache is None:
        cache = previous_vectors(index_dir, embedder.fingerprint, notes, path)
    texts = [c["search_text"] for d in docs for c in d["clauses"]]
    reused_before = sum(1 for t in texts if text_key(t) in cache)
    t0 = time.perf_counter()
    emb, encoded = embed(texts, embedder, cache, progress)
    t1 = time.perf_counter()
    # embedded: clauses whose vector is new in this build; encoded: distinct texts the model ran on (a text
    # repeated across documents, as the codified law repeats gazette articles, is embedded once)
    stats = {"clauses": len(texts), "embedded": len(texts) - reused_before, "reused": reused_before,
             "encoded": encoded}
    build_id = uuid.uuid4().hex[:12]
    kind = dense.choose_kind(len(texts), params["faiss"])
    device = getattr(embedder, "device", "cpu") if stats["embedded"] else "cpu"
    emb_info = manifest.embedding_record(path, device=device)
    man = manifest.make(getattr(embedder, "name", "embedder"), embedder.fingerprint, embedder.dim, docs,
                        {**params, "faiss_kind": kind}, build_id, emb_info)
    tmp = new_build_dir(index_dir)
    try:
        t2 = write_generation(tmp, docs, emb, man)
        man = finish(tmp, man)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # seconds per stage (the benchmark reports them): embedding, BM25 + FAISS, writing and checksums
    stats["timing"] = {"embed_s": round(t1 - t0, 2), "bm25_faiss_s": round(t2, 2),
                       "write_s": round(time.perf_counter() - t1 - t2, 2)}
    return Staged(index_dir, tmp, build_id, man, stats)


def write_generation(folder: Path, docs: list[dict], emb: np.ndarray, man: dict) -> float:
    """Write every file of a generation but the manifest; returns the seconds spent building BM25 and FAISS."""
    p = man["params"]
    atomic.write_jsonl(folder / "docs.jsonl", ({k: v for k, v in d.items() if k != "clauses"} for d in docs))
    clause_table.write(folder / "clauses.arrow", docs)
    with atomic.atomic_path(folder / "embeddings.npy") as t:
        with open(t, "wb") as f:
            np.save(f, np.ascontiguousarray(emb, dtype=np.float32))
    t = time.perf_counter()
    if p["faiss_kind"] != "flat":
        dense.save(dense.build(emb, p["faiss_kind"]), folder / "faiss.index")
    clauses = [c for d in docs for c in d["clauses"]]
    texts = [c["search_text"] for c in clauses]
    plain, folded = tokenize_both(texts, p["tokenizer"], [c.get("segmented") for c in clauses])
    for name, toks in (("bm25", plain), ("bm25_folded", folded)):
        BM25Index.build(toks, p["k1"], p["b"]).save(folder / name)
    took = time.perf_counter() - t
    atomic.write_json(folder / "restore.json", Restorer.from_texts(texts).to_dict())
    return took


def build_index(docs: list[dict], embedder: Embedder, index_dir: Path, params: dict | None = None,
                progress=None) -> tuple[Path, dict]:
    """Stage and publish in one call (no corpus re-check: policyqa.build.build_all does that)."""
    st = stage(docs, embedder, index_dir, params, progress)
    try:
        return st.publish(), st.stats
    except BaseException:
        st.discard()
        raise


def docs_from_rows(rows: list[dict]) -> list[dict]:
    """Document records from flat clause rows (clause_id, doc_id, text, search_text, … and optionally source and
    doc): how external benchmark corpora are handed to the backend."""
    docs: dict[str, dict] = {}
    for r in rows:
        d = docs.setdefault(r["doc_id"], {"doc_id": r["doc_id"], "source": r.get("source") or r["doc_id"],
                                          "sha256": "", "meta": dict(r.get("doc") or {}), "clauses": []})
        c = {k: v for k, v in r.items() if k not in ("doc_id", "source", "doc")}
        c.setdefault("heading", c.get("text", "")[:160])
        c.setdefault("breadcrumb", [])
        c.setdefault("notes", [])
        c.setdefault("fields", {})
        c.setdefault("span", None)
        c.setdefault("kind", "")
        c.setdefault("label", None)
        c.setdefault("parent", None)
        c.setdefault("depth", 0)
        if c.get("segmented") is None:
            c.pop("segmented", None)
        d["clauses"].append(c)
    return list(docs.values())


def assemble(rows: list[dict], emb: np.ndarray, man: dict):
    """A backend over flat clause rows (each with clause_id, doc_id, search_text) and their embeddings, for external
    benchmarks; `man` gives "params" and "model" (fingerprint)."""
    from .files_backend import FilesBackend

    docs = docs_from_rows(rows)
    pos = {r["clause_id"]: i for i, r in enumerate(rows)}
    emb = np.asarray(emb)[[pos[c["clause_id"]] for d in docs for c in d["clauses"]]]  # rows grouped by document
    return FilesBackend.from_docs(docs, emb, man.get("params"), {"name": "external", "dim": emb.shape[1],
                                                                  **man.get("model", {})})
