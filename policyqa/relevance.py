"""Is there a good match at all? A search always returns its nearest clauses; this says whether any of them
is about the query, so the app can say "Không có kết quả phù hợp" instead of listing unrelated clauses.

Two signals over the top hits: the IDF-weighted coverage of the query's content words (overlap.Coverage, the
measure ask and compare use) and the dense cosine. A query matches when either is high enough: coverage
catches worded queries, the cosine catches paraphrases that share few words.

Thresholds tuned with `python scripts/relevance_rule.py` (2026-11-23) on one half of the labelled set
(eval/queries.jsonl queries with a relevant clause vs. eval/nomatch.jsonl queries about nothing in the corpus)
and checked on the other half; the script prints the figures (docs/notes/app-ui.md keeps them)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COVERAGE_MIN = 0.23
DENSE_MIN = 0.87
TOP = 10  # hits looked at


@dataclass(frozen=True)
class Match:
    coverage: float  # best coverage of the query's content words among the top hits
    dense: float  # best cosine among the top hits
    good: bool


def signals(engine, query: str, clause_ids: list[str], drop: tuple[str, ...] = ()) -> tuple[float, float]:
    """(best coverage, best cosine) of `query` over the given clauses (the top hits of a search)."""
    rows = [engine.row_of[c] for c in clause_ids[:TOP] if c in engine.row_of]
    if not rows:
        return 0.0, 0.0
    cov = max(engine.coverage(query, engine.rows[i]["search_text"], drop) for i in rows)
    from .search import query_vector  # late: search imports the engine

    qv = query_vector(engine, query)
    dense = float(np.max(engine.index.embeddings[rows] @ qv))
    return round(cov, 4), round(dense, 4)


def decide(coverage: float, dense: float, coverage_min: float = COVERAGE_MIN, dense_min: float = DENSE_MIN) -> bool:
    return coverage >= coverage_min or dense >= dense_min


def assess(engine, query: str, hits: list[dict], place: str | None = None) -> Match:
    """Whether the hits of `query` (search or ask hits) hold a good match; `place` is a province the search
    narrowed to (its name is not content to be matched)."""
    cov, dense = signals(engine, query, [h["clause_id"] for h in hits], (place,) if place else ())
    return Match(cov, dense, decide(cov, dense))
