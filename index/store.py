"""On-disk layout of an index and its atomic replacement.

    <index_dir>/CURRENT             name of the live build (replaced atomically)
    <index_dir>/<build_id>/         manifest.json, clauses.jsonl, embeddings.npy, faiss.index,
                                    bm25/, bm25_folded/, restore.json

A build is written into a fresh folder and only then made live by rewriting CURRENT, so a reader
sees the previous index or the new one, never a half-written one; a failed build changes nothing."""
from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest import atomic

from . import dense
from .lexical import BM25Index
from .manifest import IndexMismatchError, problems
from .restore import Restorer


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict
    clauses: list[dict]
    embeddings: np.ndarray
    faiss: object
    bm25: BM25Index
    bm25_folded: BM25Index
    restorer: Restorer


def new_build_dir(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    d = index_dir / f".building-{uuid.uuid4().hex[:12]}"
    d.mkdir()
    return d


def current_dir(index_dir: Path) -> Path | None:
    cur = Path(index_dir) / "CURRENT"
    if not cur.exists():
        return None
    d = Path(index_dir) / cur.read_text().strip()
    return d if (d / "manifest.json").exists() else None


def publish(index_dir: Path, build_dir: Path, build_id: str) -> Path:
    final = index_dir / build_id
    build_dir.rename(final)
    atomic.write_text(index_dir / "CURRENT", build_id)
    for old in index_dir.iterdir():  # older builds and abandoned temporary folders
        if old.is_dir() and old.name != build_id:
            shutil.rmtree(old, ignore_errors=True)
    return final


def read_manifest(index_dir: Path) -> dict | None:
    d = current_dir(index_dir)
    return json.loads((d / "manifest.json").read_text(encoding="utf-8")) if d else None


def load(index_dir: Path, model_fp: str | None = None, docs: list[dict] | None = None) -> LoadedIndex:
    d = current_dir(index_dir)
    if d is None:
        raise FileNotFoundError(f"no index in {index_dir}; run `policyqa build` first")
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    bad = problems(manifest, model_fp, docs)
    if bad:
        raise IndexMismatchError(bad, str(d))
    return LoadedIndex(
        path=d,
        manifest=manifest,
        clauses=atomic.read_jsonl(d / "clauses.jsonl"),
        embeddings=np.load(d / "embeddings.npy"),
        faiss=dense.load(d / "faiss.index"),
        bm25=BM25Index.load(d / "bm25"),
        bm25_folded=BM25Index.load(d / "bm25_folded"),
        restorer=Restorer.from_dict(json.loads((d / "restore.json").read_text(encoding="utf-8"))),
    )
