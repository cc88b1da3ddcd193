"""What may enter the index from corpus/ (issue 14, cases 4, 7 and 10's duplicates), fault-injection style: start
from a built home, inject the fault into corpus/, build, and check the build's report and that searches still
return the last good results (and never the injected content)."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import DOCS
from tests.test_ingest_errors import SNIPPET

KNOWN_Q = "rà soát định mức kinh tế kỹ thuật"


@pytest.fixture
def fresh(home, model_dir, embedder, tmp_path):
    """A copy of the session's built home; build() and search() run on it with the session's model."""
    from policyqa.build import build_all
    from policyqa.config import Settings
    from policyqa.engine import Engine
    from policyqa.search import search

    h = tmp_path / "home"
    for sub in ("corpus", "data"):
        shutil.copytree(home / sub, h / sub)
    s = Settings.from_env(home=h, model_dir=model_dir)

    class Home:
        path = h
        corpus = h / "corpus"
        settings = s

        @staticmethod
        def build():
            return build_all(s, embedder=embedder)

        @staticmethod
        def search(q, k=5):
            return [x["clause_id"] for x in search(Engine.load(s, embedder=embedder), q, k, "bm25").hits]

        @staticmethod
        def doc_ids():
            return set(Engine.load(s, embedder=embedder).docs)

    Home.baseline = Home.search(KNOWN_Q)
    return Home


def _errors(rep) -> dict[str, tuple[str, str]]:
    return {os.path.basename(e.path): (e.code, e.reason) for e in rep.ingest.errors}


# ---- case 7: symlinks and special files -----------------------------------------------------------------------

def test_symlink_to_a_file_outside_corpus_is_refused(fresh, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nzzsecretword:x:1:1::/nologin\n", encoding="utf-8")
    (fresh.corpus / "leak.txt").symlink_to(secret)
    rep = fresh.build()
    code, reason = _errors(rep)["leak.txt"]
    assert code == "symlink" and "outside corpus/" in reason and str(secret) in reason
    assert fresh.search("zzsecretword root bin bash nologin") == []
    assert fresh.search(KNOWN_Q) == fresh.baseline
    assert "leak" not in fresh.doc_ids()


def test_symlink_inside_corpus_and_linked_folder_are_refused(fresh, tmp_path):
    (fresh.corpus / "alias.txt").symlink_to(fresh.corpus / f"{DOCS['haiphong']}.txt")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "plan.txt").write_text(SNIPPET, encoding="utf-8")
    (fresh.corpus / "linked_dir").symlink_to(outside, target_is_directory=True)
    rep = fresh.build()
    errs = _errors(rep)
    assert errs["alias.txt"][0] == "symlink" and "inside corpus/" in errs["alias.txt"][1]
    assert errs["linked_dir"][0] == "symlink"
    assert fresh.doc_ids() == set(DOCS.values())
    assert fresh.search(KNOWN_Q) == fresh.baseline


def test_named_pipe_is_refused_without_blocking(fresh):
    os.mkfifo(fresh.corpus / "pipe.txt")  # opening it for reading would wait forever for a writer
    rep = fresh.build()
    assert _errors(rep)["pipe.txt"] == ("not_regular", "not a regular file (named pipe); only regular files in "
                                                       "corpus/ are read")
    assert fresh.search(KNOWN_Q) == fresh.baseline


def test_document_replaced_by_a_symlink_keeps_its_last_good_version(fresh, tmp_path):
    target = fresh.corpus / f"{DOCS['haiphong']}.txt"
    saved = tmp_path / "saved.txt"
    shutil.move(target, saved)
    target.symlink_to(saved)
    rep = fresh.build()
    assert _errors(rep)[target.name][0] == "symlink"
    assert DOCS["haiphong"] in fresh.doc_ids() and fresh.search(KNOWN_Q) == fresh.baseline


# ---- case 4: colliding names and document ids -----------------------------------------------------------------

def test_same_stem_gets_distinct_ids_and_builds_keep_working(fresh):
    (fresh.corpus / "x.txt").write_text(SNIPPET, encoding="utf-8")
    (fresh.corpus / "x.md").write_text(SNIPPET.replace("Sở Tài chính", "Sở Nội vụ").replace("định mức kinh tế",
                                                                                             "biên chế sự nghiệp"),
                                       encoding="utf-8")
    rep = fresh.build()
    assert not rep.ingest.errors and rep.indexed
    before = fresh.doc_ids()
    assert before == set(DOCS.values()) | {"x_md", "x_txt"}  # neither takes the bare stem: no order dependence
    assert fresh.search("biên chế sự nghiệp Sở Nội vụ", 1)[0].startswith("x_md:")
    rep2 = fresh.build()  # and every later build works (here: nothing to do)
    assert not rep2.ingest.errors and not rep2.indexed
    (fresh.corpus / "x.txt").unlink()  # ids are stable: removing one file does not rename the other
    rep3 = fresh.build()
    assert not rep3.ingest.errors and fresh.doc_ids() == before - {"x_txt"}
    assert fresh.search("biên chế sự nghiệp Sở Nội vụ", 1)[0].startswith("x_md:")


def test_same_name_in_two_folders_gets_distinct_ids(fresh):
    for sub, lead in (("a", "Sở Tài chính"), ("b", "Sở Y tế")):
        (fresh.corpus / sub).mkdir()
        (fresh.corpus / sub / "plan.txt").write_text(SNIPPET.replace("Sở Tài chính", lead), encoding="utf-8")
    rep = fresh.build()
    assert not rep.ingest.errors
    assert fresh.doc_ids() == set(DOCS.values()) | {"plan_txt", "plan_txt_2"}


def test_ids_are_unique_by_construction():
    from pathlib import Path

    from ingest.pipeline import assign_ids

    files = [Path("c/x.md"), Path("c/x.txt"), Path("c/a/x.txt"), Path("c/x_md.txt"), Path("c/y.txt")]
    src = {p: str(p) for p in files}
    ids = assign_ids(files, src, {})
    assert len(set(ids.values())) == len(files) and ids[Path("c/y.txt")] == "y"
    # a file indexed before keeps its id whatever is added next to it
    prev = {"c/x.txt": {"doc_id": "x"}}
    ids = assign_ids(files, src, prev)
    assert ids[Path("c/x.txt")] == "x" and len(set(ids.values())) == len(files)


# ---- case 10: the same content under two names ----------------------------------------------------------------

def test_duplicate_content_is_indexed_once_and_reported(fresh):
    src = fresh.corpus / f"{DOCS['haiphong']}.txt"
    shutil.copy(src, fresh.corpus / "copy_of_haiphong.txt")
    rep = fresh.build()
    code, reason = _errors(rep)["copy_of_haiphong.txt"]
    assert code == "duplicate" and src.name in reason
    assert "copy_of_haiphong" not in fresh.doc_ids()
    assert fresh.search(KNOWN_Q) == fresh.baseline  # not twice
