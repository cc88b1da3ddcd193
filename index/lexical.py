"""BM25 over normalised syllables plus syllable bigrams (bm25s does the scoring).

Syllable bigrams recover much of what Vietnamese word segmentation gives ("sở tài" "tài chính")
without its errors; a second index over diacritic-free text serves queries typed without diacritics."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ingest.clean import fold, syllables

SCHEMES = ("syllable", "syllable+bigram", "word")
# Bump when tokenisation or text normalisation changes: indexes built with another version are rebuilt.
TOKENIZER_VERSION = 2


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import and logs every build
    return bm25s


def tokenize(text: str, scheme: str = "syllable+bigram", folded: bool = False, segmented: str | None = None) -> list[str]:
    if scheme == "word":
        from ingest.segment import segment, words

        toks = words(segmented if segmented is not None else segment(text))
        return [fold(t) for t in toks] if folded else toks
    syl = syllables(text)
    if folded:
        syl = [fold(s) for s in syl]
    if scheme == "syllable":
        return syl
    if scheme != "syllable+bigram":
        raise ValueError(f"unknown tokenizer scheme {scheme!r}; choose one of {SCHEMES}")
    return syl + [f"{a}_{b}" for a, b in zip(syl, syl[1:])]


class BM25Index:
    def __init__(self, retriever, k1: float, b: float):
        self.retriever = retriever
        self.k1, self.b = k1, b
        self.vocab = retriever.vocab_dict

    @classmethod
    def build(cls, corpus_tokens: list[list[str]], k1: float = 1.2, b: float = 0.75) -> "BM25Index":
        r = _bm25s().BM25(k1=k1, b=b)
        # bm25s cannot index an empty document list; an empty token list per document is fine.
        r.index([t or [""] for t in corpus_tokens], show_progress=False)
        return cls(r, k1, b)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self.vocab and t]
        n = self.retriever.scores["num_docs"]
        if not known:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)

    def save(self, path: Path) -> None:
        self.retriever.save(str(path), show_progress=False)

    @classmethod
    def load(cls, path: Path) -> "BM25Index":
        r = _bm25s().BM25.load(str(path), show_progress=False, verbosity=0)
        return cls(r, r.k1, r.b)
