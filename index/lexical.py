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

        # ingestion no longer segments clauses (older records may still carry it): segment what is indexed here
        toks = words(segmented or segment(text))
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
    """bm25s's index (per-posting BM25 scores precomputed, stored column by column: one column per token, the
    rows of the clauses holding it in ascending order) with an exact top-k that does not score every posting.

    `top` scores every posting of the query's tokens (measured faster up to 10^6 clauses, see FULL_IF_POSTINGS)
    and, for queries with more postings than that, runs MaxScore over those columns: query tokens are taken by descending upper bound (the token's highest
    posting score times its count in the query); the clauses holding the tokens taken so far are the candidates,
    scored fully (every query token looked up by binary search in its column); once the bound of the tokens not
    taken is below the n-th best candidate score, no other clause can reach the top n, so the common tokens'
    long columns are never read. Scores are summed in the same order and float32 precision as bm25s's
    get_scores, so scores and ranking (ties by row) are identical to scoring every clause (tested)."""

    # above these shares of the corpus, scoring every posting is cheaper than binary searches per clause
    FULL_IF_CANDIDATES = 0.25
    FULL_IF_ROWS = 0.125
    # Below this many postings for the whole query, score them all: numpy's add.at makes that cheaper than
    # MaxScore's bookkeeping for every eval query measured (python scripts/bench_bm25.py, 2026-11-23): at 10^5 real
    # paragraphs full p50 0.3-0.7 ms vs MaxScore 1.4-21 ms; at 10^6 (20-word windows) full p50/p95 2.5/4.3 ms vs
    # MaxScore 11.4/59.7 ms. So MaxScore is kept (exact, tested) only for queries beyond 2^24 postings, a region
    # not measured, where scoring every posting would cost tens of ms.
    FULL_IF_POSTINGS = 1 << 24

    def __init__(self, retriever, k1: float, b: float):
        self.retriever = retriever
        self.k1, self.b = k1, b
        self.vocab = retriever.vocab_dict
        sc = retriever.scores
        self.num_docs = int(sc["num_docs"])
        self._data = np.asarray(sc["data"], dtype=np.float32)
        self._indices = np.asarray(sc["indices"])
        self._indptr = np.asarray(sc["indptr"], dtype=np.int64)
        n_tok = len(self._indptr) - 1
        lengths = np.diff(self._indptr)
        self._max = np.zeros(n_tok, dtype=np.float32)  # each token's highest posting score: its upper bound
        nonempty = np.flatnonzero(lengths > 0)
        if nonempty.size and len(self._data) == self._indptr[-1]:
            self._max[nonempty] = np.maximum.reduceat(self._data, self._indptr[nonempty])
        # the exact top-k relies on rows ascending within a column and on no score outside the postings
        # (bm25s's BM25L/BM25+ add a per-token score to every clause): otherwise score everything, as before
        self.exact_topk = (getattr(retriever, "nonoccurrence_array", None) is None and len(self._data) == self._indptr[-1]
                           and _columns_sorted(self._indices, self._indptr))

    @classmethod
    def build(cls, corpus_tokens: list[list[str]], k1: float = 1.2, b: float = 0.75) -> "BM25Index":
        r = _bm25s().BM25(k1=k1, b=b)
        # bm25s cannot index an empty document list; an empty token list per document is fine.
        r.index([t or [""] for t in corpus_tokens], show_progress=False)
        return cls(r, k1, b)

    def token_ids(self, query_tokens: list[str]) -> np.ndarray:
        """Ids of the query tokens the index knows, in query order, repeats kept (each occurrence counts)."""
        v = self.vocab
        return np.array([v[t] for t in query_tokens if t and t in v], dtype=np.int64)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 of every clause (bm25s get_scores)."""
        known = [t for t in query_tokens if t in self.vocab and t]
        if not known:
            return np.zeros(self.num_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)

    def _all(self, tids: np.ndarray) -> np.ndarray:
        if not self.exact_topk:
            return np.asarray(self.retriever.get_scores([int(t) for t in tids]), dtype=np.float32) if len(tids) \
                else np.zeros(self.num_docs, dtype=np.float32)
        out = np.zeros(self.num_docs, dtype=np.float32)
        ip, ind, data = self._indptr, self._indices, self._data
        for t in tids:  # a column holds a row once: a fancy-indexed add is np.add.at's result, token by token
            s, e = ip[t], ip[t + 1]
            out[ind[s:e]] += data[s:e]
        return out

    def _lookup(self, tids: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """BM25 of the given rows: each query token's posting found by binary search in its column."""
        out = np.zeros(len(rows), dtype=np.float32)
        if not len(rows):
            return out
        ip, ind, data = self._indptr, self._indices, self._data
        for t in tids:  # query order, float32: the same additions as scoring every clause
            s, e = ip[t], ip[t + 1]
            if s == e:
                continue
            col = ind[s:e]
            pos = np.minimum(np.searchsorted(col, rows), e - s - 1)
            out += np.where(col[pos] == rows, data[s:e][pos], np.float32(0))
        return out

    def scores_of(self, query_tokens: list[str], rows: np.ndarray) -> np.ndarray:
        """BM25 of the given rows only (equal to scores(query_tokens)[rows])."""
        rows = np.asarray(rows, dtype=np.int64)
        tids = self.token_ids(query_tokens)
        if not len(tids) or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        if not self.exact_topk or len(rows) > self.FULL_IF_ROWS * self.num_docs:
            return self._all(tids)[rows]
        return self._lookup(tids, rows)

    def top(self, query_tokens: list[str], n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the n best clauses with a score > 0 among `allowed` (a boolean mask over rows; all
        when None), best first, ties by row: exactly what sorting the scores of every clause gives."""
        from .dense import top_rows

        tids = self.token_ids(query_tokens)
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if not len(tids) or n <= 0:
            return empty
        if not self.exact_topk or int((self._indptr[tids + 1] - self._indptr[tids]).sum()) <= self.FULL_IF_POSTINGS:
            return self._top_of_all(self._all(tids), n, allowed)
        if allowed is not None:
            n_allowed = int(allowed.sum())
            if n_allowed == 0:
                return empty
            if n_allowed <= self.FULL_IF_ROWS * self.num_docs:  # a narrow filter: score its clauses directly
                rows = np.flatnonzero(allowed)
                s = self._lookup(tids, rows)
                keep = s > 0
                rows, s = rows[keep], s[keep]
                pos = top_rows(s, None, n)
                return rows[pos], s[pos]
        uniq, counts = np.unique(tids, return_counts=True)
        bound = counts * self._max[uniq].astype(np.float64)
        order = np.argsort(-bound, kind="stable")
        rest = np.concatenate([np.cumsum(bound[order][::-1])[::-1][1:], [0.0]])  # bound of the tokens not taken
        ip, ind, data = self._indptr, self._indices, self._data
        partial = np.zeros(self.num_docs, dtype=np.float32)  # scores over the tokens taken: lower bounds
        seen = np.zeros(self.num_docs, dtype=bool)
        cand: list[np.ndarray] = []
        postings = 0
        for i, j in enumerate(order):
            t = uniq[j]
            s, e = ip[t], ip[t + 1]
            postings += e - s
            if postings > self.FULL_IF_CANDIDATES * self.num_docs:  # the candidates would be most clauses
                return self._top_of_all(self._all(tids), n, allowed)
            col = ind[s:e]
            partial[col] += data[s:e] * np.float32(counts[j])
            new = col[~seen[col]]
            seen[new] = True
            if allowed is not None:
                new = new[allowed[new]]
            cand.append(new)
            if rest[i] == 0:
                break
            rows = np.concatenate(cand)
            if len(rows) < n:
                continue
            # the n-th best lower bound: n clauses score at least this much; any clause without a token taken
            # scores at most rest[i] (margins cover float32 rounding)
            kth = float(np.partition(partial[rows], len(rows) - n)[len(rows) - n]) * (1 - 1e-5)
            if rest[i] * (1 + 1e-5) + 1e-6 < kth:
                break
        else:
            i = len(order) - 1
        rows = np.sort(np.concatenate(cand))
        if rest[i] > 0:  # only clauses that could still reach the n-th best get scored exactly
            kth = float(np.partition(partial[rows], len(rows) - n)[len(rows) - n]) * (1 - 1e-5)
            rows = rows[partial[rows] + (rest[i] * (1 + 1e-5) + 1e-6) >= kth]
        sc = self._lookup(tids, rows)  # exact, in query order: the same float32 sums as scoring every clause
        keep = sc > 0
        rows, sc = rows[keep], sc[keep]
        pos = top_rows(sc, None, n)
        return rows[pos], sc[pos]

    @staticmethod
    def _top_of_all(s: np.ndarray, n: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        from .dense import top_rows

        ok = s > 0
        if allowed is not None:
            ok &= allowed
        rows = top_rows(s, np.flatnonzero(ok), n)
        return rows, s[rows]

    def save(self, path: Path) -> None:
        self.retriever.save(str(path), show_progress=False)

    @classmethod
    def load(cls, path: Path) -> "BM25Index":
        r = _bm25s().BM25.load(str(path), show_progress=False, verbosity=0)
        return cls(r, r.k1, r.b)


def _columns_sorted(indices: np.ndarray, indptr: np.ndarray) -> bool:
    """Rows ascending (no repeats) within every column of a CSC matrix."""
    if len(indices) < 2:
        return True
    up = indices[1:] > indices[:-1]  # compared in place: no int64 copy and diff (0.6 s at 3*10^7 postings, on load)
    ends = indptr[1:-1] - 1  # a column's last posting: the next one starts another column
    up[ends[(ends >= 0) & (ends < len(up))]] = True
    return bool(up.all())
