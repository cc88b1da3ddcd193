"""Validate an uploaded document before it may enter the corpus: readable, parseable, not a duplicate."""
from __future__ import annotations

from pathlib import Path

from ingest.pipeline import file_hash, ingest_file, list_files
from ingest.readers import IngestError


def check_upload(path: Path, corpus_dir: Path) -> IngestError | None:
    """None if `path` can be added to `corpus_dir`; otherwise the problem (str() names the file)."""
    path, corpus_dir = Path(path), Path(corpus_dir)
    if (corpus_dir / path.name).exists() or any(p.stem == path.stem for p in list_files(corpus_dir)):
        return IngestError(path.name, "a document with this name is already in the corpus", "name_taken")
    h = file_hash(path)
    for other in list_files(corpus_dir):
        if file_hash(other) == h:
            return IngestError(path.name, f"same content as {other.name}, already in the corpus", "duplicate")
    try:
        ingest_file(path, path.stem, path.name, None)
    except IngestError as e:
        return IngestError(path.name, e.reason, e.code)
    return None
