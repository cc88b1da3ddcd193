"""Labelled query sets.

Our format (eval/README.md): a folder with queries.jsonl and qrels.jsonl, where a qrel names a
document and a distinctive span of the relevant clause's text; spans are resolved to clause ids at
evaluation time, so labels survive re-chunking. Also read: BEIR folders (corpus.jsonl, queries.jsonl,
qrels/<split>.tsv) and the ALQAC benchmark (law.json, questions.json)."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import fold, normalize


@dataclass
class Dataset:
    name: str
    queries: dict[str, dict]  # id -> {"query", "type", ...}
    qrels: dict[str, dict[str, int]]  # query id -> {doc/clause id: relevance}
    corpus: list[dict] | None = None  # external sets: [{"id", "text"}]; None = the project's own index
    problems: list[str] = field(default_factory=list)  # labels that could not be resolved


def _read_jsonl(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: invalid JSON ({e.msg})") from None
    return out


def _key(text: str) -> str:
    return " ".join(fold(normalize(text)).split())


def resolve_doc(spec: str, doc_ids: list[str]) -> str | None:
    """A qrel's "doc" may be a full document id or a unique prefix of one ("004")."""
    if spec in doc_ids:
        return spec
    hits = [d for d in doc_ids if d.startswith(spec)]
    return hits[0] if len(hits) == 1 else None


def resolve_span(rows: list[dict], doc_id: str, span: str) -> str | None:
    """The smallest clause of `doc_id` whose text contains `span` (compared without diacritics)."""
    k = _key(span)
    cands = [r for r in rows if r["doc_id"] == doc_id and k in _key(r["text"])]
    return min(cands, key=lambda r: len(r["text"]))["clause_id"] if cands else None


def load_project(folder: Path, rows: list[dict]) -> Dataset:
    folder = Path(folder)
    qs = _read_jsonl(folder / "queries.jsonl")
    queries = {q["id"]: q for q in qs}
    qrels: dict[str, dict[str, int]] = {}
    problems = []
    doc_ids = sorted({r["doc_id"] for r in rows})
    for rel in _read_jsonl(folder / "qrels.jsonl"):
        qid = rel["query_id"]
        if qid not in queries:
            problems.append(f"qrel for unknown query {qid}")
            continue
        did = resolve_doc(rel["doc"], doc_ids)
        cid = resolve_span(rows, did, rel["span"]) if did else None
        if cid is None:
            problems.append(f"{qid}: span not found in {rel['doc']}: {rel['span'][:60]!r}")
            continue
        qrels.setdefault(qid, {})[cid] = max(int(rel.get("relevance", 1)), qrels.get(qid, {}).get(cid, 0))
    return Dataset(folder.name, queries, qrels, None, problems)


def load_beir(folder: Path, split: str = "test") -> Dataset:
    folder = Path(folder)
    corpus = [{"id": str(d["_id"]), "text": " ".join(x for x in (d.get("title"), d.get("text")) if x)}
              for d in _read_jsonl(folder / "corpus.jsonl")]
    queries = {str(q["_id"]): {"id": str(q["_id"]), "query": q["text"], "type": "beir"}
               for q in _read_jsonl(folder / "queries.jsonl")}
    qpath = folder / "qrels" / f"{split}.tsv"
    if not qpath.exists():
        cands = sorted((folder / "qrels").glob("*.tsv"))
        if not cands:
            raise ValueError(f"{folder}: no qrels/*.tsv")
        qpath = cands[0]
    qrels: dict[str, dict[str, int]] = {}
    with open(qpath, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            qrels.setdefault(str(row["query-id"]), {})[str(row["corpus-id"])] = int(row["score"])
    queries = {k: v for k, v in queries.items() if k in qrels}
    return Dataset(folder.name, queries, qrels, corpus)


def load_alqac(folder: Path) -> Dataset:
    folder = Path(folder)
    laws = json.loads((folder / "law.json").read_text(encoding="utf-8"))
    corpus = [{"id": f"{law['id']}::{a['id']}", "text": a["text"]} for law in laws for a in law["articles"]]
    queries, qrels = {}, {}
    for q in json.loads((folder / "questions.json").read_text(encoding="utf-8")):
        qid = q["question_id"]
        queries[qid] = {"id": qid, "query": q["text"], "type": q.get("question_type", "")}
        # a gold article missing from law.json stays in the qrels: it counts as a miss, as the README asks
        qrels[qid] = {f"{a['law_id']}::{a['article_id']}": 1 for a in q["relevant_articles"]}
    return Dataset("alqac", queries, qrels, corpus)


def is_project_dataset(folder: Path) -> bool:
    return (Path(folder) / "qrels.jsonl").exists()
