"""Metadata corrections made by an editor (the app's "Thêm văn bản" review): corpus/corrections.json maps a file
name to the fields the editor set. They are applied on top of what the header or metadata.json gives, and
recorded in the document's meta (`corrections`), so a correction survives re-ingestion and can be undone by
removing it."""
from __future__ import annotations

import json
from pathlib import Path

from . import atomic

FILE = "corrections.json"


def load(corpus_dir: Path) -> dict[str, dict]:
    p = Path(corpus_dir) / FILE
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8")).get("documents", {})
    except (json.JSONDecodeError, AttributeError) as e:
        raise ValueError(f"{p}: invalid JSON ({e})") from None


def save(corpus_dir: Path, documents: dict[str, dict]) -> None:
    p = Path(corpus_dir) / FILE
    if not documents:
        p.unlink(missing_ok=True)
        return
    atomic.write_json(p, {"_about": "Metadata corrected by editors in the app; applied over the header and "
                                    "metadata.json.", "documents": documents})


def apply(meta: dict, fields: dict | None) -> dict:
    if not fields:
        return meta
    return {**meta, **fields, "corrections": dict(fields)}
