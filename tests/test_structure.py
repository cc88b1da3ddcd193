"""Clause tree, header/footer and task fields on the five real documents."""
import pytest

from ingest.structure import parse
from tests.conftest import clause, corpus_text


@pytest.fixture(scope="module")
def parsed():
    return {k: parse(corpus_text(k)) for k in ("langson", "kontum", "noprov", "quangngai", "haiphong")}


def paths(p):
    return [n.path for n in p.clauses]


@pytest.mark.parametrize("doc,expected", [
    ("langson", ["0", "I", "I.1", "I.1.a", "I.2.a-1", "I.2.a-2", "II.1", "II.2.a", "II.2.b", "II.2.c"]),
    ("kontum", ["I.1", "II.1-1", "II.1-2", "II.2-3", "II.4-1", "II.4.(1)", "II.4.(4)", "II.8", "III.2"]),
    ("noprov", ["0", "I", "I.3", "II", "II.1"]),
    ("quangngai", ["0", "I.1-1", "I.2-2", "II.1", "II.7", "III.3"]),
    ("haiphong", ["0", "I.1.a", "II.5", "III.1-1", "III.1-3", "III.2.(1)", "III.2.(14)", "IV.1.đ", "IV.2"]),
])
def test_known_clause_paths(parsed, doc, expected):
    have = paths(parsed[doc])
    for p in expected:
        assert p in have, f"{doc}: {p} missing from {have}"
    assert len(have) == len(set(have))


def test_clause_texts_start_with_their_own_words(parsed):
    c = {n.path: n for n in parsed["langson"].clauses}
    assert c["II.2.b"].text.startswith("b) Trình UBND tỉnh ban hành, sửa đổi, bổ sung định mức kinh tế - kỹ thuật")
    assert "Cơ quan phối hợp: Sở Tài chính" in c["II.2.b"].text  # the labelled lines belong to the clause
    k = {n.path: n for n in parsed["kontum"].clauses}
    assert k["II.4.(2)"].text == "(2) Sắp xếp, tổ chức lại các đơn vị sự nghiệp kinh tế, sự nghiệp khác hoạt động không hiệu quả."


def test_header_recipients_and_signature_are_metadata_not_clauses(parsed):
    hp = parsed["haiphong"]
    assert any(l.text.startswith("Số 12 /KH-UBND") for l in hp.header)
    assert "Lưu: VT, KSTTHC3." in hp.recipients
    assert hp.signature[-1] == "Nguyễn Văn Tùng"
    all_text = " ".join(n.text for n in hp.clauses)
    assert "Nơi nhận" not in all_text and "VPCP, Bộ Nội vụ" not in all_text
    assert parsed["kontum"].signature[-1] == "A Pốt"
    assert parsed["quangngai"].signature[-1] == "Đinh Xuân Dũng"
    assert "CỘNG HÒA" not in " ".join(n.text for n in parsed["langson"].clauses)


def test_truncated_documents_are_flagged(parsed):
    assert parsed["langson"].truncated  # ends in "[...]"
    assert parsed["noprov"].truncated  # ends mid-sentence
    assert not parsed["haiphong"].truncated and not parsed["kontum"].truncated
    assert "[...]" not in " ".join(n.text for n in parsed["langson"].clauses)


def test_clause_records_keep_span_in_original_text(docs):
    raw = corpus_text("quangngai")
    c = clause(docs, "quangngai", "II.3")
    s, e = c["span"]
    original = raw[s:e]
    assert original.lstrip().startswith("3.") and "Phòng Tài chính" in original
    assert "\n" in original  # the original keeps its hard line breaks; the cleaned text does not
    assert "\n" not in c["text"]


def test_clause_records_have_breadcrumb_and_segment_on_demand(docs):
    from ingest.segment import segment

    c = clause(docs, "langson", "II.2.b")
    assert c["breadcrumb"] == ["II. NHIỆM VỤ, GIẢI PHÁP", "2. Nâng cao hiệu lực, hiệu quả quản lý nhà nước"]
    assert c["clause_id"] == "000_309250c117fea7bd:II.2.b"
    # word segmentation is done only for an index that uses word tokens, not for every clause at ingestion
    assert "segmented" not in c
    seg = segment(c["text"])
    assert "kinh_tế" in seg and "b )" not in seg
