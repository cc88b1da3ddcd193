"""Loads the model and index once; everything that answers queries (search, ask, compare) takes an Engine."""
from __future__ import annotations

import re
import threading

from index.embedder import Embedder, SentenceTransformerEmbedder
from index.store import LoadedIndex, load
from ingest.clean import fold, has_diacritics, normalize
from ingest.pipeline import load_docs

from .config import Settings
from .overlap import Coverage
from .question import content_units


class Engine:
    def __init__(self, settings: Settings, index: LoadedIndex, docs: list[dict], embedder: Embedder | None = None):
        self.settings = settings
        self.index = index
        self.docs = {d["doc_id"]: d for d in docs}
        self._embedder = embedder
        self._lock = threading.Lock()
        self.rows = index.clauses
        self.row_of = {r["clause_id"]: i for i, r in enumerate(self.rows)}
        self.parents = {r.get("parent") for r in self.rows} - {None}
        self._coverage_by_fold: dict[bool, Coverage] | None = None  # built on first use (ask/compare)

    @classmethod
    def load(cls, settings: Settings | None = None, embedder: Embedder | None = None, check: bool = True) -> "Engine":
        """Load index + documents; with check=True, refuse an index built from another model or corpus."""
        settings = settings or Settings.from_env()
        if not settings.docs_path.exists():
            raise FileNotFoundError(f"{settings.docs_path} not found; run `policyqa build` first")
        docs = load_docs(settings.docs_path)
        embedder = embedder or SentenceTransformerEmbedder(settings.model_dir)
        idx = load(settings.index_dir, embedder.fingerprint if check else None, docs if check else None)
        return cls(settings, idx, docs, embedder)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = SentenceTransformerEmbedder(self.settings.model_dir)
        return self._embedder

    def clause(self, clause_id: str) -> dict | None:
        i = self.row_of.get(clause_id)
        return self.rows[i] if i is not None else None

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
        names = {d["meta"].get("province") for d in self.docs.values()} - {None}
        words = {n: " " + " ".join(re.findall(r"\w+", fold(n))) + " " for n in names}
        return sorted(n for n, w in words.items() if w in t)
