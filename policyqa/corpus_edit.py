"""Adding, replacing and removing documents of the corpus, as editors do it in the app.

Every change is staged first and changes nothing until it is confirmed: `stage` checks each upload (size, name,
collisions, duplicate content, that it can be read and parsed into clauses) in a private staging folder and
returns what would be added, with the metadata extracted from it for review; `commit` puts the accepted files
(and the editor's metadata corrections) into the corpus, rebuilds the index and reports a document as added only
once it is indexed, undoing the files that did not make it; `discard` drops a staging. `remove` takes a document
out (the app asks for confirmation first). Messages are Vietnamese and name the file."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ingest import corrections
from ingest.metadata import FIELDS
from ingest.pipeline import SKIP, ingest_file, list_files
from ingest.readers import MAX_BYTES, SUPPORTED, IngestError

from .config import Settings

MAX_NAME_BYTES = 120  # file systems allow 255 bytes; Vietnamese letters take 2-3 bytes each
EDITABLE = ("title", "number", "type", "issuer", "province", "level", "date", "signer")
FIELD_LABELS = {"title": "Trích yếu", "number": "Số hiệu", "type": "Loại văn bản", "issuer": "Cơ quan ban hành",
                "province": "Tỉnh/thành phố", "level": "Cấp ban hành", "date": "Ngày ban hành (YYYY-MM-DD)",
                "signer": "Người ký"}
PROBLEMS = {
    "empty": "tệp rỗng",
    "binary": "tệp nhị phân, không phải văn bản",
    "encoding": "không phải mã UTF-8 (ví dụ Windows-1258); hãy lưu lại tệp dưới dạng UTF-8",
    "unsupported": "định dạng không được hỗ trợ",
    "too_large": "tệp quá lớn",
    "no_text": "tệp không có chữ (PDF scan cần nhận dạng chữ trước)",
    "docx": "không mở được tệp DOCX (tệp hỏng hoặc không phải DOCX)",
    "doc": "không đọc được tệp DOC (tệp hỏng hoặc không phải Word 97-2003)",
    "pdf": "không đọc được tệp PDF (tệp hỏng hoặc không phải PDF)",
    "no_clauses": "không tìm thấy điều khoản nào (không có đoạn hay mục đánh số sau phần đầu)",
    "duplicate": "nội dung trùng với một văn bản đã có",
    "name_taken": "đã có văn bản cùng tên trong kho",
    "name": "tên tệp không dùng được",
    "not_indexed": "không được đưa vào chỉ mục",
}


class EditError(Exception):
    """A change that cannot be made; str() is the Vietnamese message naming the file."""

    def __init__(self, name: str, code: str, detail: str = ""):
        self.name, self.code, self.detail = name, code, detail
        super().__init__(f"{name}: {PROBLEMS.get(code, 'không thể thêm')}" + (f" — {detail}" if detail else ""))


def problem_vi(err: IngestError, name: str | None = None) -> str:
    """An ingestion problem worded in Vietnamese only (the library's English detail is not shown to users)."""
    return f"{name or Path(err.path).name}: {PROBLEMS.get(err.code, 'không thể thêm')}"


def normalise_name(raw: str) -> str:
    """A safe corpus file name for an uploaded name, or EditError: the last path component (either slash),
    NFC, no control characters, spaces as "_", no leading dots, a supported extension, at most MAX_NAME_BYTES."""
    base = re.split(r"[\\/]", raw or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", "_", base.strip()).lstrip(".")
    base = re.sub(r"[<>:\"|?*]", "_", base)
    shown = raw if len(raw or "") <= 60 else raw[:57] + "…"
    stem, ext = os.path.splitext(base)
    if not stem:
        raise EditError(shown, "name", "tên tệp trống")
    if ext.lower() not in SUPPORTED:
        raise EditError(shown, "unsupported", f"chỉ nhận {', '.join(sorted(SUPPORTED))}")
    if base in SKIP or base.lower() in {s.lower() for s in SKIP}:
        raise EditError(shown, "name", f"tên {base} dành cho tệp cấu hình của kho; hãy đổi tên tệp")
    if len(base.encode("utf-8")) > MAX_NAME_BYTES:
        raise EditError(shown, "name", f"tên tệp quá dài ({len(base.encode('utf-8'))} byte, tối đa {MAX_NAME_BYTES})")
    return stem + ext.lower()


@dataclass
class Staged:
    name: str  # file name it will have in the corpus
    original: str  # name as uploaded
    path: Path  # staged copy
    sha256: str
    meta: dict  # metadata as extracted (for review)
    clauses: int
    replaces: str | None = None  # doc_id this file replaces


@dataclass
class Staging:
    folder: Path
    accepted: list[Staged] = field(default_factory=list)
    refused: list[EditError] = field(default_factory=list)


@dataclass
class CommitReport:
    added: list[str] = field(default_factory=list)  # doc ids now indexed
    replaced: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # Vietnamese messages
    clauses: int = 0


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def staging_root(settings: Settings) -> Path:
    return settings.data_dir / "staging"


def corpus_doc_files(settings: Settings) -> dict[str, Path]:
    """doc_id (file stem) -> file in the corpus."""
    return {p.stem: p for p in list_files(settings.corpus_dir)}


def clean_stale(settings: Settings, older_than_s: float = 3600) -> int:
    """Remove stagings nobody confirmed or discarded (a closed browser tab); returns how many."""
    import time

    root, n = staging_root(settings), 0
    for d in root.glob("upload-*") if root.exists() else []:
        if d.is_dir() and time.time() - d.stat().st_mtime > older_than_s:
            shutil.rmtree(d, ignore_errors=True)
            n += 1
    return n


def stage(settings: Settings, uploads: list[tuple[str, int, "callable"]], replace: str | None = None) -> Staging:
    """Check uploads given as (name, size, read) — `read()` returns the bytes and is called only once the size is
    known to be acceptable. With `replace` (a doc_id), the single upload becomes the new version of that document
    (same id, so links to its clauses keep working)."""
    root = staging_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    clean_stale(settings)
    st = Staging(Path(tempfile.mkdtemp(prefix="upload-", dir=root)))
    existing = corpus_doc_files(settings)
    if replace is not None and replace not in existing:
        st.refused.append(EditError(replace, "name", "không có văn bản này trong kho"))
        return st
    if replace is not None and len(uploads) != 1:
        st.refused.append(EditError(replace, "name", "thay thế một văn bản bằng đúng một tệp"))
        return st
    hashes = {}
    for p in existing.values():
        if p.stem != replace:
            hashes[_sha(p.read_bytes())] = p.name
    stems: set[str] = set()
    for raw_name, size, read in uploads:
        try:
            if size > MAX_BYTES:
                raise EditError(raw_name, "too_large", f"{size / 1e6:.1f} MB, tối đa {MAX_BYTES / 1e6:.0f} MB")
            name = normalise_name(raw_name)
            stem = Path(name).stem
            if replace is not None:
                name = replace + Path(name).suffix
                stem = replace
            elif stem in existing:
                raise EditError(name, "name_taken", f"văn bản {existing[stem].name}; dùng \"Thay bằng phiên bản mới\" "
                                                    "để thay, hoặc đổi tên tệp")
            if stem in stems:
                raise EditError(name, "name_taken", "hai tệp cùng tên trong lần tải lên này")
            data = read()
            if not data:
                raise EditError(name, "empty")
            h = _sha(data)
            if h in hashes:
                raise EditError(name, "duplicate", f"trùng với {hashes[h]}")
            path = st.folder / name
            path.write_bytes(data)
            try:
                doc = ingest_file(path, stem, name, None)
            except IngestError as e:
                path.unlink(missing_ok=True)
                raise EditError(name, e.code) from None
            hashes[h] = name
            stems.add(stem)
            st.accepted.append(Staged(name, raw_name, path, h, {k: doc["meta"].get(k) for k in FIELDS},
                                      len(doc["clauses"]), replace))
        except EditError as e:
            st.refused.append(e)
    return st


def discard(staging: Staging) -> None:
    shutil.rmtree(staging.folder, ignore_errors=True)


def clean_corrections(staged_meta: dict, edited: dict) -> dict:
    """The fields the editor changed (empty text means "not stated": None); dates must be YYYY-MM-DD."""
    out = {}
    for k in EDITABLE:
        if k not in edited:
            continue
        v = (edited[k] or "").strip() if isinstance(edited[k], str) or edited[k] is None else edited[k]
        v = v or None
        if k == "date" and v is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise EditError(k, "name", f"ngày \"{v}\" phải có dạng YYYY-MM-DD")
        if v != staged_meta.get(k):
            out[k] = v
    return out


def _build(settings: Settings, embedder=None, progress=None):
    from .build import build_all

    return build_all(settings, embed_progress=progress, embedder=embedder)


def _indexed(settings: Settings) -> dict[str, str]:
    """doc_id -> sha256 of what the live index was built from."""
    from index.store import read_manifest

    man = read_manifest(settings.index_dir)
    return dict(man["corpus"]["documents"]) if man else {}


def commit(settings: Settings, staging: Staging, edits: dict[str, dict] | None = None, embedder=None,
           progress=None) -> CommitReport:
    """Put the staged files into the corpus with the editor's metadata corrections (file name -> fields), rebuild,
    and report as added only documents the new index holds; files that did not make it are taken out again
    (and a replaced document gets its old version back)."""
    edits = edits or {}
    rep = CommitReport()
    corpus = settings.corpus_dir
    old_corr = corrections.load(corpus)
    new_corr = dict(old_corr)
    backup = staging.folder / "previous"
    backup.mkdir(exist_ok=True)
    moved: list[tuple[Staged, Path, list[Path]]] = []
    existing = corpus_doc_files(settings)
    try:
        for s in staging.accepted:
            olds = []
            if s.replaces:
                for p in list_files(corpus):
                    if p.stem == s.replaces:
                        shutil.move(str(p), backup / p.name)
                        olds.append(backup / p.name)
                        new_corr.pop(p.name, None)
            elif s.path.stem in existing:  # the corpus changed since staging
                rep.refused.append(str(EditError(s.name, "name_taken")))
                continue
            target = corpus / s.name
            shutil.copyfile(s.path, target)
            moved.append((s, target, olds))
            fields = edits.get(s.name)
            if fields:
                new_corr[s.name] = fields
        corrections.save(corpus, new_corr)
        build = _build(settings, embedder, progress)
        live = _indexed(settings)
        failed = []
        for s, target, olds in moved:
            if live.get(target.stem) == s.sha256:
                (rep.replaced if s.replaces else rep.added).append(target.stem)
            else:
                why = next((e for e in build.ingest.errors if Path(e.path).name == s.name), None)
                rep.refused.append(problem_vi(why, s.name) if why else str(EditError(s.name, "not_indexed")))
                failed.append((s, target, olds))
        if failed:  # undo what did not make it, so the corpus matches the index again
            for s, target, olds in failed:
                target.unlink(missing_ok=True)
                new_corr.pop(s.name, None)
                for o in olds:
                    shutil.move(str(o), corpus / o.name)
            corrections.save(corpus, new_corr)
            _build(settings, embedder)
        from index.store import read_manifest

        rep.clauses = ((read_manifest(settings.index_dir) or {}).get("corpus") or {}).get("clauses", 0)
    finally:
        discard(staging)
    return rep


def correct(settings: Settings, doc_id: str, fields: dict, embedder=None) -> None:
    """Store metadata corrections for a document already in the corpus and rebuild (an empty dict removes them)."""
    files = corpus_doc_files(settings)
    if doc_id not in files:
        raise EditError(doc_id, "name", "không có văn bản này trong kho")
    corr = corrections.load(settings.corpus_dir)
    name = files[doc_id].name
    if fields:
        corr[name] = fields
    else:
        corr.pop(name, None)
    corrections.save(settings.corpus_dir, corr)
    _build(settings, embedder)


def remove(settings: Settings, doc_id: str, embedder=None) -> None:
    """Take a document out of the corpus and the index (its corrections too)."""
    files = corpus_doc_files(settings)
    if doc_id not in files:
        raise EditError(doc_id, "name", "không có văn bản này trong kho")
    path = files[doc_id]
    corr = corrections.load(settings.corpus_dir)
    corr.pop(path.name, None)
    path.unlink()
    corrections.save(settings.corpus_dir, corr)
    _build(settings, embedder)
    if doc_id in _indexed(settings):
        raise EditError(doc_id, "not_indexed", "chỉ mục vẫn còn văn bản này; hãy chạy lại policyqa build")
