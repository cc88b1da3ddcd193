"""What `docs --json`, GET /documents, GET /documents/{id} and GET /clauses/{id} show of a document or a clause:
one serialisation, so the CLI and the service cannot drift apart."""
from __future__ import annotations

from . import citation

CLAUSE_FIELDS = ("clause_id", "path", "citation_path", "kind", "label", "parent", "heading", "breadcrumb", "text",
                 "notes", "span")


def summary(d: dict) -> dict:
    """A row of `docs --json`: {"doc_id", "source", "clauses", **metadata}."""
    return {"doc_id": d["doc_id"], "source": d["source"], "clauses": len(d["clauses"]), **d["meta"]}


def clause(d: dict, c: dict) -> dict:
    """A clause as shown on its own: its text, place in the document, citation and task fields."""
    return {**{k: c.get(k) for k in CLAUSE_FIELDS}, "doc_id": d["doc_id"], "source": d["source"],
            "citation": citation.citation(d["meta"], c["path"], c.get("citation_path")),
            "fields": {k: v["value"] for k, v in c["fields"].items()}}


def detail(d: dict) -> dict:
    """A whole document: {"document": its summary, "header", "recipients", "signature", "warnings", "clauses"}."""
    return {"document": summary(d), "header": d.get("header", []), "recipients": d.get("recipients", []),
            "signature": d.get("signature", []), "warnings": d.get("warnings", []),
            "clauses": [clause(d, c) for c in d["clauses"]]}
