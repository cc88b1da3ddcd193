"""How much of a question's content a clause contains, weighting rare words (IDF) above common ones:
"nhân tài" or "cổ phần" must be present; "đơn vị sự nghiệp" is in every clause of these plans.
Compared with diacritics when the question has them ("cổ phần" is not "có phân"), without otherwise."""
from __future__ import annotations

import math
from collections import Counter

from ingest.clean import fold, syllables


def units(text: str, folded: bool) -> list[str]:
    syl = syllables(text)
    return [fold(s) for s in syl] if folded else syl


class Coverage:
    def __init__(self, texts: list[str], folded: bool):
        self.folded = folded
        df: Counter = Counter()
        for t in texts:
            df.update(set(units(t, folded)))
        n = len(texts)
        self.idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self.unseen = math.log((n + 1) / 0.5)

    def __call__(self, terms: list[str | None], text: str) -> float:
        """IDF-weighted share of `terms` present in `text`, counting pairs of terms adjacent in the question
        too ("nhân tài" is not "nhân dân" + "tài chính"); None in `terms` marks a dropped word (no pair
        across it). Terms unknown to the corpus weigh most: a question about something no document
        mentions is not supported."""
        words = [t for t in terms if t]
        if not words:
            return 0.0
        syl = units(text, self.folded)
        have1, have2 = set(syl), set(zip(syl, syl[1:]))
        idf = lambda t: self.idf.get(t, self.unseen)  # noqa: E731
        pairs = [(a, b) for a, b in zip(terms, terms[1:]) if a and b]
        scored = [(idf(t), t in have1) for t in dict.fromkeys(words)]
        scored += [(idf(a) + idf(b), (a, b) in have2) for a, b in dict.fromkeys(pairs)]
        total = sum(w for w, _ in scored)
        return sum(w for w, ok in scored if ok) / total if total else 0.0
