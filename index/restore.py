"""Restore diacritics of a query typed without them ("ai chu tri tuyen truyen" -> "ai chủ trì tuyên truyền"),
from the corpus's own syllable and bigram counts: the dense model needs the accented form."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from ingest.clean import fold, syllables


class Restorer:
    def __init__(self, unigrams: dict[str, dict[str, int]], bigrams: dict[str, int]):
        self.unigrams = unigrams  # folded syllable -> {accented: count}
        self.bigrams = bigrams  # "accented accented" -> count

    @classmethod
    def from_texts(cls, texts) -> "Restorer":
        uni: dict[str, Counter] = defaultdict(Counter)
        bi: Counter = Counter()
        for t in texts:
            syl = syllables(t)
            for s in syl:
                uni[fold(s)][s] += 1
            for a, b in zip(syl, syl[1:]):
                bi[f"{a} {b}"] += 1
        return cls({k: dict(v) for k, v in uni.items()}, dict(bi))

    def to_dict(self) -> dict:
        return {"unigrams": self.unigrams, "bigrams": self.bigrams}

    @classmethod
    def from_dict(cls, d: dict) -> "Restorer":
        return cls(d["unigrams"], d["bigrams"])

    def restore(self, query: str) -> str:
        """Viterbi over candidate accented forms, scored by bigram then unigram counts."""
        toks = syllables(query)
        if not toks:
            return query
        cands = [list(self.unigrams.get(fold(t), {t: 1}).items()) for t in toks]
        best = [{c: (math.log(n + 1), [c]) for c, n in cands[0]}]
        for i in range(1, len(toks)):
            layer = {}
            for c, n in cands[i]:
                score, path = max(
                    ((s + 3.0 * math.log(self.bigrams.get(f"{p} {c}", 0) + 1) + math.log(n + 1), pth)
                     for p, (s, pth) in best[-1].items()), key=lambda x: x[0])
                layer[c] = (score, path + [c])
            best.append(layer)
        return " ".join(max(best[-1].values(), key=lambda x: x[0])[1])
