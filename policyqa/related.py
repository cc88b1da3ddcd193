"""Which documents a document implements or is based on, and which documents of the corpus implement it:
the links a viewer shows ("Căn cứ / thực hiện" and "Văn bản thực hiện văn bản này").

A document's references are its metadata's `references` (records with a `number`, from the header reader) and
`implements` (numbers); numbers are compared without case, diacritics and separators ("62-KL/TW" = "62/KL-TW")."""
from __future__ import annotations

import re

from ingest.clean import fold


def number_key(number: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(number).lower())


def references(meta: dict) -> list[dict]:
    """[{"number", "relation", "text"}] — what the document says it implements or is based on, in its order."""
    out: dict[str, dict] = {}
    for r in meta.get("references") or []:
        rec = r if isinstance(r, dict) else {"number": str(r)}
        if rec.get("number"):
            out.setdefault(number_key(rec["number"]), {"number": rec["number"], "relation": rec.get("relation"),
                                                       "text": rec.get("text") or rec.get("title")})
    for n in meta.get("implements") or []:
        out.setdefault(number_key(n), {"number": n, "relation": "implements", "text": None})
    return list(out.values())


def by_number(docs: dict[str, dict]) -> dict[str, str]:
    """number key -> doc_id, for the documents of the corpus that have a number."""
    return {number_key(d["meta"]["number"]): did for did, d in docs.items() if d["meta"].get("number")}


def related(docs: dict[str, dict], doc_id: str) -> dict:
    """{"based_on": [{"number", "relation", "text", "doc_id"|None}], "implemented_by": [doc_id, …]}."""
    own = docs[doc_id]["meta"]
    numbers = by_number(docs)
    based = [{**r, "doc_id": numbers.get(number_key(r["number"]))} for r in references(own)]
    based = [b for b in based if b["doc_id"] != doc_id]
    key = number_key(own["number"]) if own.get("number") else None
    implemented_by = [did for did, d in docs.items()
                      if did != doc_id and key and key in {number_key(r["number"]) for r in references(d["meta"])}]
    return {"based_on": based, "implemented_by": implemented_by}


def implementing(docs: dict[str, dict], number: str) -> list[dict]:
    """Documents of the corpus that implement or cite `number`, grouped by province and level:
    [{"province", "level", "doc_ids": […]}], provinces in alphabetical order (unknown last)."""
    key = number_key(number)
    groups: dict[tuple, list[str]] = {}
    for did, d in docs.items():
        if key in {number_key(r["number"]) for r in references(d["meta"])}:
            m = d["meta"]
            groups.setdefault((m.get("province"), m.get("level")), []).append(did)
    order = sorted(groups, key=lambda g: (g[0] is None, fold(g[0] or ""), g[1] or ""))
    return [{"province": p, "level": lv, "doc_ids": sorted(groups[(p, lv)], key=lambda i: docs[i]["meta"].get("date") or "")}
            for p, lv in order]
