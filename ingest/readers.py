"""Read a document file into text, or fail with a message naming the file and the problem."""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".doc"}
MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of KB; 20 MB is far beyond any real one


class IngestError(Exception):
    """A document that cannot be ingested. str() names the file and the reason; `code` is a stable
    key for the kind of problem (empty, binary, encoding, unsupported, too_large, no_text, docx, pdf, doc,
    no_clauses, duplicate, name_taken), so interfaces can word it in their own language."""

    def __init__(self, path: Path | str, reason: str, code: str = "invalid"):
        self.path = str(path)
        self.reason = reason
        self.code = code
        super().__init__(f"{self.path}: {reason}")


@dataclass
class RawText:
    text: str
    warnings: list[str] = field(default_factory=list)


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def _decode_text(path: Path, data: bytes) -> RawText:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data.decode(enc)
            warn = [] if enc == "utf-8-sig" else [f"{path}: decoded as {enc.upper()} (byte-order mark); UTF-8 is preferred"]
            return RawText(text, warn)
    if b"\x00" in data[:8192]:
        raise IngestError(path, "binary file (contains NUL bytes), not a text document", "binary")
    try:
        return RawText(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        guess = f" (looks like {best.encoding})" if best is not None else ""
        raise IngestError(path, f"not valid UTF-8{guess}: invalid byte at offset {e.start}; "
                                "re-save the file as UTF-8", "encoding") from None


def _read_docx(path: Path) -> str:
    import docx

    try:
        d = docx.Document(str(path))
    except Exception as e:  # python-docx raises several types for corrupt zips
        raise IngestError(path, f"cannot open as DOCX ({type(e).__name__}: {e})", "docx") from None
    from .docx_reader import read_docx_text  # paragraphs and table rows in document order

    return read_docx_text(path)


def _read_pdf(path: Path) -> str:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    from .pdf_reader import read_pdf_text  # text lines and tables (pdfplumber) in page order

    try:
        return read_pdf_text(path)
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as e:
        raise IngestError(path, f"cannot read PDF ({e or type(e).__name__})", "pdf") from None


def _read_doc(path: Path) -> str:
    from .doc_reader import DocReadError, read_doc_text

    try:
        return read_doc_text(path)
    except DocReadError as e:
        raise IngestError(path, f"cannot read .doc (Word 97-2003) file: {e}", "doc") from None


def read_document(path: Path | str, max_bytes: int = MAX_BYTES) -> RawText:
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise IngestError(path, f"unsupported file type '{ext or '(none)'}'; supported: {', '.join(sorted(SUPPORTED))}",
                          "unsupported")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file", "empty")
    if size > max_bytes:
        raise IngestError(path, f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)", "too_large")
    if ext in (".txt", ".md"):
        raw = _decode_text(path, path.read_bytes())
    elif ext == ".docx":
        raw = RawText(_read_docx(path))
    elif ext == ".doc":
        raw = RawText(_read_doc(path))
    else:
        raw = RawText(_read_pdf(path))
    if not raw.text.strip():
        what = "no text layer (scanned PDF? run OCR first)" if ext == ".pdf" else "no text"
        raise IngestError(path, f"file has {what}", "no_text")
    return raw
