"""Opens the backend and the model once; everything that answers queries (search, ask, compare) takes an Engine.

The Engine talks to a policyqa.backend.Backend only (the published files, or PostgreSQL when a database URL is
configured). `rows`, `row_of`, `parents`, `embeddings` and `index` remain for callers written before the backend
interface; they are computed from the backend on first use."""
from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np

from index.embedder import Embedder, embedder_for_manifest
from index.manifest import IndexMismatchError, problems
from ingest.clean import fold, has_diacritics, normalize

from .backend import Backend, open_backend
from .config import Settings
from .overlap import Coverage
from .question import content_units

_BATCH = 2000


class ClauseRows(Sequence):
    """All clauses as a read-only sequence of dicts, built from the backend in batches when iterated. Indexing
    takes a position or a clause id."""

    def __init__(self, backend: Backend):
        self._b = backend
        self._ids: list[str] | None = None

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            if hasattr(self._b, "clause_ids"):
                self._ids = self._b.clause_ids()
            else:  # a backend without the listing: documents in order, their clauses in reading order
                self._ids = [c["clause_id"] for d in self._b.documents() for c in self._b.doc_clauses(d)]
        return self._ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._b.clauses(self.ids[key])
        cid = key if isinstance(key, str) else self.ids[key]
        c = self._b.clause(cid)
        if c is None:
            raise KeyError(f"unknown clause id {cid!r}")
        return c

    def __iter__(self):
        ids = self.ids
        for s in range(0, len(ids), _BATCH):
            yield from self._b.clauses(ids[s:s + _BATCH])


class _Document(dict):
    """A document record whose "clauses" are fetched from the backend on first access."""

    def __init__(self, record: dict, backend: Backend):
        super().__init__(record)
        self._b = backend

    def __missing__(self, key):
        if key != "clauses":
            raise KeyError(key)
        v = [{k: x for k, x in c.items() if k not in ("doc_id", "source", "doc")}
             for c in self._b.doc_clauses(self["doc_id"])]
        self["clauses"] = v
        return v


def _refuse_mismatch(backend, embedder: Embedder) -> None:
    """Another model, tokenizer, or embedding path (int8 against fp32 vectors) than the backend's: refused, never
    mixed."""
    bad = problems(backend.manifest(), embedder.fingerprint, None, embedding=getattr(embedder, "embedding_path", None))
    if bad:
        raise IndexMismatchError(bad, str(getattr(backend, "path", backend.name)))


class Engine:
    def __init__(self, settings: Settings, backend: Backend, embedder: Embedder | None = None):
        self.settings = settings
        self.backend = backend
        self._embedder = embedder
        self._lock = threading.Lock()
        with backend.snapshot() as gen:  # the documents and the generation they belong to, from one snapshot
            self.generation = gen
            self.docs: Mapping[str, dict] = {k: _Document(v, backend) for k, v in backend.documents().items()}
        self._later: dict[str, Engine] = {}  # engines of generations committed since (see snapshot())
        self.rows = ClauseRows(backend)
        self._row_of: dict[str, int] | None = None
        self._parents: set | None = None
        self._coverage_by_fold: dict[bool, Coverage] | None = None  # built on first use (ask/compare)

    @classmethod
    def load(cls, settings: Settings | None = None, embedder: Embedder | None = None, check: bool = True,
             wrap=None) -> "Engine":
        """Open the published index; with check=True, refuse one built from another model (or tokenizer).
        Without `embedder`, the query path of the kind the backend's own manifest records (files index or
        database), passed through `wrap` when given (the service's thread-safe wrapper)."""
        settings = settings or Settings.from_env()
        backend = open_backend(settings)
        try:
            if embedder is None:
                embedder = embedder_for_manifest(settings.model_dir, backend.manifest(), settings.embedding)
                embedder = wrap(embedder) if wrap else embedder
            if check:
                _refuse_mismatch(backend, embedder)
            return cls(settings, backend, embedder)
        except BaseException:
            if hasattr(backend, "close"):  # a refused database keeps no pool open (the service retries loads)
                backend.close()
            raise

    @contextmanager
    def snapshot(self):
        """`with engine.snapshot() as eng:` around one query (search, ask, compare, tasks, a document page): every
        backend read inside sees one committed generation (policyqa.backend.Backend.snapshot), and `eng` is an
        engine of that very generation — this one, or, when another process has written since this one was made
        (PostgreSQL), one over the same backend whose documents and caches (rows, parents, coverage, provinces)
        belong to it, remembered for the next queries. Per thread: each query opens its own."""
        with self.backend.snapshot() as gen:
            yield self if gen == self.generation else self._at(gen)

    def _at(self, gen: str) -> "Engine":
        with self._lock:
            eng = self._later.get(gen)
            if eng is None:  # made inside the caller's snapshot: of generation `gen`
                eng = Engine(self.settings, self.backend, self._embedder)
                if self._embedder is not None:  # a write that changed the model is refused, as Engine.load does
                    _refuse_mismatch(self.backend, self._embedder)
                self._later = {**dict(list(self._later.items())[-1:]), gen: eng}  # this one and the last before
        return eng

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = embedder_for_manifest(self.settings.model_dir, self.backend.manifest(),
                                                           self.settings.embedding)
        return self._embedder

    @property
    def manifest(self) -> dict:
        return self.backend.manifest()

    @property
    def restorer(self):
        return self.backend.restorer()

    def clause(self, clause_id: str) -> dict | None:
        return self.backend.clause(clause_id)

    def doc_clauses(self, doc_id: str) -> list[dict]:
        return self.backend.doc_clauses(doc_id)

    # --- for callers written before the backend interface ----------------------------------------------------
    @property
    def row_of(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {c: i for i, c in enumerate(self.rows.ids)}
        return self._row_of

    @property
    def parents(self) -> set:
        if self._parents is None:
            self._parents = {r.get("parent") for r in self.rows} - {None}
        return self._parents

    @property
    def embeddings(self) -> np.ndarray:
        """Clause embeddings in `rows` order."""
        if hasattr(self.backend, "vectors"):
            return self.backend.vectors(None)
        got = self.backend.stored_vectors(list(self.backend.documents()))  # backends predating vectors()
        return np.stack([np.asarray(got[c], dtype=np.float32) for c in self.rows.ids])

    @property
    def index(self):
        return SimpleNamespace(manifest=self.manifest, embeddings=self.embeddings, restorer=self.restorer)

    # ----------------------------------------------------------------------------------------------------------
    def coverage(self, question, text: str, drop: tuple[str, ...] = ()) -> float:
        """IDF-weighted share of the question's content words found in `text` (see overlap.Coverage).
        `question`: a string, or an analysed policyqa.query.Query (its content words are reused)."""
        if not isinstance(question, str):
            return self.coverage_units(question.content, not question.accented, text)
        folded = not has_diacritics(question)
        return self.coverage_units(content_units(question, folded, drop), folded, text)

    def coverage_units(self, units: list, folded: bool, text: str) -> float:
        if self._coverage_by_fold is None:
            with self._lock:
                if self._coverage_by_fold is None:
                    texts = [r["search_text"] for r in self.rows]
                    self._coverage_by_fold = {f: Coverage(texts, folded=f) for f in (False, True)}
        return self._coverage_by_fold[folded](units, text)

    def provinces_in(self, text: str) -> list[str]:
        """Provinces of the corpus that `text` names ("ở Hải Phòng", "hai phong")."""
        t = " " + " ".join(re.findall(r"\w+", fold(normalize(text)))) + " "
        return sorted(n for n, w in self._province_words.items() if w in t)

    @functools.cached_property
    def _province_words(self) -> dict[str, str]:
        """Each corpus province's folded words, padded for whole-word matching: self.docs is fixed for an engine, so
        this is computed once, not on every query."""
        names = {d["meta"].get("province") for d in self.docs.values()} - {None}
        return {n: " " + " ".join(re.findall(r"\w+", fold(n))) + " " for n in names}
