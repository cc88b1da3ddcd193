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
    embedding_path: str  # "torch-fp32" | "onnx-fp32" | "openvino-fp32" | "onnx-int8", recorded in the index manifest

    @property
    def fingerprint(self) -> str: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress=None) -> np.ndarray: ...


def require_model_folder(path: Path) -> None:
    """Both embedding paths read the rebuilt sentence-transformers folder; say how to make it when it is missing."""
    if not (path / "modules.json").exists():
        raise FileNotFoundError(f"{path}: not a sentence-transformers model folder (no modules.json); "
                                "run `make model` or `policyqa model` to build it")


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
    """A sentence-transformers folder; uses its "query"/"passage" prompts when it defines them (e5 does).

    torch and the model are loaded on first encode, not on construction: a command that only checks the
    index's fingerprint (search --mode bm25, docs) never imports torch. CUDA is used when torch sees a GPU.
    sort_by_length=False keeps the original behaviour (chunks of 64 in input order): the benchmark's baseline."""

    embedding_path = "torch-fp32"

    def __init__(self, path: Path | str, batch_size: int = 16, max_seq_length: int = 512, device: str | None = None,
                 sort_by_length: bool = True):
        self.path = Path(path)
        require_model_folder(self.path)
        self.name = self.path.name
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.sort_by_length = sort_by_length
        self._device = device
        self._model = None
        self._fp: str | None = None
        pooling = self.path / "1_Pooling" / "config.json"
        self._dim = json.loads(pooling.read_text()).get("embedding_dimension") if pooling.exists() else None

    @property
    def model(self):
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
            self._model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
            self._model.max_seq_length = self.max_seq_length
            self._device = device
            prompts = getattr(self._model, "prompts", {}) or {}
            self._q = "query" if "query" in prompts else None
            self._p = "passage" if "passage" in prompts else None
        return self._model

    @property
    def device(self) -> str:
        return self._device or str(self.model.device)

    @property
    def dim(self) -> int:
        if self._dim is None:
            get_dim = (getattr(self.model, "get_embedding_dimension", None)
                       or self.model.get_sentence_embedding_dimension)
            self._dim = get_dim()
        return self._dim

    @property
    def fingerprint(self) -> str:
        if self._fp is None:
            self._fp = folder_fingerprint(self.path)
        return self._fp

    def _encode(self, texts: list[str], which: str, progress=None) -> np.ndarray:
        texts = [normalize(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        prompt_name = self._q if which == "query" else self._p
        # sentence-transformers sorts by length within one encode call; chunks (for progress) of texts
        # sorted by length first make every batch pad little.
        order = np.argsort([-len(t) for t in texts], kind="stable") if self.sort_by_length else np.arange(len(texts))
        step = self.batch_size * 4
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), step):
            idx = order[i:i + step]
            out[idx] = model.encode([texts[j] for j in idx], prompt_name=prompt_name, batch_size=self.batch_size,
                                    normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
            if progress:
                progress(min(i + step, len(texts)), len(texts))
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: list[str], progress=None) -> np.ndarray:
        return self._encode(texts, "passage", progress)


EMBEDDING_PATHS = ("torch-fp32", "onnx-fp32", "openvino-fp32", "onnx-int8")
# Chosen by the eval/ and ALQAC figures measured with scripts/embedding_quality.py and the build speed measured
# by scripts/benchmark.py (docs/notes/embed-openvino.md): openvino-fp32 gives onnx-fp32's vectors (the same
# MRR@10 to the fourth decimal) faster on the real corpora; int8 stays opt-in (eval/ dense MRR@10 -0.034,
# docs/notes/embed-int8.md). Without the openvino package (a platform it has no wheel for): onnx-fp32.
DEFAULT_EMBEDDING_PATH = "openvino-fp32"
FALLBACK_EMBEDDING_PATH = "onnx-fp32"
# Vectors of the fp32 paths agree to cosine >= 0.999 (tests/test_embedding_paths.py): an index built by any of
# them is read with ONNX Runtime's (the query path the service's latencies were measured with). int8 vectors are
# another embedding: never mixed with fp32 ones.
QUERY_PATH = {"fp32": "onnx-fp32", "int8": "onnx-int8"}


def _cuda_present() -> bool:
    """A GPU torch can use; the cheap driver check first, so CPU-only machines never import torch for it."""
    import shutil

    if not (Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi")):
        return False
    try:
        import torch

        return torch.cuda.is_available()
    except ImportError:
        return False


def build_path(path: str | None = None) -> str:
    """The embedding path a build uses: the configured one, else torch on CUDA when a GPU is there
    (onnxruntime-gpu is rarely installed; torch's CUDA wheels are), else DEFAULT_EMBEDDING_PATH."""
    if path:
        return path
    if _cuda_present():
        return "torch-fp32"
    import importlib.util

    return DEFAULT_EMBEDDING_PATH if importlib.util.find_spec("openvino") else FALLBACK_EMBEDDING_PATH


def make_embedder(model_dir: Path | str, path: str | None = None, **kw) -> Embedder:
    """The embedder for one embedding path (default: build_path())."""
    path = build_path(path)
    if path == "torch-fp32":
        return SentenceTransformerEmbedder(model_dir, **kw)
    if path in ("onnx-fp32", "onnx-int8"):
        from .onnx_embedder import OnnxEmbedder

        return OnnxEmbedder(model_dir, quantized=path == "onnx-int8", **kw)
    if path == "openvino-fp32":
        from .openvino_embedder import OpenVinoEmbedder

        return OpenVinoEmbedder(model_dir, **kw)
    raise ValueError(f"unknown embedding path {path!r} (POLICYQA_EMBEDDING); choose one of {', '.join(EMBEDDING_PATHS)}")


def embedder_for_manifest(model_dir: Path | str, manifest: dict | None, path: str | None = None) -> Embedder:
    """The embedder that reads an index or database with this manifest: the query path of the kind it was built
    with (fp32 or int8), unless `path` names one (a mismatch is then refused when the index is opened)."""
    if path is None:  # the kind the index was built with; nothing built yet: the kind a build would make
        from .manifest import embedding_class, embedding_path

        path = QUERY_PATH[embedding_class(embedding_path(manifest) if manifest else build_path())]
    return make_embedder(model_dir, path)


def embedder_for_index(model_dir: Path | str, index_dir: Path | str, path: str | None = None) -> Embedder:
    """embedder_for_manifest for the published files index under index_dir (none published: the default)."""
    from .store import read_manifest

    try:
        m = read_manifest(Path(index_dir))
    except (OSError, ValueError):
        m = None
    return embedder_for_manifest(model_dir, m, path)
