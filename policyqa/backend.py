"""The storage interface that search, ask, compare, tasks, the service and the app talk to.

Two implementations: the embedded default (FAISS + files under data/, `index.files_backend`) and PostgreSQL with
pgvector (`index.postgres`), chosen by `open_backend(settings)`: a database URL (`POLICYQA_DATABASE_URL` or
`--database-url`) selects PostgreSQL, otherwise files. Nothing above this interface knows which one runs.

Clauses are named by their `clause_id` ("<doc_id>:<path>"), never by a row number, so results from either backend
mean the same thing. Scores are the same quantities in both: BM25 (bm25s formula, k1/b from the build params, over
the tokens of `index.lexical.tokenize`) and cosine similarity of normalised e5 embeddings.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ContextManager, Iterable, Protocol, Sequence, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class ClauseFilter:
    """Restrictions every backend applies before ranking (exactly: a filtered search returns the true top n)."""
    provinces: tuple[str, ...] = ()  # canonical province names
    doc_ids: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # document types ("Kế hoạch", "Nghị định", …)
    date_from: str | None = None  # ISO dates; documents without a date are excluded when either is set
    date_to: str | None = None

    def active(self) -> bool:
        return bool(self.provinces or self.doc_ids or self.levels or self.types or self.date_from or self.date_to)


@runtime_checkable
class Backend(Protocol):
    name: str  # "files" | "postgres"

    # --- reading ---------------------------------------------------------------------------------------------
    def snapshot(self) -> ContextManager[str]:
        """`with backend.snapshot() as generation:` — every read inside the block, in this thread (or asyncio
        task), sees the one committed generation it yields, whatever is written meanwhile: one query's several
        reads (candidates, their scores, their records) never mix two generations. Re-entrant (an inner block
        joins the outer one); reads outside any block each see the latest commit. Files: a backend object is
        one published generation already, so this only yields it. PostgreSQL: one pooled connection held in a
        REPEATABLE READ READ ONLY transaction, pinned through a context variable (threads do not share it)."""

    def generation(self) -> str:
        """Identifier of the published content a reader sees; changes with every committed write (inside a
        snapshot: the snapshot's)."""

    def manifest(self) -> dict:
        """Model fingerprint, embedding path, build params, tokenizer version (what a query must match)."""

    def documents(self) -> dict[str, dict]:
        """doc_id -> document record (as in docs.jsonl, without its clauses)."""

    def clause_ids(self) -> list[str]:
        """Every clause id, documents in published order, each document's clauses in reading order."""

    def clause(self, clause_id: str) -> dict | None: ...

    def clauses(self, clause_ids: Sequence[str]) -> list[dict]: ...

    def doc_clauses(self, doc_id: str) -> list[dict]:
        """The document's clauses in reading order."""

    def tasks(self, doc_ids: Sequence[str] = ()) -> list[dict]:
        """Task records (see policyqa.tasks), all or those of the given documents."""

    # --- ranking ---------------------------------------------------------------------------------------------
    def lexical(self, tokens: list[str], folded: bool, flt: ClauseFilter, n: int) -> list[tuple[str, float]]:
        """Top n (clause_id, BM25) with score > 0; `folded` uses the diacritic-free index."""

    def lexical_scores(self, tokens: list[str], folded: bool, clause_ids: Sequence[str]) -> np.ndarray:
        """BM25 of the given clauses (0 where no token matches), in the given order."""

    def dense(self, vector: np.ndarray, flt: ClauseFilter, n: int) -> list[tuple[str, float]]:
        """Top n (clause_id, cosine)."""

    def dense_scores(self, vector: np.ndarray, clause_ids: Sequence[str]) -> np.ndarray:
        """Cosine of the given clauses, in the given order."""

    def vectors(self, clause_ids: Sequence[str] | None = None) -> np.ndarray:
        """Stored embeddings of the given clauses (all, in clause_ids() order, when None): compare and align."""

    def restorer(self):
        """index.restore.Restorer built from the published clauses (diacritics for queries typed without)."""

    def term_stats(self, folded: bool) -> tuple[dict[str, int], int]:
        """(document frequency per token, number of clauses): IDF weights for answer support and comparison."""

    # --- writing ---------------------------------------------------------------------------------------------
    def write(self, add: Iterable[dict], remove: Iterable[str], vectors: dict[str, np.ndarray]) -> str:
        """One transaction: documents in `add` (docs.jsonl records, replacing any with the same doc_id) appear with
        all their clauses, vectors (clause_id -> vector) and tasks, documents in `remove` disappear; a reader sees
        all of it or none of it. Returns the new generation."""


POOL_SIZE = 8  # connections per process: each query holds one for its snapshot, so it bounds concurrent queries


def pool_size() -> int:
    """Connections per process to the database: POLICYQA_DB_POOL_SIZE (default 8); more threads or --workers wait."""
    raw = os.environ.get("POLICYQA_DB_POOL_SIZE", "").strip()
    if not raw:
        return POOL_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ValueError(f"POLICYQA_DB_POOL_SIZE must be a whole number from 1 to 1000, got {raw!r}")
    return int(raw)


def open_backend(settings) -> Backend:
    """PostgreSQL when settings.database_url is set, otherwise the published files under settings.index_dir."""
    if getattr(settings, "database_url", None):
        from index.postgres import PostgresBackend  # imported only when asked for: no driver needed otherwise

        return PostgresBackend.open(settings.database_url, max_size=pool_size())
    from index.files_backend import FilesBackend

    return FilesBackend.open(settings.index_dir)
