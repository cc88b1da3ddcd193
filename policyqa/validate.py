"""Input validation shared by the CLI and the HTTP service: every value a user types is checked (and resolved to
what the library expects) at the edge, and a bad one is refused with a message that names it and, where it
helps, the valid range or the closest known values. Nothing here ranks or parses documents."""
from __future__ import annotations

import datetime as dt
import difflib
import re

from ingest.clean import fold, normalize

K_MIN, K_MAX = 1, 100  # search/ask retrieve at most 100 candidates per retriever (search.CANDIDATES)
LEVELS = ("trung ương", "tỉnh", "thành phố", "huyện", "xã")  # as the header reader gives them; "thành phố" as curated
MODES = ("hybrid", "dense", "bm25")
MAX_QUERY_CHARS = 2000  # a question is a sentence or two; a pasted clause fits; a whole document does not
CLAUSE_ID = re.compile(r"^(?P<doc>[^\s:]+):(?P<path>[0-9A-Za-z.()\-]+)$")


class InvalidInput(ValueError):
    """A user-supplied value that cannot be used. `field` names the option/parameter, str() is the message;
    `status` is the HTTP code the service answers with (422: a value it cannot use)."""

    def __init__(self, field: str, message: str, status: int = 422):
        self.field = field
        self.status = status
        super().__init__(message)


def _close(word: str, choices, n: int = 3) -> list[str]:
    """Closest known values, compared without diacritics or case (users type either)."""
    by_key: dict[str, str] = {}
    for c in choices:
        by_key.setdefault(fold(normalize(c)).lower(), c)
    keys = difflib.get_close_matches(fold(normalize(word)).lower(), list(by_key), n=n, cutoff=0.5)
    return [by_key[k] for k in keys]


def _hint(close: list[str]) -> str:
    return f"; did you mean: {', '.join(close)}?" if close else ""


def k(value, field: str = "k") -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, f"{field} must be a whole number from {K_MIN} to {K_MAX}, got {value!r}") from None
    if isinstance(value, float) and value != n or not K_MIN <= n <= K_MAX:
        raise InvalidInput(field, f"{field} must be from {K_MIN} to {K_MAX}, got {value}")
    return n


def mode(value: str | None) -> str:
    if value is None:
        return "hybrid"
    if value not in MODES:
        raise InvalidInput("mode", f"unknown mode {value!r}; choose one of {', '.join(MODES)}")
    return value


def query(value: str | None, field: str = "q") -> str:
    text = normalize(value or "")
    if not text:
        raise InvalidInput(field, f"{field} is empty; type a question or some words")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(field, f"{field} is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    return text


_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")  # 01/05/2024, as Vietnamese documents write it


def date(value: str | None, field: str) -> str | None:
    """ISO date (YYYY-MM-DD, month and day with or without the leading zero, or DD/MM/YYYY) → 'YYYY-MM-DD'.
    Dates are compared as dates: '2024-5-1' means 1 May 2024, not a string that sorts after '2024-12-31'."""
    if value is None or not str(value).strip():
        return None
    m = _DATE.match(str(value))
    if m:
        y, mo, d = map(int, m.groups())
    elif (m := _DMY.match(str(value))):
        d, mo, y = map(int, m.groups())
    else:
        raise InvalidInput(field, f"{field} {value!r} is not a date; write YYYY-MM-DD (e.g. 2024-05-01)")
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError as e:
        raise InvalidInput(field, f"{field} {value!r} is not a valid date ({e})") from None


def date_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    a, b = date(date_from, "date_from"), date(date_to, "date_to")
    if a and b and a > b:
        raise InvalidInput("date_from", f"date_from {a} is after date_to {b}")
    return a, b


def level(value: str | None) -> str | None:
    if not value:
        return None
    for lv in LEVELS:
        if fold(normalize(value)).lower() == fold(lv):
            return lv
    raise InvalidInput("level", f"unknown level {value!r}; choose one of {', '.join(LEVELS)}")


def _names(d: dict) -> list[str]:
    src = d["source"]
    return [d["doc_id"], d["meta"].get("number") or "", src, src.rsplit("/", 1)[-1]]


def document(docs: dict[str, dict], spec: str, field: str = "doc") -> str:
    """One document named by id, a unique id prefix ('004'), number ('12/KH-UBND', case and spaces ignored),
    file name or path → its doc_id. Unknown or ambiguous names are refused with the candidates."""
    spec = (spec or "").strip()
    if not spec:
        raise InvalidInput(field, f"{field} is empty")
    if spec in docs:
        return spec
    key = re.sub(r"\s+", "", spec).upper()
    exact = [did for did, d in docs.items() if any(n and re.sub(r"\s+", "", n).upper() == key for n in _names(d))]
    if len(set(exact)) == 1:
        return exact[0]
    prefix = [did for did in docs if did.startswith(spec)]
    if len(prefix) == 1:
        return prefix[0]
    if len(set(exact)) > 1 or len(prefix) > 1:
        many = sorted(set(exact) or set(prefix))
        raise InvalidInput(field, f"{field} {spec!r} matches {len(many)} documents ({', '.join(many)}); "
                                  "give a longer id prefix or the full id")
    raise InvalidInput(field, f"unknown document {spec!r}{_hint(_close_docs(docs, spec))} "
                              "(see `policyqa docs` or GET /documents)")


def _close_docs(docs: dict[str, dict], spec: str) -> list[str]:
    """Documents whose id (or its first len(spec) characters), number or file name is close to `spec`."""
    label: dict[str, str] = {}
    for did, d in docs.items():
        shown = f"{did} ({d['meta']['number']})" if d["meta"].get("number") else did
        for n in (did, did[:len(spec)], d["meta"].get("number"), d["source"].rsplit("/", 1)[-1]):
            if n:
                label.setdefault(n, shown)
    return list(dict.fromkeys(label[c] for c in _close(spec, label, n=5)))


def documents(docs: dict[str, dict], spec: str | None, field: str = "docs") -> str | None:
    """A comma-separated list of documents or provinces (compare --docs) → the same list with each name
    checked; returned as doc ids joined by commas. A province selects all its documents."""
    if not spec:
        return None
    out = []
    for part in [p.strip() for p in re.split(r",(?![^()]*\))", spec) if p.strip()]:
        try:
            out.append(document(docs, part, field))
        except InvalidInput as e:
            provinces = province_names(docs)
            hit = [p for p in provinces if fold(normalize(p)).lower() == fold(normalize(part)).lower()]
            if not hit:
                close = _close(part, provinces) + _close_docs(docs, part)
                raise InvalidInput(field, f"{field}: {part!r} is neither a document nor a province of the corpus"
                                          f"{_hint(close)}", ) from None
            out.extend(did for did, d in docs.items() if d["meta"].get("province") == hit[0])
    return ",".join(dict.fromkeys(out))


def _meta_values(docs: dict[str, dict], key: str) -> list[str]:
    return sorted({d["meta"].get(key) for d in docs.values()} - {None})


def _corpus_value(docs: dict[str, dict], key: str, value: str | None, plural: str) -> str | None:
    """A metadata value of the corpus, typed with or without diacritics, in any case → its spelling in the documents;
    one the corpus lacks is refused with the close spellings and the full list."""
    if not value or not value.strip():
        return None
    names = _meta_values(docs, key)
    want = fold(normalize(value)).lower().strip()
    for n in names:
        if fold(n).lower() == want:
            return n
    raise InvalidInput(key, f"no document of {key} {value!r} in the corpus{_hint(_close(value, names))} "
                            f"({plural}: {', '.join(names) or 'none'})")


def doc_type(docs: dict[str, dict], value: str | None) -> str | None:
    """A document type of the corpus ("ke hoach", "NGHỊ ĐỊNH", "Kế hoạch") → its spelling in the documents."""
    return _corpus_value(docs, "type", value, "types")


def province_names(docs: dict[str, dict]) -> list[str]:
    return _meta_values(docs, "province")


def province(docs: dict[str, dict], value: str | None) -> str | None:
    """A province of the corpus, typed with or without diacritics → its name as the documents write it."""
    return _corpus_value(docs, "province", value, "provinces")


def clause_id(engine, value: str) -> str | None:
    """When `value` is shaped like a clause id ('004_d5bd…:II.2.b', or with a unique id prefix '004:II.2.b'),
    the clause id it names; an unknown one is refused (rather than compared as words) with the document's
    closest clause paths. Returns None for text that is not a clause id (a worded task)."""
    engine_rows_of, docs = engine.row_of, engine.docs
    m = CLAUSE_ID.match(value.strip())
    if not m:
        return None
    if value.strip() in engine_rows_of:
        return value.strip()
    try:
        did = document(docs, m["doc"], "clause")
    except InvalidInput:
        if not re.match(r"^[0-9A-Za-z_\-]+$", m["doc"]) or not any(c.isdigit() for c in m["doc"]):
            return None  # "Lưu ý: …"-like text, not an id
        raise InvalidInput("clause", f"unknown clause id {value.strip()!r}: no document {m['doc']!r}") from None
    cid = f"{did}:{m['path']}"
    if cid in engine_rows_of:
        return cid
    paths = [c.split(":", 1)[1] for c in engine_rows_of if c.startswith(did + ":")]
    close = difflib.get_close_matches(m["path"], paths, n=5, cutoff=0.4)
    raise InvalidInput("clause", f"unknown clause id {value.strip()!r}: document {did} has no clause "
                                 f"{m['path']!r}{_hint([f'{did}:{p}' for p in close])}")


def filters(docs: dict[str, dict], province_: str | None = None, doc: str | None = None, level_: str | None = None,
            date_from: str | None = None, date_to: str | None = None, type_: str | None = None):
    """The search filters with every value checked and resolved (doc → its id, province and type → their
    spelling in the corpus)."""
    from .search import Filters

    a, b = date_range(date_from, date_to)
    return Filters(province(docs, province_), document(docs, doc) if doc else None, level(level_), a, b,
                   doc_type(docs, type_))


def threshold(value: float | None, field: str = "threshold") -> float | None:
    if value is None:
        return None
    if not 0 <= value <= 1:
        raise InvalidInput(field, f"{field} must be from 0 to 1, got {value}")
    return float(value)
