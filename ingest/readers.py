"""Read a document file into text, or fail with a message naming the file and the problem."""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".doc"}
MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of KB; 20 MB is far beyond any real one


class IngestError(Exception):
    """A document that cannot be ingested. str() names the file and the reason; `code` is a stable
    key for the kind of problem (empty, binary, encoding, mojibake, unsupported, too_large, no_text, docx, pdf, doc,
    no_clauses, too_many_clauses, duplicate, name_taken, symlink, not_regular), so interfaces can word it in their
    own language."""

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


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when `data` looks like UTF-16 saved without a byte-order mark (Notepad's
    "Unicode"): Vietnamese text has a zero high byte for every ASCII or Latin-1 letter, so about a third or
    more of the bytes on one side of each pair are zero and almost none on the other."""
    sample = data[:65536]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0) / (len(sample) / 2), sample[1::2].count(0) / (len(sample) / 2)
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.3 and other <= 0.01:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                return None
            printable = sum(c.isprintable() or c.isspace() for c in text[:20000]) / max(1, len(text[:20000]))
            return enc if printable > 0.98 and "\x00" not in text else None
    return None


# A text is mojibake when ftfy finds many more "badly decoded" sequences than real documents have, and
# undoing them removes most: measured 2026-11-23 on 298 real documents of ../shared/corpora, the worst had
# 0.1 per 1,000 characters; UTF-8 Vietnamese read as Windows-1252 has about 150.
MOJIBAKE_PER_1000 = 2.0


def _mojibake(text: str) -> str | None:
    """A short 'garbled → fixed' example when `text` is mojibake (e.g. UTF-8 read as Windows-1252 and saved
    again), else None."""
    import ftfy
    from ftfy.badness import badness

    sample = text[:100_000]
    bad = badness(sample)
    if bad * 1000 / max(1, len(sample)) < MOJIBAKE_PER_1000:
        return None
    fixed = ftfy.fix_text(sample)
    if badness(fixed) > bad / 4:
        return None
    pairs = [(w, ftfy.fix_text(w)) for w in dict.fromkeys(sample.split()) if badness(w)]
    return ", ".join(f"'{w}' → '{f}'" for w, f in [p for p in pairs if p[0] != p[1]][:3]) or "unreadable letters"


# PDF-to-text exports of the gazette write a lost bullet glyph as one NUL between text characters (seen in 3 of
# 206 gazette files: 2-11 lone NULs in 90-200 KB). A binary file has runs of zero bytes, or many of them.
LOST_GLYPHS_PER_BYTE = 1 / 1000


def _lost_glyphs(data: bytes) -> bool:
    """True when every NUL of `data` stands alone and they are rare: a text whose glyphs were lost, not binary."""
    n = data.count(0)
    return 0 < n <= len(data) * LOST_GLYPHS_PER_BYTE and b"\x00\x00" not in data


def _decode_text(path: Path, data: bytes) -> RawText:
    warn: list[str] = []
    text = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise IngestError(path, f"starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()} "
                                        f"(offset {e.start})", "encoding") from None
            if enc != "utf-8-sig":
                warn.append(f"{path}: decoded as {enc.upper()} (byte-order mark); UTF-8 is preferred")
            break
    if text is None and (enc := _utf16_without_bom(data)):
        text = data.decode(enc)
        warn.append(f"{path}: decoded as {enc.upper()} (no byte-order mark; detected from its zero bytes); "
                    "UTF-8 is preferred")
    if text is None:
        if b"\x00" in data and not _lost_glyphs(data):
            raise IngestError(path, f"binary file (NUL byte at offset {data.index(0)}), not a text document", "binary")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            guess = f" (looks like {best.encoding})" if best is not None else ""
            raise IngestError(path, f"not valid UTF-8{guess}: invalid byte at offset {e.start}; "
                                    "re-save the file as UTF-8", "encoding") from None
    if "\x00" in text and not _lost_glyphs(text.encode("utf-8")):
        raise IngestError(path, f"binary file (NUL character at position {text.index(chr(0))}), not a text document",
                          "binary")
    if "\x00" in text:
        warn.append(f"{path}: {text.count(chr(0))} lone NUL character(s) read as lost bullet glyphs (PDF export)")
    example = _mojibake(text)
    if example:
        raise IngestError(path, f"garbled text (mojibake: UTF-8 read in another encoding and saved again, e.g. "
                                f"{example}); re-save the file from its original as UTF-8", "mojibake")
    return RawText(text, warn)


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
