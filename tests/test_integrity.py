"""Fault injection for integrity (issue 14, cases 5 and 6): damaged published files are refused with a message that
names them, never used, never reused by `build` (which rebuilds them); malformed JSON gives a message, not a
traceback; a stray file in the model folder does not change the model's fingerprint."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from index import store
from index.build import previous_vectors, stage
from index.embedder import folder_fingerprint
from index.files_backend import FilesBackend
from index.store import CorruptIndexError, current_dir
from policyqa.build import build_all
from policyqa.cli import main
from policyqa.engine import Engine

from tests.test_publish import copy_home, results


@pytest.fixture
def h(home, tmp_path, model_dir):
    from policyqa.config import Settings

    return Settings.from_env(home=copy_home(home, tmp_path / "h"), model_dir=model_dir)


@pytest.fixture(scope="module")
def expected(engine):
    return results(engine)


def cli(h, *args):
    return CliRunner().invoke(main, ["--home", str(h.home), *args])


def refused(h, name: str):
    """Every reader refuses the damaged generation, naming the file, without a traceback."""
    with pytest.raises(CorruptIndexError, match=name.replace(".", r"\.")):
        FilesBackend.open(h.index_dir)
    r = cli(h, "search", "tuyên truyền", "--mode", "bm25")
    assert r.exit_code == 1 and name in r.output and clean_exit(r), r.output
    c = cli(h, "check", "--json")
    assert c.exit_code == 1 and any(name in p for p in json.loads(c.stdout)["problems"])


def clean_exit(r) -> bool:
    """The command ended with its own message (sys.exit), not an uncaught exception."""
    return r.exception is None or isinstance(r.exception, SystemExit)


def flip(path: Path, offset: int = -64) -> None:
    b = bytearray(path.read_bytes())
    b[offset] ^= 0xFF
    path.write_bytes(bytes(b))


def test_zeroed_embeddings_are_refused_never_reused_and_rebuilt(h, embedder, expected):
    gen = current_dir(h.index_dir)
    emb = gen / "embeddings.npy"
    size = emb.stat().st_size
    arr = np.load(emb)
    np.save(emb, np.zeros_like(arr))  # same size, same header: only the checksum tells
    assert emb.stat().st_size == size
    refused(h, "embeddings.npy")
    notes = []
    assert previous_vectors(h.index_dir, embedder.fingerprint, notes) == {} and "embeddings.npy" in notes[0]
    rep = build_all(h, embedder=embedder)  # not "up to date": the damaged generation is rebuilt
    assert rep.indexed and any("damaged" in r for r in rep.reasons)
    assert rep.index_stats["embedded"] == rep.index_stats["clauses"]  # nothing taken from the zeroed file
    assert results(Engine.load(h, embedder=embedder)) == expected
    assert cli(h, "check").exit_code == 0


@pytest.mark.parametrize("name,damage,repair", [
    ("clauses.arrow", lambda p: p.write_bytes(p.read_bytes()[:len(p.read_bytes()) // 2]), False),  # cut
    ("clauses.arrow", flip, False),  # same size, other bytes
    ("docs.jsonl", lambda p: p.write_bytes(p.read_bytes()[:-200]), True),  # truncated
    ("restore.json", lambda p: p.write_text("{not json"), False),
    ("bm25/params.index.json", lambda p: p.unlink(), False),
])
def test_damaged_files_are_refused_naming_the_file(h, embedder, expected, name, damage, repair):
    damage(current_dir(h.index_dir) / name)
    refused(h, name)
    if repair:
        rep = build_all(h, embedder=embedder)
        assert rep.indexed and rep.index_stats["embedded"] == 0  # the embeddings verify, so they are reused
        assert results(Engine.load(h, embedder=embedder)) == expected


def test_big_files_are_verified_by_check_and_build_when_not_on_load(h, embedder, expected, monkeypatch):
    monkeypatch.setattr(store, "VERIFY_ON_LOAD_MAX", 0)  # as for a large corpus: only sizes checked on load
    flip(current_dir(h.index_dir) / "embeddings.npy")
    FilesBackend.open(h.index_dir)  # sizes match: the cheap load check passes …
    c = cli(h, "check", "--json")  # … `check` hashes everything
    assert c.exit_code == 1
    bad = [f for f in json.loads(c.stdout)["files"] if not f["ok"]]
    assert [f["file"] for f in bad] == ["embeddings.npy"] and "checksum" in bad[0]["problem"]
    rep = build_all(h, embedder=embedder)  # … and so does `build` before reusing anything
    assert rep.indexed and rep.index_stats["embedded"] == rep.index_stats["clauses"]
    assert results(Engine.load(h, embedder=embedder)) == expected


def test_hnsw_faiss_index_overwritten_is_refused(h, embedder):
    from ingest.pipeline import load_docs

    st = stage(load_docs(h.docs_path), embedder, h.index_dir, {"faiss": "hnsw"})
    st.publish()
    flip(current_dir(h.index_dir) / "faiss.index", 200)
    refused(h, "faiss.index")


@pytest.mark.parametrize("content", ["{\"manifest_version\": 2, \"files\": ", "", "[1, 2]"])
def test_malformed_manifest_gives_a_message_and_build_rebuilds(h, embedder, expected, content):
    (current_dir(h.index_dir) / "manifest.json").write_text(content)
    with pytest.raises(CorruptIndexError, match="manifest.json"):
        FilesBackend.open(h.index_dir)
    for args in (["search", "tuyên truyền", "--mode", "bm25"], ["docs"], ["check"]):
        r = cli(h, *args)
        assert r.exit_code == 1 and "manifest.json" in r.output and clean_exit(r), (args, r.output)
    if not content:
        assert build_all(h, embedder=embedder).indexed
        assert results(Engine.load(h, embedder=embedder)) == expected


def test_malformed_metadata_json_is_reported_and_the_rest_builds(h, embedder, expected):
    (h.corpus_dir / "metadata.json").write_text("{\"documents\": {", encoding="utf-8")
    r = cli(h, "build", "--json")
    assert r.exit_code == 2 and clean_exit(r), r.output
    out = json.loads(r.stdout)
    assert [e["file"].rsplit("/", 1)[-1] for e in out["errors"]] == ["metadata.json"]
    assert results(Engine.load(h, embedder=embedder)) == expected  # the curated metadata it gave is kept


def test_stray_files_in_the_model_folder_do_not_change_its_fingerprint(tmp_path, model_dir):
    m = tmp_path / "model"
    m.mkdir()
    for name in ("modules.json", "config.json", "tokenizer.json"):
        shutil.copy(model_dir / name, m / name)
    before = folder_fingerprint(m)
    (m / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (m / "._config.json").write_bytes(b"resource fork")
    assert folder_fingerprint(m) == before
    (m / "config.json").write_text((m / "config.json").read_text() + " ")
    assert folder_fingerprint(m) != before  # a real change still counts
