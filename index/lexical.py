"""BM25 over normalised syllables plus syllable bigrams (bm25s does the scoring).

Syllable bigrams recover much of what Vietnamese word segmentation gives ("sở tài" "tài chính")
without its errors; a second index over diacritic-free text serves queries typed without diacritics."""
from __future__ import annotations

import logging
import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest import clean
from ingest.clean import expand_abbreviations, fold, syllables

SCHEMES = ("syllable", "syllable+bigram", "word")
# Bump when tokenisation or text normalisation changes: indexes built with another version are rebuilt.
TOKENIZER_VERSION = 2


def _bm25s():
    if "bm25s" not in sys.modules and "numba" not in sys.modules:
        # bm25s imports numba when it is installed (ranx, for evaluation, installs it), costing ~1.5 s of every
        # CLI call; we only score with get_scores(), which never uses numba. Hide numba while bm25s is
        # imported, then unhide it so that ranx can still import it.
        sys.modules["numba"] = None
        try:
            import bm25s  # noqa: F401
        finally:
            del sys.modules["numba"]
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


# Fast path for many texts, giving exactly the tokens of tokenize() (tested on the bundled and shared corpora):
# the texts are joined with a separator no text contains and every normalisation step runs once over the
# joined string, in C (regex, translate, lower), instead of once per text and per word in Python.
# clean.normalize() calls a Python function for every word to fix tone placement, but only a word ending in
# o/u + a/e/y (any tone on either) can change ("hoà" -> "hòa", "uỷ" -> "ủy"): only those words go through it.
_SEP = "\uffff"  # a Unicode noncharacter: never in a document (checked; texts that hold it go one by one)
_O, _A = "oòóỏõọ", "aàáảãạ"
_E, _U, _Y = "eèéẻẽẹ", "uùúủũụ", "yỳýỷỹỵ"
_TONE_CANDIDATE = re.compile(
    rf"(?<!\w)\w*(?:[{_O}{_O.upper()}][{_A}{_A.upper()}{_E}{_E.upper()}]|[{_U}{_U.upper()}][{_Y}{_Y.upper()}])(?!\w)")
_SPACES = re.compile(r"[ \t]+")
_DASH_MAP = {chr(k): v for k, v in clean._DASHES.items()}  # clean.normalize()'s translate() table, as a regex
_DASH_RE = re.compile("[" + re.escape("".join(_DASH_MAP)) + "]")
_fix_tone_word = lru_cache(maxsize=1 << 16)(lambda w: clean._fix_tone(_Whole(w)))


class _Whole:
    """A stand-in for the re.Match clean._fix_tone expects: the whole word."""

    __slots__ = ("w",)

    def __init__(self, w: str):
        self.w = w

    def group(self, _=0) -> str:
        return self.w


def _fold_all(text: str) -> str:
    """clean.fold() of a whole text at once: combining marks (category Mn) deleted by one translate()."""
    d = unicodedata.normalize("NFD", text.lower())
    marks = "".join(c for c in set(d) if unicodedata.category(c) == "Mn")
    # str.translate looks every character up in a dict (slow on non-ASCII text); a regex class is C-fast.
    return (re.sub(f"[{re.escape(marks)}]+", "", d) if marks else d).replace("đ", "d")


def _syllable_lines(texts: list[str]) -> str:
    """Each text's syllables joined by spaces, one text per line (clean.syllables, batched)."""
    big = _DASH_RE.sub(lambda m: _DASH_MAP[m.group(0)], unicodedata.normalize("NFC", _SEP.join(texts)))
    big = _TONE_CANDIDATE.sub(lambda m: _fix_tone_word(m.group(0)), big)
    big = expand_abbreviations(_SPACES.sub(" ", big)).lower()
    find = clean._SYLLABLE_RE.findall
    return "\n".join(" ".join(find(part)) for part in big.split(_SEP))


def _tokens(lines: str, bigrams: bool) -> list[list[str]]:
    uni = [line.split(" ") if line else [] for line in lines.split("\n")]
    if not bigrams:
        return uni
    join = "_".join
    return [u + list(map(join, zip(u, u[1:]))) for u in uni]


def tokenize_both(texts: list[str], scheme: str = "syllable+bigram",
                  segmented: list[str | None] | None = None) -> tuple[list[list[str]], list[list[str]]]:
    """Tokens of every text for the accented and the diacritic-free index: [tokenize(t)], [tokenize(t, folded=True)]."""
    if scheme == "word" or any(_SEP in t for t in texts):
        seg = segmented or [None] * len(texts)
        return ([tokenize(t, scheme, segmented=g) for t, g in zip(texts, seg)],
                [tokenize(t, scheme, folded=True, segmented=g) for t, g in zip(texts, seg)])
    if scheme not in SCHEMES:
        raise ValueError(f"unknown tokenizer scheme {scheme!r}; choose one of {SCHEMES}")
    if not texts:
        return [], []
    lines = _syllable_lines(texts)
    bigrams = scheme == "syllable+bigram"
    return _tokens(lines, bigrams), _tokens(_fold_all(lines), bigrams)


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
