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
