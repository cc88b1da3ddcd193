"""The embedded backend: one published generation (index.store) opened read-only, memory-mapped.

Filters are evaluated per document (a few arrays as long as the document list) and spread to clauses through
the clause -> document column, so a filtered search costs one vectorised pass, not a loop over dicts. Clause dicts
are built only for the clauses asked for. Writes stage a complete new generation and publish it atomically."""
from __future__ import annotations

import json
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ingest.clean import fold, syllables
from policyqa.backend import ClauseFilter

from . import dense
from .build import DOC_FIELDS, doc_view, stage, text_key
from .clause_table import ClauseTable
from .lexical import BM25Index
from .lock import build_lock
from .restore import Restorer
from .store import LOAD_LOCK, CorruptIndexError, read_manifest_file, reading, verify


class FilesBackend:
    name = "files"

    def __init__(self, path: Path, manifest: dict, docs: list[dict], table: ClauseTable, embeddings: np.ndarray,
                 bm25: BM25Index, bm25_folded: BM25Index, restorer: Restorer, faiss=None):
        self.path = Path(path)
        self._manifest = manifest
        self._docs = {d["doc_id"]: d for d in docs}
        self._doc_list = [d["doc_id"] for d in docs]
        self.table = table
        self.embeddings = embeddings
        self._bm25 = {False: bm25, True: bm25_folded}
        self._restorer = restorer
        self._faiss = faiss
        self._doc_index = table.doc_index
        counts = np.bincount(self._doc_index, minlength=len(docs)) if len(self._doc_index) else np.zeros(len(docs), int)
        self._doc_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        # per-document filter columns (documents are few; clauses inherit through _doc_index)
        col = lambda k: np.array([(d["meta"].get(k) or "") for d in docs], dtype=str)  # noqa: E731
        self._cols = {"province": col("province"), "level": col("level"), "type": col("type"), "date": col("date"),
                      "doc_id": np.array(self._doc_list, dtype=str)}
        self._mask = lru_cache(maxsize=64)(self._mask_uncached)

    # --- opening ----------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, index_dir: Path, full_verify: bool = False) -> "FilesBackend":
        """The live generation of `index_dir`, verified (sizes, and hashes of small files unless full_verify)."""
        with reading(index_dir) as (gen, man):
            return cls.open_folder(gen, man, full_verify)

    @classmethod
    def open_folder(cls, gen: Path, man: dict | None = None, full_verify: bool = False) -> "FilesBackend":
        gen = Path(gen)
        man = man if man is not None else read_manifest_file(gen)
        bad = verify(gen, man, full=full_verify)
        if bad:
            raise CorruptIndexError(bad, str(gen))
        try:
            docs = _read_docs(gen / "docs.jsonl")
            table = ClauseTable(gen / "clauses.arrow")
            with LOAD_LOCK:
                emb = np.load(gen / "embeddings.npy", mmap_mode="r")
        except (ValueError, OSError) as e:
            raise CorruptIndexError([str(e)], str(gen)) from None
        n = man.get("corpus", {}).get("clauses")
        shape_bad = []
        if len(table) != n:
            shape_bad.append(f"clauses.arrow has {len(table)} clauses, the manifest {n}")
        if emb.ndim != 2 or emb.shape[0] != len(table) or emb.shape[1] != man["model"].get("dim"):
            shape_bad.append(f"embeddings.npy has shape {emb.shape}, expected ({len(table)}, {man['model'].get('dim')})")
        if len(docs) != len(man.get("corpus", {}).get("documents", {})):
            shape_bad.append(f"docs.jsonl has {len(docs)} documents, the manifest "
                             f"{len(man.get('corpus', {}).get('documents', {}))}")
        if shape_bad:
            raise CorruptIndexError(shape_bad, str(gen))
        faiss_index = dense.load(gen / "faiss.index") if (gen / "faiss.index").exists() else None
        try:
            restorer = Restorer.from_dict(json.loads((gen / "restore.json").read_text(encoding="utf-8")))
        except (ValueError, KeyError) as e:
            raise CorruptIndexError([f"restore.json cannot be read ({e})"], str(gen)) from None
        with LOAD_LOCK:
            bm25, bm25_folded = BM25Index.load(gen / "bm25"), BM25Index.load(gen / "bm25_folded")
        return cls(gen, man, docs, table, emb, bm25, bm25_folded, restorer, faiss_index)

    @classmethod
    def from_docs(cls, docs: list[dict], emb: np.ndarray, params: dict | None = None, model: dict | None = None
                  ) -> "FilesBackend":
        """A backend over documents that are not published (an external benchmark corpus): the generation is
        written to a temporary folder, opened (mapped) and the folder removed at once."""
        import shutil
        import tempfile

        from . import manifest as manifest_mod
        from .build import DEFAULT_PARAMS
        from .store import finish

        params = {**DEFAULT_PARAMS, **(params or {})}
        model = model or {}
        emb = np.asarray(emb, dtype=np.float32)
        params["faiss_kind"] = dense.choose_kind(len(emb), params.get("faiss", "auto"))
        man = manifest_mod.make(model.get("name", "external"), model.get("fingerprint", ""), emb.shape[1], docs,
                                params, "external")
        tmp = Path(tempfile.mkdtemp(prefix="policyqa-mem-"))
        try:
            from .build import write_generation

            write_generation(tmp, docs, emb, man)
            return cls.open_folder(tmp, finish(tmp, man))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # --- reading ----------------------------------------------------------------------------------------------
    @contextmanager
    def snapshot(self):
        """This object is one published generation (a new one is opened as a new backend): nothing to pin."""
        yield self.generation()

    def generation(self) -> str:
        return self._manifest["build_id"]

    def manifest(self) -> dict:
        return self._manifest

    def documents(self) -> dict[str, dict]:
        return self._docs

    def restorer(self) -> Restorer:
        return self._restorer

    def clause_ids(self) -> list[str]:
        return self.table.ids

    def _row_dicts(self, rows: Sequence[int]) -> list[dict]:
        out = []
        for r, rec in zip(rows, self.table.rows(rows)):
            d = self._docs[self._doc_list[self._doc_index[r]]]
            rec.update({"doc_id": d["doc_id"], "source": d["source"], "doc": doc_view(d["meta"])})
            out.append(rec)
        return out

    def _rows_of(self, clause_ids: Sequence[str]) -> list[int]:
        row_of = self.table.row_of
        try:
            return [row_of[c] for c in clause_ids]
        except KeyError as e:
            raise KeyError(f"unknown clause id {e.args[0]!r}") from None

    def clause(self, clause_id: str) -> dict | None:
        r = self.table.row_of.get(clause_id)
        return None if r is None else self._row_dicts([r])[0]

    def clauses(self, clause_ids: Sequence[str]) -> list[dict]:
        row_of = self.table.row_of
        return self._row_dicts([row_of[c] for c in clause_ids if c in row_of])

    def clause_range(self, start: int, stop: int) -> list[dict]:
        return self._row_dicts(range(start, min(stop, len(self.table))))

    def doc_clauses(self, doc_id: str) -> list[dict]:
        if doc_id not in self._docs:
            return []
        i = self._doc_list.index(doc_id)
        return self._row_dicts(range(int(self._doc_start[i]), int(self._doc_start[i + 1])))

    def tasks(self, doc_ids: Sequence[str] = ()) -> list[dict]:
        ids = doc_ids or self._doc_list
        return [t for i in ids if i in self._docs for t in self._docs[i].get("tasks", [])]

    # --- filters ----------------------------------------------------------------------------------------------
    def _mask_uncached(self, flt: ClauseFilter) -> np.ndarray:
        ok = np.ones(len(self._doc_list), dtype=bool)
        for key, wanted in (("province", flt.provinces), ("doc_id", flt.doc_ids), ("level", flt.levels),
                            ("type", flt.types)):
            if wanted:
                ok &= np.isin(self._cols[key], np.array(wanted, dtype=str))
        if flt.date_from or flt.date_to:
            date = self._cols["date"]
            ok &= date != ""
            if flt.date_from:
                ok &= date >= flt.date_from
            if flt.date_to:
                ok &= date <= flt.date_to
        return ok[self._doc_index]

    def rows_allowed(self, flt: ClauseFilter | None) -> np.ndarray | None:
        """Allowed clause rows, or None for all."""
        if flt is None or not flt.active():
            return None
        return np.flatnonzero(self._mask(flt))

    # --- ranking ----------------------------------------------------------------------------------------------
    def lexical(self, tokens: list[str], folded: bool, flt: ClauseFilter, n: int) -> list[tuple[str, float]]:
        # exact top n (BM25Index.top: a narrow filter's clauses scored alone); the filter applies before ranking
        mask = self._mask(flt) if flt is not None and flt.active() else None
        rows, s = self._bm25[bool(folded)].top(tokens, n, mask)
        ids = self.table.ids
        return [(ids[r], float(v)) for r, v in zip(rows.tolist(), s.tolist())]

    def lexical_scores(self, tokens: list[str], folded: bool, clause_ids: Sequence[str]) -> np.ndarray:
        if not len(clause_ids):
            return np.zeros(0, dtype=np.float32)
        return self._bm25[bool(folded)].scores_of(tokens, np.asarray(self._rows_of(clause_ids), dtype=np.int64))

    def dense(self, vector: np.ndarray, flt: ClauseFilter, n: int) -> list[tuple[str, float]]:
        allowed = self.rows_allowed(flt)
        if allowed is None and self._faiss is not None:
            scores, rows = dense.search(self._faiss, vector, n)
        else:
            rows, scores = dense.exact(self.embeddings, vector, allowed, n)
        ids = self.table.ids
        return [(ids[int(r)], float(s)) for r, s in zip(rows, scores)]

    def dense_scores(self, vector: np.ndarray, clause_ids: Sequence[str]) -> np.ndarray:
        if not len(clause_ids):
            return np.zeros(0, dtype=np.float32)
        return self.embeddings[self._rows_of(clause_ids)] @ np.asarray(vector, dtype=np.float32)

    def vectors(self, clause_ids: Sequence[str] | None = None) -> np.ndarray:
        if clause_ids is None:
            return self.embeddings
        return np.asarray(self.embeddings[self._rows_of(clause_ids)])

    def term_stats(self, folded: bool) -> tuple[dict[str, int], int]:
        df: Counter = Counter()
        texts = self.table.column("search_text")
        for t in texts:
            syl = syllables(t)
            df.update(set(fold(s) for s in syl) if folded else set(syl))
        return dict(df), len(texts)

    # --- writing ----------------------------------------------------------------------------------------------
    def all_docs(self) -> list[dict]:
        """Complete ingestion records (documents with their clauses), in published order."""
        return [{**self._docs[i], "clauses": [_strip(c) for c in self.doc_clauses(i)]} for i in self._doc_list]

    def write(self, add: Iterable[dict], remove: Iterable[str], vectors: dict[str, np.ndarray]) -> str:
        """Publish a new generation with `add` (replacing same ids) and without `remove`, in one atomic step,
        under the home's build lock. Vectors of added clauses come from `vectors`; the others are reused."""
        add, remove = list(add), set(remove)
        index_dir = self.path.parent
        with build_lock(index_dir.parent):
            cur = FilesBackend.open(index_dir)
            replaced = {d["doc_id"] for d in add} | remove
            docs = [d for d in cur.all_docs() if d["doc_id"] not in replaced] + add
            cache = {text_key(t): v for t, v in zip(cur.table.column("search_text"), cur.embeddings)}
            for d in add:
                for c in d["clauses"]:
                    if c["clause_id"] in vectors:
                        cache[text_key(c["search_text"])] = np.asarray(vectors[c["clause_id"]], dtype=np.float32)
            m = cur.manifest()
            params = {k: v for k, v in m["params"].items() if k != "faiss_kind"}
            st = stage(docs, _GivenVectors(m), index_dir, params, cache=cache)
            try:
                st.publish()
            except BaseException:
                st.discard()
                raise
            return st.build_id


class _GivenVectors:
    """Stands in for the embedder when every vector is given (FilesBackend.write)."""

    def __init__(self, man: dict):
        from .manifest import embedding_path

        m = man["model"]
        self.name, self.dim, self.fingerprint = m["name"], m["dim"], m["fingerprint"]
        self.embedding_path = embedding_path(man)

    def encode_passages(self, texts, progress=None):
        raise ValueError(f"no vector given for {len(texts)} clause(s), e.g. {texts[0][:60]!r}")


def _strip(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("doc_id", "source", "doc")}


def _read_docs(path: Path) -> list[dict]:
    docs = []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except ValueError as e:
                raise ValueError(f"{path.name} line {no} is not valid JSON ({e})") from None
            if not isinstance(d, dict) or "doc_id" not in d or "meta" not in d:
                raise ValueError(f"{path.name} line {no} is not a document record")
            docs.append(d)
    return docs


__all__ = ["FilesBackend", "DOC_FIELDS"]
