"""From a docs.jsonl record to the rows the database holds: clause rows (as the files backend's clauses.jsonl),
their BM25 token counts over the accented and the diacritic-free text, tasks and references.

Computed in Python, outside the write transaction (tokenising is the slow part), with the same tokenizer and the
same clause rows as the files backend, so both rank the same clauses the same way."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from index.build import clause_rows
from index.lexical import tokenize
from index.manifest import docs_digest
from ingest.clean import fold, syllables


@dataclass
class ClauseRow:
    clause_id: str
    ord: int
    record: dict
    text_key: str
    ntok: int
    toks: list[str]
    tfs: list[int]
    ftoks: list[str]
    ftfs: list[int]


@dataclass
class DocRows:
    doc_id: str
    source: str
    sha256: str | None
    digest: str
    meta: dict
    record: dict
    clauses: list[ClauseRow]
    tasks: list[dict]
    references: list[dict]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None  # a date the metadata could not normalise is kept in the record, not filtered on


def _counts(tokens: list[str]) -> tuple[list[str], list[int]]:
    c = Counter(tokens)
    return list(c), list(c.values())


def task_records(doc: dict) -> list[dict]:
    """The document's task registry, as ingestion built it (ingest.tasks.registry)."""
    return list(doc.get("tasks") or [])


def reference_records(meta: dict) -> list[dict]:
    """Structured references when the metadata has them ("references"), else the numbers it implements."""
    refs = meta.get("references")
    if isinstance(refs, list) and refs:
        return [r if isinstance(r, dict) else {"number": str(r)} for r in refs]
    return [{"number": n, "relation": "implements"} for n in (meta.get("implements") or [])]


@lru_cache(maxsize=200_000)
def _fold(syllable: str) -> str:
    return fold(syllable)


def token_pair(text: str, scheme: str, segmented: str | None = None) -> tuple[list[str], list[str]]:
    """index.lexical.tokenize(text) and tokenize(text, folded=True), normalising the text once: for the default
    scheme the folded tokens are the accented syllables folded (cached per syllable), plus their bigrams."""
    if scheme != "syllable+bigram":
        return tokenize(text, scheme, segmented=segmented), tokenize(text, scheme, folded=True, segmented=segmented)
    syl = syllables(text)
    fsyl = [_fold(x) for x in syl]
    return (syl + [f"{a}_{b}" for a, b in zip(syl, syl[1:])], fsyl + [f"{a}_{b}" for a, b in zip(fsyl, fsyl[1:])])


def doc_rows(doc: dict, scheme: str) -> DocRows:
    rows = clause_rows([doc])
    clauses = []
    for i, r in enumerate(rows):
        toks, ftoks = token_pair(r["search_text"], scheme, r.get("segmented") or None)
        # bm25s indexes an empty clause as the single token "" (length 1); the same length keeps avgdl equal
        ntok = max(len(toks), 1)
        t, tf = _counts(toks or [""])
        ft, ftf = _counts(ftoks or [""])
        clauses.append(ClauseRow(r["clause_id"], i, r, text_key(r["search_text"]), ntok, t, tf, ft, ftf))
    record = {k: v for k, v in doc.items() if k != "clauses"}
    return DocRows(doc["doc_id"], doc["source"], doc.get("sha256"), docs_digest([doc]), doc.get("meta") or {},
                   record, clauses, task_records(doc), reference_records(doc.get("meta") or {}))
