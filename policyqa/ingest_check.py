"""Validate an uploaded document before it may enter the corpus: readable, parseable, not a duplicate."""
from __future__ import annotations

from pathlib import Path

from ingest.pipeline import file_hash, ingest_file, list_files
from ingest.readers import IngestError


def check_upload(path: Path, corpus_dir: Path) -> str | None:
    """None if `path` can be added to `corpus_dir`; otherwise a message naming the file and the problem."""
    path, corpus_dir = Path(path), Path(corpus_dir)
    if (corpus_dir / path.name).exists():
        return f"{path.name}: a document with this file name is already in the corpus"
    h = file_hash(path)
    for other in list_files(corpus_dir):
        if file_hash(other) == h:
            return f"{path.name}: same content as {other.name}, already in the corpus"
    try:
        ingest_file(path, path.stem, path.name, None)
    except IngestError as e:
        return f"{path.name}: {e.reason}"
    return None
