"""How a list of hits is shown: grouped by document, or ordered by the document's date."""
from __future__ import annotations


def by_document(hits: list[dict]) -> list[tuple[str, list[dict]]]:
    """[(doc_id, hits)] in the order of each document's best hit."""
    groups: dict[str, list[dict]] = {}
    for h in hits:
        groups.setdefault(h["doc_id"], []).append(h)
    return list(groups.items())


def by_date(hits: list[dict], newest_first: bool = True) -> list[dict]:
    """Hits ordered by their document's date (relevance within a date); undated documents last, not dropped."""
    dated = [h for h in hits if h["doc"].get("date")]
    undated = [h for h in hits if not h["doc"].get("date")]
    dated.sort(key=lambda h: h["doc"]["date"], reverse=newest_first)  # stable: rank order kept within a date
    return dated + undated
