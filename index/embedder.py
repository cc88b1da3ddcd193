"""Embedders behind one small interface, so another sentence-transformers folder can be configured by path."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.clean import normalize

# Never reach a model hub: our users run offline, and so do CI and tests.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bars in CLI output
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class Embedder(Protocol):
    name: str
    dim: int

    @property
    def fingerprint(self) -> str: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress=None) -> np.ndarray: ...


def folder_fingerprint(path: Path) -> str:
    """sha256 over the folder's files (names + contents); cached next to them, keyed by size and mtime."""
    path = Path(path)
    # the model's own files only: hidden files (.DS_Store, editor backups, our cache) must not change it
    files = sorted(p for p in path.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    stamp = [[str(p.relative_to(path)), p.stat().st_size, int(p.stat().st_mtime)] for p in files]
    cache = path / ".fingerprint.json"
    if cache.exists():
        try:
            c = json.loads(cache.read_text())
            if c.get("stamp") == stamp:
                return c["sha256"]
        except (ValueError, KeyError):
            pass
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(path)).encode())
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    digest = h.hexdigest()
    try:
        cache.write_text(json.dumps({"stamp": stamp, "sha256": digest}))
    except OSError:
        pass  # read-only model folder: fingerprint is recomputed next time
    return digest


class SentenceTransformerEmbedder:
    """A sentence-transformers folder; uses its "query"/"passage" prompts when it defines them (e5 does)."""

    def __init__(self, path: Path | str, batch_size: int = 16, max_seq_length: int = 512):
        from sentence_transformers import SentenceTransformer

        self.path = Path(path)
        if not (self.path / "modules.json").exists():
            raise FileNotFoundError(f"{self.path}: not a sentence-transformers model folder (no modules.json); "
                                    "run `make model` or `policyqa model` to build it")
        self.model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        self.model.max_seq_length = max_seq_length
        self.name = self.path.name
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = get_dim()
        self.batch_size = batch_size
        self._fp: str | None = None
        prompts = getattr(self.model, "prompts", {}) or {}
        self._q = "query" if "query" in prompts else None
        self._p = "passage" if "passage" in prompts else None

    @property
    def fingerprint(self) -> str:
        if self._fp is None:
            self._fp = folder_fingerprint(self.path)
        return self._fp

    def _encode(self, texts: list[str], prompt_name: str | None, progress=None) -> np.ndarray:
        texts = [normalize(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for i in range(0, len(texts), self.batch_size * 4):
            out.append(self.model.encode(texts[i:i + self.batch_size * 4], prompt_name=prompt_name,
                                         batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False))
            if progress:
                progress(min(i + self.batch_size * 4, len(texts)), len(texts))
        return np.vstack(out).astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._q)

    def encode_passages(self, texts: list[str], progress=None) -> np.ndarray:
        return self._encode(texts, self._p, progress)
