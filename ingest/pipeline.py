"""corpus/ -> docs.jsonl: read, clean, parse the clause tree, attach metadata and task fields, segment.

Incremental: a file whose content hash (and parser version) is unchanged is not reprocessed. A file
that fails keeps its last good version, if any, and is reported; other files are still processed."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import atomic, corrections, metadata, tasks
from .readers import SUPPORTED, IngestError, read_document
from .segment import segment, strip_marker
from .structure import Node, parse

PARSER_VERSION = 5  # bump when parsing output changes, so cached documents are re-parsed
SKIP = {metadata.METADATA_FILE, corrections.FILE, "README.md", "readme.md"}


@dataclass
class IngestReport:
    processed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _heading(node: Node) -> str:
    """The clause's first sentence (its marker kept), shortened: what a breadcrumb or answer shows."""
    t = node.text
    body = strip_marker(t)
    marker = t[:len(t) - len(body)]
    first = marker + body.split(". ")[0] if len(t) > 120 else t
    return first if len(first) <= 160 else first[:157] + "…"


def _clause_record(doc_id: str, node: Node) -> dict:
    crumbs = []
    p = node.parent
    while p is not None and p.kind != "root":
        crumbs.append(_heading(p))
        p = p.parent
    crumbs.reverse()
    text = node.text
    # What is embedded and matched: the clause, its governing notes, and its parent heading
    # (a bullet alone often lacks the subject its heading gives it).
    context = crumbs[-1] if crumbs else ""
    search_text = " ".join(x for x in (context, text, " ".join(node.notes)) if x)
    starts = [l.start for l in node.lines]
    ends = [l.end for l in node.lines]
    return {
        "clause_id": f"{doc_id}:{node.path}",
        "path": node.path,
        "kind": node.kind,
        "citation_path": node.citation_path,
        "label": node.label,
        "parent": f"{doc_id}:{node.parent.path}" if node.parent is not None and node.parent.kind != "root" else None,
        "depth": node.path.count(".") + node.path.count("-"),
        "heading": _heading(node),
        "breadcrumb": crumbs,
        "text": text,
        "notes": node.notes,
        "search_text": search_text,
        "span": [min(starts), max(ends)] if starts else None,
        "fields": node.fields,
        "segmented": segment(text),
    }


def ingest_file(path: Path, doc_id: str, source: str, curated: dict | None) -> dict:
    raw = read_document(path)
    parsed = parse(raw.text)
    if not parsed.clauses:
        raise IngestError(path, "no clauses found (no paragraphs or numbered sections after the header)", "no_clauses")
    body_text = " ".join(n.text for n in parsed.clauses)
    meta = metadata.merge(curated, metadata.from_header(parsed, body_text))
    if not curated:
        meta["truncated"] = parsed.truncated
    clauses = [_clause_record(doc_id, n) for n in parsed.clauses]
    return {
        "doc_id": doc_id,
        "source": source,
        "sha256": file_hash(path),
        "parser_version": PARSER_VERSION,
        "meta": meta,
        "header": [l.text for l in parsed.header],
        "recipients": parsed.recipients,
        "signature": parsed.signature,
        "warnings": raw.warnings,
        "clauses": clauses,
        "tasks": tasks.registry(doc_id, clauses, meta),  # the assignment table (ingest.tasks.registry)
    }


def list_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in Path(corpus_dir).rglob("*") if p.is_file() and p.name not in SKIP
                  and not p.name.startswith("."))


def ingest_corpus(corpus_dir: Path, out_path: Path, root: Path | None = None,
                  progress: Callable[[str, int, int], None] | None = None) -> tuple[list[dict], IngestReport]:
    corpus_dir, out_path = Path(corpus_dir), Path(out_path)
    root = Path(root) if root else corpus_dir.parent
    curated = metadata.load_curated(corpus_dir)
    corrected = corrections.load(corpus_dir)
    previous = {d["source"]: d for d in atomic.read_jsonl(out_path)} if out_path.exists() else {}
    report = IngestReport()
    docs: list[dict] = []
    files = list_files(corpus_dir)
    for i, path in enumerate(files):
        source = os.path.relpath(path, root) if path.resolve().is_relative_to(root.resolve()) else str(path)
        doc_id = path.stem
        if progress:
            progress(source, i, len(files))
        old = previous.get(source)
        try:
            if path.suffix.lower() not in SUPPORTED:
                raise IngestError(path, f"unsupported file type '{path.suffix or '(none)'}'; "
                                        f"supported: {', '.join(sorted(SUPPORTED))}", "unsupported")
            h = file_hash(path)
            if old and old["sha256"] == h and old.get("parser_version") == PARSER_VERSION \
                    and old["meta"].get("metadata_source") == ("curated" if path.name in curated else "header") \
                    and (path.name not in curated or _same_meta(old["meta"], curated[path.name])) \
                    and old["meta"].get("corrections") == corrected.get(path.name):
                docs.append(old)
                report.reused.append(source)
                continue
            doc = ingest_file(path, doc_id, source, curated.get(path.name))
            doc["meta"] = corrections.apply(doc["meta"], corrected.get(path.name))
            docs.append(doc)
            report.processed.append(source)
            report.warnings.extend(doc["warnings"])
        except IngestError as e:
            report.errors.append(e)
            if old:  # keep the last good version rather than dropping the document
                docs.append(old)
                report.warnings.append(f"{source}: kept the previously ingested version")
    seen = {d["source"] for d in docs}
    report.removed = sorted(set(previous) - seen)
    ids = [d["doc_id"] for d in docs]
    dup = {x for x in ids if ids.count(x) > 1}
    if dup:
        raise IngestError(corpus_dir, f"two files share a document id (file name without extension): {sorted(dup)}",
                          "duplicate")
    atomic.write_jsonl(out_path, docs)
    return docs, report


def _same_meta(stored: dict, curated: dict) -> bool:
    return all(stored.get(k) == v for k, v in curated.items())


def load_docs(path: Path) -> list[dict]:
    return atomic.read_jsonl(path)
