"""Clause rows as columns (an Arrow IPC file, memory-mapped) instead of a JSONL of nested dicts.

Each clause record of the ingestion output becomes one row: the keys every clause has get a typed column, the
document it belongs to is a row number into the document list (the document's metadata is stored once, not
once per clause), and any other key (fields other parsers add) goes into a JSON column, so nothing is dropped.
A reader maps the file and materialises the dict of a clause only when it is asked for (a hit, a page)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

# key -> (arrow type, python check). A value that fails its check is kept in `extra` instead.
_STR = (pa.string(), lambda v: isinstance(v, str))
_OPT_STR = (pa.string(), lambda v: v is None or isinstance(v, str))
_STR_LIST = (pa.list_(pa.string()), lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v))
COLUMNS: dict[str, tuple] = {
    "clause_id": _STR,
    "path": _STR,
    "kind": _STR,
    "label": _OPT_STR,
    "parent": _OPT_STR,
    "depth": (pa.int32(), lambda v: isinstance(v, int) and not isinstance(v, bool) and -2**31 <= v < 2**31),
    "heading": _STR,
    "breadcrumb": _STR_LIST,
    "text": _STR,
    "notes": _STR_LIST,
    "search_text": _STR,
    "span": (pa.list_(pa.int64()), lambda v: v is None or (isinstance(v, list) and all(
        isinstance(x, int) and not isinstance(x, bool) for x in v))),
    "segmented": _STR,
}
JSON_COLUMNS = ("fields",)  # nested values, kept as JSON text
SCHEMA = pa.schema([pa.field("doc", pa.int32(), nullable=False)]
                   + [pa.field(k, t) for k, (t, _) in COLUMNS.items()]
                   + [pa.field(k, pa.string()) for k in JSON_COLUMNS]
                   + [pa.field("extra", pa.string())])
_MISSING = "__missing__"  # in `extra`: known keys this record did not have
# Columns a record may lack, stored as null and read back as absent (no `extra` entry per row): ingestion stopped
# writing "segmented" (only a word-token index uses it, and it segments for itself); older tables still have it.
_OPTIONAL = frozenset({"segmented"})


def _dumps(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def write(path: Path, docs: list[dict], batch: int = 20_000) -> int:
    """Write the clauses of `docs` (ingestion records, in order) to `path`; returns the number of rows."""
    n = 0
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, SCHEMA) as w:
        cols: dict[str, list] = {f.name: [] for f in SCHEMA}

        def flush():
            if cols["doc"]:
                w.write_batch(pa.record_batch([pa.array(cols[f.name], f.type) for f in SCHEMA], schema=SCHEMA))
                for v in cols.values():
                    v.clear()

        for di, d in enumerate(docs):
            for c in d["clauses"]:
                cols["doc"].append(di)
                extra, missing = {}, []
                for k, (_, ok) in COLUMNS.items():
                    if k not in c or (k in _OPTIONAL and c[k] is None):
                        if k not in _OPTIONAL:
                            missing.append(k)
                        cols[k].append(None)
                    elif ok(c[k]):
                        cols[k].append(c[k])
                    else:
                        extra[k] = c[k]
                        cols[k].append(None)
                for k in JSON_COLUMNS:
                    if k in c:
                        cols[k].append(_dumps(c[k]))
                    else:
                        cols[k].append(None)
                        missing.append(k)
                for k, v in c.items():
                    if k not in COLUMNS and k not in JSON_COLUMNS:
                        extra[k] = v
                if missing:
                    extra[_MISSING] = missing
                cols["extra"].append(_dumps(extra) if extra else None)
                n += 1
                if len(cols["doc"]) >= batch:
                    flush()
        flush()
    return n


class ClauseTable:
    """A memory-mapped clause file: column access for ranking and filters, dicts for the clauses asked for."""

    SLICE_ROWS = 2000  # up to this many rows, one-row slices; beyond, one take() over the table

    def __init__(self, path: Path):
        self.path = Path(path)
        self._source = pa.memory_map(str(path), "r")
        reader = ipc.open_file(self._source)
        if reader.schema.remove_metadata() != SCHEMA:
            raise ValueError(f"{path.name}: unexpected columns {reader.schema.names}")
        self.table = reader.read_all()  # zero-copy over the mapping
        self._ids: list[str] | None = None
        self._row_of: dict[str, int] | None = None

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def doc_index(self) -> np.ndarray:
        """Row -> document number (int32)."""
        return self.table.column("doc").to_numpy()

    def column(self, name: str) -> list:
        return self.table.column(name).to_pylist()

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = self.column("clause_id")
        return self._ids

    @property
    def row_of(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {c: i for i, c in enumerate(self.ids)}
        return self._row_of

    def rows(self, idx: Iterable[int]) -> list[dict]:
        """The clause records of rows `idx` (as the ingestion wrote them, without the document fields)."""
        idx = list(idx)
        if not idx:
            return []
        if idx == list(range(idx[0], idx[0] + len(idx))):  # a document's clauses: one zero-copy slice
            return self.rows_slice(idx[0], idx[0] + len(idx))
        if len(idx) <= self.SLICE_ROWS:
            # Table.take gathers every column of the whole mapped table (measured 130 ms for 10 rows of 10^5);
            # a one-row slice is zero-copy (0.035 ms a row)
            sl = self.table.slice
            return [_record(sl(i, 1).to_pylist()[0]) for i in idx]
        return [_record(r) for r in self.table.take(pa.array(idx, pa.int64())).to_pylist()]

    def rows_slice(self, start: int, stop: int) -> list[dict]:
        return [_record(r) for r in self.table.slice(start, stop - start).to_pylist()]


def _record(r: dict) -> dict:
    extra = json.loads(r.pop("extra")) if r.get("extra") else {}
    missing = set(extra.pop(_MISSING, ()))
    r.pop("doc")
    out = {}
    for k in COLUMNS:
        if k in missing or (k in _OPTIONAL and r[k] is None and k not in extra):
            continue
        out[k] = extra.pop(k) if k in extra else r[k]
    for k in JSON_COLUMNS:
        if k not in missing:
            out[k] = json.loads(r[k])
    out.update(extra)
    return out
