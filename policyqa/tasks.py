"""The assignment table: tasks of the task registry (built at ingestion, ingest.tasks.registry) filtered by
document, agency and role, province and deadline, with citations. `policyqa tasks`, the HTTP API and the
app's "Phân công nhiệm vụ" page all call query_tasks."""
from __future__ import annotations

import re

from ingest import agencies
from ingest.clean import fold, normalize

from . import citation
from .search import doc_ids_matching

ROLES = ("lead", "coordinating", "any")


def _entities(task: dict, role: str) -> list[dict]:
    lead = task.get("leads") or ([task["lead"]] if task.get("lead") else [])
    if role == "lead":
        return lead
    if role == "coordinating":
        return task.get("coordinating") or []
    return lead + (task.get("coordinating") or [])


def agency_matches(wanted_key: str, entity: dict) -> bool:
    """Does an agency named by a user ("Sở Nội vụ", "Ban Tổ chức", "so ke hoach va dau tu") name this
    entity? Same key, or the user's name is the entity's without its level ("Ban Tổ chức" → "Ban Tổ
    chức Tỉnh ủy"). Groups ("các sở, ban, ngành") are matched only by their own name: a question about
    Sở Tài chính is not answered with what "các sở" must do."""
    k = agencies.key(entity.get("canonical") or entity.get("name") or "")
    if k == wanted_key:
        return True
    return not entity.get("group") and k.startswith(wanted_key + " ") and bool(
        re.fullmatch(r"(?:tinh uy|huyen uy|thanh uy|tinh|huyen|thanh pho|cap tinh|cap huyen)", k[len(wanted_key) + 1:]))


def _role_of(task: dict, wanted_key: str) -> str | None:
    if any(agency_matches(wanted_key, e) for e in _entities(task, "lead")):
        return "lead"
    if any(agency_matches(wanted_key, e) for e in task.get("coordinating") or []):
        return "coordinating"
    return None


def _due_in(task: dict, due_from: str | None, due_to: str | None) -> bool:
    """A task is due in [from, to] when its deadline ends there; a task without an end date (ongoing,
    recurring, "từ năm 2024") is not due in any window."""
    d = task.get("deadline") or {}
    end = d.get("end")
    if not end:
        return False
    return (not due_from or end >= due_from) and (not due_to or end <= due_to)


def _name(e: dict | None) -> str | None:
    return e.get("name") if e else None


def row(engine, task: dict, stt: int, role: str | None = None) -> dict:
    doc = engine.docs[task["doc_id"]]
    meta = doc["meta"]
    targets = task.get("targets") or []
    return {
        "stt": stt,
        "task_id": task["task_id"],
        "doc_id": task["doc_id"],
        "clause_id": task["clause_id"],
        "section": task["path"],
        "task": task["task"],
        "lead": task.get("lead"),
        "lead_text": task.get("lead_text") or _name(task.get("lead")),
        "coordinating": task.get("coordinating") or [],
        "coordinating_text": task.get("coordinating_text")
        or "; ".join(e["name"] for e in task.get("coordinating") or []) or None,
        "directing": task.get("directing"),
        "deadline": task.get("deadline"),
        "targets": targets,
        "targets_text": "; ".join(f"{t['value']}{t['unit']}" + (f" (năm {t['year']})" if t.get("year") else "")
                                  for t in targets) or None,
        "product": task.get("product"),
        "citation": citation.citation(meta, task["path"], task.get("citation_path")),
        "doc": {k: meta.get(k) for k in ("number", "title", "issuer", "province", "date", "type")},
        "source": task.get("source"),
        "file": doc["source"],
        "role": role,
    }


def query_tasks(engine, doc: str | None = None, agency: str | None = None, role: str = "any",
                province: str | None = None, due_from: str | None = None, due_to: str | None = None) -> dict:
    """The assignment table as a JSON-ready dict: {"filters": {...}, "tasks": [row, …]} in document order.
    `doc`: id, number, file name or province (as `--docs`); `agency`: any spelling of an agency's name
    (abbreviations accepted); `role`: lead | coordinating | any; dates ISO yyyy-mm-dd."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    for name, v in (("due_from", due_from), ("due_to", due_to)):
        if v and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError(f"{name} must be a date yyyy-mm-dd, got {v!r}")
    doc_ids = list(engine.docs)
    if doc:
        doc_ids = doc_ids_matching(engine, doc)
        if not doc_ids:
            raise ValueError(f"no document matches {doc!r}")
    wanted = agencies.key(agency) if agency else None
    rows = []
    for did in doc_ids:
        d = engine.docs[did]
        if province and fold(normalize(d["meta"].get("province") or "")) != fold(normalize(province)):
            continue
        for t in d.get("tasks") or []:
            r = None
            if wanted:
                r = _role_of(t, wanted)
                if r is None or (role != "any" and r != role):
                    continue
            if (due_from or due_to) and not _due_in(t, due_from, due_to):
                continue
            rows.append(row(engine, t, len(rows) + 1, r))
    filters = {k: v for k, v in (("doc", doc), ("agency", agency), ("role", role if agency else None),
                                  ("province", province), ("due_from", due_from), ("due_to", due_to)) if v}
    return {"filters": filters, "tasks": rows}


def known_agency_keys(engine) -> set[str]:
    """Keys of every named (non-group) agency the registry holds: what a question can name."""
    keys = set()
    for d in engine.docs.values():
        for t in d.get("tasks") or []:
            for e in (t.get("leads") or []) + (t.get("coordinating") or []):
                if not e.get("group"):
                    keys.add(agencies.key(e["canonical"]))
    return keys


def deadline_text(d: dict | None) -> str:
    if not d:
        return ""
    return d["text"]
