"""The clause table gives back each ingestion record as it was written, old records with "segmented" included."""
from __future__ import annotations

import json

import pyarrow as pa
from pyarrow import ipc

from index import clause_table


def _record(**over):
    rec = {"clause_id": "d:II.1", "path": "II.1", "kind": "item", "citation_path": "mục II.1", "label": "1",
           "parent": "d:II", "depth": 1, "heading": "1. Tuyên truyền", "breadcrumb": ["II. NHIỆM VỤ"],
           "text": "1. Tuyên truyền, phổ biến Kết luận số 62-KL/TW.", "notes": [],
           "search_text": "II. NHIỆM VỤ 1. Tuyên truyền, phổ biến Kết luận số 62-KL/TW.",
           "span": [10, 60],
           "fields": {"lead": "Sở Nội vụ"}}
    rec.update(over)
    return rec


def test_records_with_and_without_segmentation_round_trip(tmp_path):
    new = _record()  # ingestion no longer segments
    old = _record(clause_id="d:II.2", segmented="Tuyên_truyền , phổ_biến")  # a record from before
    odd = _record(clause_id="d:II.3", depth="x")  # a value of the wrong type goes to `extra`
    path = tmp_path / "clauses.arrow"
    assert clause_table.write(path, [{"clauses": [new, old, odd]}]) == 3
    t = clause_table.ClauseTable(path)
    assert t.rows([0, 1, 2]) == [new, old, odd]
    assert "segmented" not in t.rows([0])[0]
    # the absent segmentation costs a null, not a per-row note of what is missing
    extra = ipc.open_file(pa.memory_map(str(path), "r")).read_all().column("extra").to_pylist()
    assert [json.loads(e) for e in extra[:2]] == [{"citation_path": "mục II.1"}] * 2  # no "__missing__" entry
    assert json.loads(extra[2]) == {"citation_path": "mục II.1", "depth": "x"}
