"""Adding, replacing, correcting and removing documents (policyqa.corpus_edit) on a copy of the built home."""
import json
import re
import shutil

import pytest

from policyqa import corpus_edit
from policyqa.corpus_edit import EditError, normalise_name

NEW_PLAN = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\n\nSố: 77/KH-UBND\n\nKẾ HOẠCH\nSố hóa hồ sơ lưu trữ\n\n"
            "I. NHIỆM VỤ\n\n1. Xây dựng kho dữ liệu số hóa hồ sơ lưu trữ của tỉnh.\n\n"
            "- Cơ quan chủ trì: Sở Nội vụ.\n\n- Thời gian thực hiện: năm 2025.\n")
ENGLISH = re.compile(r"\b(empty|file|not|found|allowed|startxref|binary|invalid|error)\b", re.I)


def upload(name, data):
    return (name, len(data), lambda: data)


@pytest.mark.parametrize("raw,want", [("..\\..\\x4.txt", "x4.txt"), ("../../etc/x.txt", "x.txt"),
                                      (".hidden.txt", "hidden.txt"), ("Kế hoạch 12.TXT", "Kế_hoạch_12.txt"),
                                      ("a\x00b.md", "ab.md")])
def test_names_are_normalised(raw, want):
    assert normalise_name(raw) == want


@pytest.mark.parametrize("raw,code", [("README.md", "name"), ("metadata.json", "unsupported"), ("x.exe", "unsupported"),
                                      ("a" * 300 + ".txt", "name"), ("...", "name"), ("", "name")])
def test_bad_names_are_refused_in_vietnamese(raw, code):
    with pytest.raises(EditError) as e:
        normalise_name(raw)
    assert e.value.code == code and not ENGLISH.search(str(e.value))


@pytest.fixture
def own(home, tmp_path, model_dir):
    from policyqa.config import Settings

    h = tmp_path / "home"
    shutil.copytree(home, h, ignore=shutil.ignore_patterns("eval"))
    return Settings.from_env(home=h, model_dir=model_dir)


def test_stage_refuses_before_writing_and_changes_nothing(own):
    before = sorted(p.name for p in own.corpus_dir.iterdir())

    def never():
        raise AssertionError("a too large upload must not be read")

    first = (own.corpus_dir / "000_309250c117fea7bd.txt").read_bytes()
    st = corpus_edit.stage(own, [("huge.txt", 25 * 1024 * 1024, never), upload("trong.txt", b""),
                                 upload("000_309250c117fea7bd.txt", b"x"), upload("copy.txt", first),
                                 upload("bin.txt", b"\x00\x01" * 100), upload("moi.txt", NEW_PLAN.encode()),
                                 upload("moi.md", NEW_PLAN.encode() + b"\n")])
    codes = {e.name: e.code for e in st.refused}
    assert codes == {"huge.txt": "too_large", "trong.txt": "empty", "000_309250c117fea7bd.txt": "name_taken",
                     "copy.txt": "duplicate", "bin.txt": "binary", "moi.md": "name_taken"}
    assert all(not ENGLISH.search(str(e)) for e in st.refused)
    assert [a.name for a in st.accepted] == ["moi.txt"]
    assert st.accepted[0].meta["number"] == "77/KH-UBND" and st.accepted[0].clauses >= 1
    assert sorted(p.name for p in own.corpus_dir.iterdir()) == before  # nothing written to the corpus
    corpus_edit.discard(st)
    assert not st.folder.exists()


def test_add_correct_replace_remove(own, embedder):
    from index.store import read_manifest
    from policyqa.build import published_state

    def docs():
        return {d["doc_id"]: d for d in published_state(own)[0]}

    st = corpus_edit.stage(own, [upload("ke hoach moi.txt", NEW_PLAN.encode())])
    rep = corpus_edit.commit(own, st, {"ke_hoach_moi.txt": {"province": "Tỉnh Thử", "date": "2025-01-02"}},
                             embedder=embedder)
    assert rep.added == ["ke_hoach_moi"] and not rep.refused and not st.folder.exists()
    d = docs()["ke_hoach_moi"]
    assert d["meta"]["province"] == "Tỉnh Thử" and d["meta"]["date"] == "2025-01-02"
    assert d["meta"]["corrections"] == {"province": "Tỉnh Thử", "date": "2025-01-02"}
    assert "ke_hoach_moi" in read_manifest(own.index_dir)["corpus"]["documents"]
    assert json.loads((own.corpus_dir / "corrections.json").read_text())["documents"]["ke_hoach_moi.txt"]

    corpus_edit.correct(own, "ke_hoach_moi", {"number": "78/KH-UBND"}, embedder=embedder)
    assert docs()["ke_hoach_moi"]["meta"]["number"] == "78/KH-UBND"

    new = NEW_PLAN.replace("năm 2025", "năm 2026").encode()
    st = corpus_edit.stage(own, [upload("phien ban 2.md", new)], replace="ke_hoach_moi")
    assert [a.name for a in st.accepted] == ["ke_hoach_moi.md"]
    rep = corpus_edit.commit(own, st, embedder=embedder)
    assert rep.replaced == ["ke_hoach_moi"] and not (own.corpus_dir / "ke_hoach_moi.txt").exists()
    assert "năm 2026" in " ".join(c["text"] for c in docs()["ke_hoach_moi"]["clauses"])

    corpus_edit.remove(own, "ke_hoach_moi", embedder=embedder)
    assert "ke_hoach_moi" not in docs() and not (own.corpus_dir / "ke_hoach_moi.md").exists()
    assert not (own.corpus_dir / "corrections.json").exists()
    with pytest.raises(EditError):
        corpus_edit.remove(own, "ke_hoach_moi", embedder=embedder)


def test_wrong_date_correction_is_refused():
    with pytest.raises(EditError) as e:
        corpus_edit.clean_corrections({"date": None}, {"date": "1/2/2024"})
    assert "YYYY-MM-DD" in str(e.value)
    assert corpus_edit.clean_corrections({"number": "1/KH", "signer": None}, {"number": "1/KH", "signer": " "}) == {}
