"""One file read as the product understands it, without indexing: cleaned text, clause tree and metadata.
Shared by ingestion (ingest.pipeline), `policyqa parse` and the parse-accuracy evaluation."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import metadata
from .clean import denoise
from .readers import read_document
from .structure import Parsed, parse


@dataclass
class Understood:
    text: str  # the file's text with noise blanked out (same length as what the reader returned)
    parsed: Parsed
    meta: dict  # what the document states about itself (metadata.from_header)
    warnings: list[str] = field(default_factory=list)


def understand(path: Path) -> Understood:
    """Read, clean, parse and describe one file. Raises readers.IngestError for a file that cannot be read."""
    raw = read_document(Path(path))
    text = denoise(raw.text)  # same length as raw.text, so clause spans still point into the original
    parsed = parse(text)
    body_text = " ".join(n.text for n in parsed.clauses)
    meta = metadata.from_header(parsed, body_text, text)
    meta["truncated"] = parsed.truncated
    return Understood(text, parsed, meta, list(raw.warnings))


# The metadata keys `policyqa parse` reports (the README's schema), in this order.
PARSE_METADATA = ("number", "type", "date", "place", "issuer", "superior", "province", "level", "signer",
                  "signer_title", "recipients", "title", "references")


def describe(path: Path, source: str | None = None) -> dict:
    """What the product understood of one file, as `policyqa parse --json` prints it (see the README's schema).
    Raises readers.IngestError for a file that cannot be read."""
    from .pipeline import _heading  # the same heading ingestion stores
    from policyqa.citation import citation

    u = understand(path)
    doc_id = Path(path).stem
    warnings = list(u.warnings)
    if not u.parsed.clauses:
        warnings.append(f"{path}: không tìm thấy khoản/mục nào sau phần đầu văn bản")
    for k, label in (("number", "số và ký hiệu"), ("date", "ngày ban hành"), ("issuer", "cơ quan ban hành"),
                     ("type", "tên loại")):
        if not u.meta.get(k):
            warnings.append(f"{path}: không đọc được {label}")
    if u.meta.get("truncated"):
        warnings.append(f"{path}: văn bản có vẻ không đầy đủ (bị cắt)")
    clauses = []
    for n in u.parsed.clauses:
        clauses.append({"id": f"{doc_id}:{n.path}", "path": n.path,
                        "citation": citation(u.meta, n.path, getattr(n, "citation_path", None)),
                        "kind": n.kind, "heading": _heading(n), "text": n.text,
                        "fields": {k: v["value"] for k, v in n.fields.items()}})
    return {"source": source or str(path), "metadata": {k: u.meta.get(k) for k in PARSE_METADATA},
            "clauses": clauses, "warnings": warnings}
