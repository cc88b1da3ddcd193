"""Where things live. Everything is relative to the project home (POLICYQA_HOME, default: the
current directory), and each path can be overridden on its own."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    corpus_dir: Path
    data_dir: Path
    model_dir: Path
    database_url: str | None = None  # POLICYQA_DATABASE_URL: PostgreSQL backend instead of the files under data/
    # embedding path for builds: torch-fp32 | onnx-fp32 | openvino-fp32 | onnx-int8 (None: index.embedder's default);
    # queries follow the path the index was built with unless this is set.
    embedding: str | None = None

    @property
    def docs_path(self) -> Path:
        """The published documents (in the live generation); data/docs.jsonl before anything is published."""
        from index.store import current_dir

        gen = current_dir(self.index_dir)
        return gen / "docs.jsonl" if gen is not None else self.data_dir / "docs.jsonl"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        home = Path(overrides.get("home") or os.environ.get("POLICYQA_HOME") or Path.cwd()).resolve()
        corpus = overrides.get("corpus_dir") or os.environ.get("POLICYQA_CORPUS") or home / "corpus"
        data = overrides.get("data_dir") or os.environ.get("POLICYQA_DATA") or home / "data"
        model = overrides.get("model_dir") or os.environ.get("POLICYQA_MODEL") or home / "models" / "me5-small"
        url = overrides.get("database_url") or os.environ.get("POLICYQA_DATABASE_URL") or None
        embedding = overrides.get("embedding") or os.environ.get("POLICYQA_EMBEDDING") or None
        return cls(home, Path(corpus).resolve(), Path(data).resolve(), Path(model).resolve(), url, embedding)
