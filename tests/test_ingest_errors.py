"""Bad input: each case gets a message naming the file and the reason; other documents are still
processed; nothing already built is replaced by a partial result."""
import shutil
import unicodedata
import zlib

import pytest

from ingest.pipeline import ingest_corpus, load_docs
from ingest.readers import IngestError, read_document
from tests.conftest import CORPUS, DOCS


def make_pdf(path, text: str | None) -> None:
    """A minimal one-page PDF; with `text`, it has a text layer (ASCII, Helvetica)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    stream = zlib.compress(content)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def make_docx(path, paragraphs):
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))


def cp1258(text: str) -> bytes:
    """Windows-1258 stores tone marks as combining characters after a precomposed vowel."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones)) + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


SNIPPET = ("KẾ HOẠCH\n\nThực hiện Kết luận số 62-KL/TW.\n\nI. NHIỆM VỤ\n\n1. Rà soát định mức kinh tế - kỹ thuật.\n\n"
           "- Cơ quan chủ trì: Sở Tài chính.\n")


@pytest.mark.parametrize("name,data,reason,code", [
    ("empty.txt", b"", "empty file", "empty"),
    ("blank.txt", b"   \n\n  ", "no text", "no_text"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file", "binary"),
    ("legacy.txt", cp1258("Kế hoạch thực hiện Nghị quyết"), "not valid UTF-8", "encoding"),
    ("scan.pdf", None, "no text layer", "no_text"),
    ("notes.odt", b"whatever", "unsupported file type '.odt'", "unsupported"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "cannot open as DOCX", "docx"),
])
def test_bad_files_get_a_clear_message(tmp_path, name, data, reason, code):
    p = tmp_path / name
    if name == "scan.pdf":
        make_pdf(p, None)
    else:
        p.write_bytes(data)
    with pytest.raises(IngestError) as e:
        read_document(p)
    assert reason in str(e.value) and str(p) in str(e.value) and e.value.code == code


def test_windows_1258_message_names_the_guess(tmp_path):
    p = tmp_path / "legacy.txt"
    p.write_bytes(cp1258("Ủy ban nhân dân tỉnh Lạng Sơn ban hành kế hoạch"))
    with pytest.raises(IngestError, match="re-save the file as UTF-8"):
        read_document(p)


def test_empty_docx_and_too_large(tmp_path):
    make_docx(tmp_path / "empty.docx", [])
    with pytest.raises(IngestError, match="no text"):
        read_document(tmp_path / "empty.docx")
    big = tmp_path / "big.txt"
    big.write_text("a" * 2000, encoding="utf-8")
    with pytest.raises(IngestError, match="too large"):
        read_document(big, max_bytes=1000)


def test_utf16_is_decoded_with_a_warning(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes(SNIPPET.encode("utf-16"))
    raw = read_document(p)
    assert "định mức kinh tế" in raw.text and "UTF-16" in raw.warnings[0]


def test_docx_and_pdf_text_are_read(tmp_path):
    make_docx(tmp_path / "plan.docx", SNIPPET.split("\n\n"))
    assert "Cơ quan chủ trì: Sở Tài chính" in read_document(tmp_path / "plan.docx").text
    make_pdf(tmp_path / "plan.pdf", "Ke hoach thuc hien")
    assert "Ke hoach thuc hien" in read_document(tmp_path / "plan.pdf").text


def test_corpus_with_bad_files_processes_the_rest_and_keeps_good_versions(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    make_docx(corpus / "new_plan.docx", SNIPPET.split("\n\n"))
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "docs.jsonl"
    docs, rep = ingest_corpus(corpus, out, root=tmp_path)
    assert {e.path.rsplit("/", 1)[-1] for e in rep.errors} == {"empty.txt"}
    assert len(docs) == 6
    new = next(d for d in docs if d["doc_id"] == "new_plan")
    assert new["clauses"][-1]["fields"]["lead"]["value"] == "Sở Tài chính"
    assert new["meta"]["metadata_source"] == "header"

    # a document that breaks later keeps its last good version; the others are reused, not re-parsed
    (corpus / f"{DOCS['haiphong']}.txt").write_bytes(b"\x00\x01binary now")
    docs2, rep2 = ingest_corpus(corpus, out, root=tmp_path)
    assert any("binary" in str(e) for e in rep2.errors)
    assert DOCS["haiphong"] in {d["doc_id"] for d in docs2}
    assert len(rep2.reused) == 5 and not rep2.processed
    assert len(load_docs(out)) == 6


# ---- issue 14, case 10: encodings, NUL bytes, huge lines, too many clauses --------------------------------------

@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_and_decoded(tmp_path, enc):
    p = tmp_path / "u16.txt"
    p.write_bytes(SNIPPET.encode(enc))  # Notepad's "Unicode" without the byte-order mark
    raw = read_document(p)
    assert raw.text == SNIPPET
    assert "no byte-order mark" in raw.warnings[0] and enc.upper() in raw.warnings[0]


def test_nul_bytes_anywhere_are_binary(tmp_path):
    p = tmp_path / "late_nul.txt"
    p.write_bytes(SNIPPET.encode() * 400 + b"\x00\x00garbage")  # past the first 8 KB
    assert p.stat().st_size > 8192
    with pytest.raises(IngestError, match="binary file") as e:
        read_document(p)
    assert e.value.code == "binary" and str(len(SNIPPET.encode()) * 400) in str(e.value)


def test_lone_nul_glyphs_of_a_pdf_export_are_read_with_a_warning(tmp_path):
    # as in the gazette's TT 03/2024/TT-BKHĐT: "vai trò: \n\x00 Nhà đầu tư …" (a bullet glyph lost by the export)
    p = tmp_path / "tt.txt"
    p.write_bytes(SNIPPET.encode() * 20 + "vai trò:\n\x00 Nhà đầu tư\n\x00 Thành viên\n".encode())
    raw = read_document(p)
    assert raw.text.count("\x00") == 2 and "lone NUL" in raw.warnings[-1]
    from ingest.noise import repair

    assert "\x00" not in repair(raw.text)


def test_mojibake_is_refused_with_an_example(tmp_path):
    p = tmp_path / "garbled.txt"
    # UTF-8 read as Windows-1252 and saved again as UTF-8: "Kế hoạch" → "Káº¿ hoáº¡ch"
    p.write_text(SNIPPET.encode("utf-8").decode("cp1252", errors="replace"), encoding="utf-8")
    with pytest.raises(IngestError, match="mojibake") as e:
        read_document(p)
    assert e.value.code == "mojibake" and "'Káº¾' → 'KẾ'" in str(e.value)


def test_real_documents_are_not_taken_for_mojibake():
    for p in sorted(CORPUS.glob("*.txt")):
        assert read_document(p).text  # no IngestError, no warning
        assert not read_document(p).warnings


def test_long_line_is_split_into_bounded_parts():
    from ingest import limits

    line = ("Ủy ban nhân dân các huyện rà soát, sắp xếp các đơn vị sự nghiệp công lập theo quy định. " * 60000)
    assert len(line) > 5_000_000
    parts = limits.split_text(line)
    assert all(len(p) <= limits.MAX_CLAUSE_CHARS for p in parts)
    assert "".join(parts).replace(" ", "") == line.replace(" ", "")  # nothing lost
    assert all(p.endswith(".") for p in parts)  # cut at sentence ends
    assert limits.split_text("x" * 9000) == ["x" * 4000, "x" * 4000, "x" * 1000]  # no space at all: hard cuts


def test_single_line_file_becomes_bounded_clauses(tmp_path, monkeypatch):
    from ingest import limits
    from ingest.pipeline import ingest_file

    monkeypatch.setattr(limits, "MAX_CLAUSE_CHARS", 400)  # the 4,000 limit on a file 10x smaller: same code path
    p = tmp_path / "one_line.txt"
    sentence = "Các sở, ngành rà soát định mức kinh tế - kỹ thuật của dịch vụ sự nghiệp công. "
    p.write_text(sentence * 60, encoding="utf-8")
    doc = ingest_file(p, "one_line", "one_line.txt", None)
    texts = [c["text"] for c in doc["clauses"]]
    assert len(texts) >= 12 and all(len(t) <= 400 for t in texts)
    assert [c["path"] for c in doc["clauses"]][:3] == ["0", "0.p2", "0.p3"]
    assert len({c["clause_id"] for c in doc["clauses"]}) == len(texts)
    assert any("split into parts" in w for w in doc["warnings"])


def test_too_many_clauses_is_refused_with_the_limit(tmp_path, monkeypatch):
    from ingest import limits

    monkeypatch.setattr(limits, "MAX_CLAUSES", 50)
    p = tmp_path / "dump.txt"
    p.write_text("KẾ HOẠCH\n\n" + "".join(f"{i}. Nhiệm vụ số {i} của các sở, ngành.\n\n" for i in range(1, 80)),
                 encoding="utf-8")
    from ingest.pipeline import ingest_file

    with pytest.raises(IngestError, match="more than the limit of 50 per document") as e:
        ingest_file(p, "dump", "dump.txt", None)
    assert e.value.code == "too_many_clauses" and "79 clauses" in str(e.value)
