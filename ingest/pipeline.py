"""corpus/ -> docs.jsonl: read, clean, parse the clause tree, attach metadata and task fields.

Incremental: a file whose content hash (and parser version) is unchanged is not reprocessed. A file
that fails keeps its last good version, if any, and is reported; other files are still processed."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import atomic, corrections, limits, metadata, tasks
from .document import understand
from .readers import MAX_BYTES, SUPPORTED, IngestError
from .segment import strip_marker
from .structure import Node

PARSER_VERSION = 7  # bump when parsing output changes, so cached documents are re-parsed
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


def _clause_records(doc_id: str, node: Node, parts: list[str]) -> list[dict]:
    """The clause's record, or one record per part when limits.split_text had to split a long paragraph."""
    rec = _clause_record(doc_id, node, parts[0] if len(parts) > 1 else None)
    if len(parts) == 1:
        return [rec]
    out = [rec]
    for n, text in enumerate(parts[1:], 2):
        path = limits.part_path(node.path, n)
        context = rec["breadcrumb"][-1] if rec["breadcrumb"] else ""
        # the task fields stay on the first part only: one clause is one task in the registry
        out.append({**rec, "clause_id": f"{doc_id}:{path}", "path": path, "label": f"{node.label} ({n})",
                    "citation_path": f"{node.citation_path} (phần {n})" if node.citation_path else "",
                    "heading": _short(text), "text": text, "fields": {},
                    "search_text": " ".join(x for x in (context, text, " ".join(node.notes)) if x)})
    return out


def _short(t: str) -> str:
    return t if len(t) <= 160 else t[:157] + "…"


def _clause_record(doc_id: str, node: Node, text: str | None = None) -> dict:
    crumbs = []
    p = node.parent
    while p is not None and p.kind != "root":
        crumbs.append(_heading(p))
        p = p.parent
    crumbs.reverse()
    text = node.text if text is None else text
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
        "heading": _heading(node) if text == node.text else _short(text),
        "breadcrumb": crumbs,
        "text": text,
        "notes": node.notes,
        "search_text": search_text,
        "span": [min(starts), max(ends)] if starts else None,
        "fields": node.fields,
    }


def ingest_file(path: Path, doc_id: str, source: str, curated: dict | None) -> dict:
    doc = understand(path)
    parsed = doc.parsed
    if not parsed.clauses:
        raise IngestError(path, "no clauses found (no paragraphs or numbered sections after the header)", "no_clauses")
    parts = [limits.split_text(n.text) for n in parsed.clauses]
    try:  # before segmenting or embedding anything
        limits.check_clause_count(sum(len(p) for p in parts))
    except limits.TooManyClauses as e:
        raise IngestError(path, str(e), "too_many_clauses") from None
    warnings = list(doc.warnings)
    long = [n.path for n, p in zip(parsed.clauses, parts) if len(p) > 1]
    if long:
        warnings.append(f"{path}: {len(long)} clause(s) longer than {limits.MAX_CLAUSE_CHARS:,} characters split "
                        f"into parts ({', '.join(long[:5])}{', …' if len(long) > 5 else ''})")
    meta = metadata.merge(curated, dict(doc.meta))
    clauses = [r for n, p in zip(parsed.clauses, parts) for r in _clause_records(doc_id, n, p)]
    return {
        "doc_id": doc_id,
        "source": source,
        "sha256": file_hash(path),
        "parser_version": PARSER_VERSION,
        "meta": meta,
        "header": [l.text for l in parsed.header],
        "recipients": parsed.recipients,
        "signature": parsed.signature,
        "warnings": warnings,
        "clauses": clauses,
        "tasks": tasks.registry(doc_id, clauses, meta),  # the assignment table (ingest.tasks.registry)
    }


def scan_corpus(corpus_dir: Path) -> tuple[list[Path], list[IngestError]]:
    """The documents of corpus/: regular files inside it only. A symbolic link (to a file inside or outside
    corpus/, or to a folder) and a special file (named pipe, socket, device) are refused with the reason, never
    followed or opened: a link could publish any file the server can read, and a pipe would block the build.
    Hidden files, metadata.json and READMEs are not documents and are passed over silently."""
    corpus_dir = Path(corpus_dir)
    files, refused = [], []
    for dirpath, dirnames, filenames in os.walk(corpus_dir, followlinks=False):
        base = Path(dirpath)
        for d in list(dirnames):
            if d.startswith("."):
                dirnames.remove(d)
            elif (base / d).is_symlink():
                dirnames.remove(d)
                refused.append(_not_regular(base / d, corpus_dir))
        for name in filenames:
            p = base / name
            if name in SKIP or name.startswith("."):
                continue
            mode = os.lstat(p).st_mode
            if stat.S_ISREG(mode):
                files.append(p)
            else:
                refused.append(_not_regular(p, corpus_dir))
    return sorted(files), sorted(refused, key=lambda e: e.path)


def _not_regular(p: Path, corpus_dir: Path) -> IngestError:
    if p.is_symlink():
        target = os.readlink(p)
        where = "outside" if not Path(os.path.realpath(p)).is_relative_to(Path(corpus_dir).resolve()) else "inside"
        return IngestError(p, f"symbolic link to {target} ({where} corpus/); only regular files in corpus/ are "
                              "read — copy the document in instead of linking it", "symlink")
    mode = os.lstat(p).st_mode
    kind = ("named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else
            "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
    return IngestError(p, f"not a regular file ({kind}); only regular files in corpus/ are read", "not_regular")


def list_files(corpus_dir: Path) -> list[Path]:
    return scan_corpus(corpus_dir)[0]


def _keepers(files: list[Path], sources: dict[Path, str], previous: dict[str, dict]) -> tuple[dict, dict]:
    """({content hash: the one file indexed with that content}, {file: hash}). The keeper is the file indexed
    with it before, else the first by name: the same text under two names is one document, the others are
    reported as duplicates."""
    hashes = {p: file_hash(p) for p in files if p.suffix.lower() in SUPPORTED and 0 < p.stat().st_size <= MAX_BYTES}
    groups: dict[str, list[Path]] = {}
    for p, h in hashes.items():
        groups.setdefault(h, []).append(p)
    out = {}
    for h, ps in groups.items():
        before = [p for p in ps if (previous.get(sources[p]) or {}).get("sha256") == h]
        out[h] = sources[(before or ps)[0]]
    return out, hashes


def assign_ids(files: list[Path], sources: dict[Path, str], previous: dict[str, dict],
               reserved: set[str] = frozenset()) -> dict[Path, str]:
    """A document id per file, unique by construction. The id is the file name without its extension;
    a file ingested before keeps its id; a new file whose stem is taken ("x.md" next to "x.txt", or the same
    name in two sub-folders) gets "<stem>_<ext>" (then "_2", "_3", …), so no build can fail on a collision."""
    ids: dict[Path, str] = {}
    taken: set[str] = set(reserved)
    for p in files:  # ids already given keep them (first come, in name order)
        old = previous.get(sources[p])
        if old and old["doc_id"] not in taken:
            ids[p] = old["doc_id"]
            taken.add(old["doc_id"])
    stems = [p.stem for p in files]
    for p in files:
        if p in ids:
            continue
        ext = p.suffix.lower().lstrip(".") or "file"
        cands = [p.stem] if stems.count(p.stem) == 1 and p.stem not in taken else []
        cands += [f"{p.stem}_{ext}"] + [f"{p.stem}_{ext}_{n}" for n in range(2, len(files) + 2)]
        ids[p] = next(c for c in cands if c not in taken)
        taken.add(ids[p])
    return ids


PARALLEL_MIN_FILES = 8  # below this, starting worker processes costs more than it saves


def _ingest_one(args: tuple) -> dict | tuple[str, str, str] | None:
    """ingest_file in a worker process; an IngestError comes back as (path, reason, code) (it does not pickle),
    a file removed meanwhile as None."""
    try:
        return ingest_file(*args)
    except IngestError as e:
        return (e.path, e.reason, e.code)
    except FileNotFoundError:
        return None


def _pool_context():
    """fork from a single-threaded process (the CLI): workers inherit the loaded parser. A threaded one (the app's
    and the service's servers) must not fork (a lock held by another thread stays locked in the child), so its
    workers come from a fork server: a fresh single-threaded process that imports the parser once."""
    import multiprocessing
    import threading

    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def _run_all(jobs: list[tuple], workers: int, done: Callable[[int], None]) -> list:
    """ingest_file over `jobs`, in file order; in `workers` processes when it pays."""
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=_pool_context()) as ex:
            out = []
            for r in ex.map(_ingest_one, jobs, chunksize=1):
                out.append(r)
                done(len(out))
            return out
    out = []
    for j in jobs:
        out.append(_ingest_one(j))
        done(len(out))
    return out


def ingest_corpus(corpus_dir: Path, out_path: Path, root: Path | None = None,
                  progress: Callable[[str, int, int], None] | None = None,
                  workers: int | None = None) -> tuple[list[dict], IngestReport]:
    """Standalone ingestion into a JSONL file (previous results read from it). `policyqa build` uses
    ingest_docs instead: its output is published together with the index, never written on its own."""
    out_path = Path(out_path)
    previous = load_docs(out_path) if out_path.exists() else []
    docs, report = ingest_docs(corpus_dir, previous, root, progress, workers)
    atomic.write_jsonl(out_path, docs)
    return docs, report


def ingest_docs(corpus_dir: Path, previous: list[dict], root: Path | None = None,
                progress: Callable[[str, int, int], None] | None = None,
                workers: int | None = None) -> tuple[list[dict], IngestReport]:
    """corpus/ -> document records, reusing `previous` records of unchanged files; writes nothing.
    progress(source, done, total) after each file; workers: processes for changed files (default: CPUs)."""
    corpus_dir = Path(corpus_dir)
    root = Path(root) if root else corpus_dir.parent
    previous = {d["source"]: d for d in previous}
    report = IngestReport()
    try:
        corrected = corrections.load(corpus_dir)
    except ValueError as e:  # malformed corrections.json: reported; the corrections applied before are kept
        report.errors.append(IngestError(corpus_dir / corrections.FILE, f"{e}; the corrections it gave before "
                                         "are kept", "bad_metadata"))
        corrected = {Path(d["source"]).name: d["meta"]["corrections"] for d in previous.values()
                     if d["meta"].get("corrections")}
    try:
        curated = metadata.load_curated(corpus_dir)
    except ValueError as e:  # malformed metadata.json: reported; documents curated before keep their metadata
        report.errors.append(IngestError(corpus_dir / metadata.METADATA_FILE, f"{e}; the metadata it gave before "
                                         "is kept", "bad_metadata"))
        curated = {Path(d["source"]).name: d["meta"] for d in previous.values()
                   if d["meta"].get("metadata_source") == "curated"}
    kept: list[dict] = []
    files, refused = scan_corpus(corpus_dir)
    sources = {p: os.path.relpath(p, root) if p.resolve().is_relative_to(root.resolve()) else str(p) for p in files}
    for e in refused:
        report.errors.append(e)
        source = os.path.relpath(e.path, root) if Path(e.path).absolute().is_relative_to(root.absolute()) else e.path
        if source in previous:  # a document that became a link keeps its last good (regular-file) version
            kept.append(previous[source])
            report.warnings.append(f"{source}: kept the previously ingested version")
    ids = assign_ids(files, sources, previous, reserved={d["doc_id"] for d in kept})
    keeper, hashes = _keepers(files, sources, previous)
    # First pass: what can be reused or refused at once; the rest is parsed (in parallel when many).
    outcome: list = [None] * len(files)  # per file: ("reuse", doc) | ("error", IngestError) | ("todo", job)
    for i, path in enumerate(files):
        source = sources[path]
        doc_id = ids[path]
        old = previous.get(source)
        try:
            if path.suffix.lower() not in SUPPORTED:
                raise IngestError(path, f"unsupported file type '{path.suffix or '(none)'}'; "
                                        f"supported: {', '.join(sorted(SUPPORTED))}", "unsupported")
            h = hashes.get(path) or file_hash(path)
            if keeper.get(h, source) != source:
                raise IngestError(path, f"same content as {keeper[h]} (indexed once, under that name)", "duplicate")
        except IngestError as e:
            outcome[i] = ("error", e)
            continue
        except FileNotFoundError:  # removed while this build runs: treated as removed
            outcome[i] = ("gone", None)
            continue
        if old and old["doc_id"] == doc_id and old["sha256"] == h and old.get("parser_version") == PARSER_VERSION \
                and old["meta"].get("metadata_source") == ("curated" if path.name in curated else "header") \
                and (path.name not in curated or _same_meta(old["meta"], curated[path.name])) \
                and old["meta"].get("corrections") == corrected.get(path.name):
            outcome[i] = ("reuse", old)
        else:
            outcome[i] = ("todo", (path, doc_id, source, curated.get(path.name)))
    todo = [i for i, o in enumerate(outcome) if o[0] == "todo"]
    n_ready = len(files) - len(todo)

    def done(k: int) -> None:
        if progress:
            progress(sources[files[todo[k - 1]]], n_ready + k, len(files))

    if progress and files:
        progress(sources[files[0]], n_ready, len(files))
    results = _run_all([outcome[i][1] for i in todo], workers or os.cpu_count() or 1, done)
    for i, r in zip(todo, results):
        outcome[i] = ("gone", None) if r is None else ("error", IngestError(*r)) if isinstance(r, tuple) else ("new", r)

    docs: list[dict] = kept
    for path, (kind, x) in zip(files, outcome):
        source = sources[path]
        if kind == "reuse":
            docs.append(x)
            report.reused.append(source)
        elif kind == "gone":
            continue
        elif kind == "new":
            x["meta"] = corrections.apply(x["meta"], corrected.get(path.name))  # an editor's corrections win
            docs.append(x)
            report.processed.append(source)
            report.warnings.extend(x["warnings"])
        else:
            report.errors.append(x)
            if source in previous and x.code != "duplicate":  # keep the last good version, not drop the document
                docs.append(previous[source])
                report.warnings.append(f"{source}: kept the previously ingested version")
    seen = {d["source"] for d in docs}
    report.removed = sorted(set(previous) - seen)
    return docs, report


def _same_meta(stored: dict, curated: dict) -> bool:
    return all(stored.get(k) == v for k, v in curated.items())


def load_docs(path: Path) -> list[dict]:
    """Document records with their clauses: from a JSONL file, or from a published generation's docs.jsonl
    (whose clauses are stored as columns beside it)."""
    path = Path(path)
    if (path.parent / "clauses.arrow").exists():
        from index.files_backend import FilesBackend

        return FilesBackend.open_folder(path.parent).all_docs()
    return atomic.read_jsonl(path)
