"""Grounded, extractive answers: read the question once (policyqa.query), then answer from what the index
holds, with citations — task fields of retrieved clauses, the task registry (what an agency must do, what
falls due when), or document metadata (who signed, when issued, what it implements). No supporting clause
or record, no answer: "Không tìm thấy"."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ingest import agencies as agency_names
from ingest.clean import fold, normalize, syllables

from . import citation
from .engine import Engine
from .query import Query, analyse_for
from .question import KINDS
from .search import Filters, filter_mask, hit, retrieve
from .tasks import agency_matches

SUPPORT_MIN = 0.6  # IDF-weighted share of the question's content words a supporting clause must contain
# Paraphrase: a clause whose words cover less of the question may still support it when the embedding model
# puts it close to the question (coverage >= SEMANTIC_COVERAGE_MIN and cosine >= SEMANTIC_COSINE_MIN).
# Tuned with scripts/tune_support.py on the tune split of the labelled questions (2026-11-23): with
# multilingual-e5-small no cosine separates paraphrases from unrelated questions here (the paraphrase
# "dồn, gộp điểm trường" → "thu gọn các điểm trường" scores 0.822; "xây dựng cầu vượt biển", which no plan
# mentions, 0.821 against its best clause, and unrelated clauses reach 0.86), so every pair that answers no
# unanswerable question gains nothing, and the strictest was kept: the cosine condition is off (> 1) until
# a model that separates them is tuned in. Paraphrases that share rarer words are caught lexically.
SEMANTIC_COVERAGE_MIN = 0.5
SEMANTIC_COSINE_MIN = 1.01
TASK_SUPPORT_MIN = 0.5  # an agency question's remaining words ("… trong việc sắp xếp đơn vị hành chính") vs a task
SAME_DOC_MARGIN = 0.1  # another clause of the same document answers too when its support is this close


def support(terms: list[str], text: str) -> float:
    if not terms:
        return 0.0
    have = set(fold(s) for s in syllables(text))
    return sum(t in have for t in terms) / len(terms)


def supported(cov: float, cos: float | None) -> bool:
    """Lexical coverage alone, or less coverage with semantic evidence (cosine of question and clause)."""
    return cov >= SUPPORT_MIN or (cos is not None and cov >= SEMANTIC_COVERAGE_MIN and cos >= SEMANTIC_COSINE_MIN)


class Answerer(Protocol):
    """Turns supporting clauses into answers. The extractive one below is the only one shipped:
    a local generator could implement this interface, as long as every answer cites its clause."""

    def answer(self, question: str, kind: str, supporting: list[dict]) -> list[dict]: ...


def _figures(q: Query) -> set[str]:
    return {m.replace(",", ".") for m in re.findall(r"(\d+(?:[.,]\d+)?)\s*%", q.text)}


def _target_text(targets: list[dict], q: Query) -> str | None:
    """The targets of a clause that fit the question: its (target) year, the figure it names, its words.
    "so với giai đoạn 2016 - 2020" in the question is a baseline, not the year the figure is due."""
    if q.years:
        targets = [t for t in targets if t["year"] and any(y in t["year"] for y in q.years)]
    figs = _figures(q)
    if figs:
        targets = [t for t in targets if t["value"].rstrip("%") in figs]
    if q.baseline_years:
        base = [t for t in targets if any(y in t["text"] for y in q.baseline_years)]
        targets = base or targets
    if not targets:
        return None  # the clause's figures are for another year or figure: not an answer to this question
    terms = [t for t in q.terms if t not in q.years and t not in q.baseline_years]
    best = max(support(terms, t["text"]) for t in targets)
    groups: dict[tuple, list[str]] = {}
    for t in targets:
        if support(terms, t["text"]) >= best - 1e-9:
            groups.setdefault((t["text"], t["year"]), []).append(t["value"])
    parts = [f"{', '.join(dict.fromkeys(v))}" + (f" (năm {y})" if y else "") + f": {txt}"
             for (txt, y), v in list(groups.items())[:3]]
    return "; ".join(parts)


def _answer(h: dict, kind: str, text: str, **extra) -> dict:
    return {"text": text, "doc": h["doc"], "section": h["section"], "citation": h["citation"],
            "clause_id": h["clause_id"], "source": h["source"],
            "short": f"{citation.short(h['doc'], h['section'])}: {text}", "kind": kind,
            "field_source": h.get("field_sources", {}).get(kind), "clause_text": h["text"],
            "directing": h["fields"].get("directing") if kind == "lead" else None, "support": h.get("support"),
            "notes": h.get("notes") or [], **extra}


class ExtractiveAnswerer:
    def answer(self, question: str | Query, kind: str, supporting: list[dict]) -> list[dict]:
        q = question if isinstance(question, Query) else analyse_for(None, question)
        out, best_of_doc, texts = [], {}, {}
        for h in supporting:
            did = h["doc_id"]
            if did in best_of_doc and h["support"] < best_of_doc[did] - SAME_DOC_MARGIN:
                continue  # a weaker clause of a document already answered
            f = h["fields"]
            if kind == "target":
                text = _target_text(f.get("targets") or [], q) if f.get("targets") else None
            elif kind == "task":
                text = h["heading"]
            else:
                text = f.get(kind)
            if not text or text in texts.setdefault(did, set()):
                continue
            best_of_doc.setdefault(did, h["support"])
            texts[did].add(text)
            out.append(_answer(h, kind, text))
        return out


@dataclass
class AskResult:
    question: str
    kind: str
    answers: list[dict]
    hits: list[dict]
    message: str = ""
    content: list[str] = field(default_factory=list)
    filters: Filters | None = None
    query: Query | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def to_json(self) -> dict:
        q = self.query
        return {"question": self.question, "kind": self.kind, "answers": self.answers, "hits": self.hits,
                "message": self.message,
                "filters": {k: v for k, v in vars(self.filters).items() if v} if self.filters else {},
                # additions: what the question was read as
                "analysis": {"provinces": q.provinces, "agencies": [a["canonical"] for a in q.agencies],
                             "years": q.years, "baseline_years": q.baseline_years, "numbers": q.numbers,
                             "role": q.role, "terms": q.terms} if q else None}


def _doc_of_number(engine: Engine, number: str) -> list[str]:
    k = re.sub(r"[^0-9a-z]", "", fold(number).lower())
    return [did for did, d in engine.docs.items()
            if d["meta"].get("number") and re.sub(r"[^0-9a-z]", "", fold(d["meta"]["number"]).lower()) == k]


def _scope(engine: Engine, q: Query, filters: Filters | None) -> list[str]:
    """Documents a question is about: those it names by number, else its province, else all."""
    ids = list(engine.docs)
    named = [d for n in q.numbers for d in _doc_of_number(engine, n)]
    if named:
        ids = named
    elif q.numbers:
        return []  # "Ai ký Kế hoạch 99/KH-UBND?": a number no document of the corpus has
    elif q.provinces:
        ids = [d for d in ids if engine.docs[d]["meta"].get("province") in q.provinces] or ids
    if q.levels and not named:
        ids = [d for d in ids if engine.docs[d]["meta"].get("level") in q.levels] or ids
    if filters and filters.active():
        flt = filter_mask(engine, filters)  # the backend's ClauseFilter: decided per document here
        ids = [d for d in ids if _doc_allowed(flt, d, engine.docs[d]["meta"])]
    return ids


def _doc_allowed(flt, did: str, meta: dict) -> bool:
    if flt.doc_ids and did not in flt.doc_ids:
        return False
    if flt.provinces and meta.get("province") not in flt.provinces:
        return False
    if flt.levels and meta.get("level") not in flt.levels:
        return False
    if flt.types and meta.get("type") not in flt.types:
        return False
    if flt.date_from or flt.date_to:
        date = meta.get("date")
        return bool(date) and (not flt.date_from or date >= flt.date_from) and (not flt.date_to or date <= flt.date_to)
    return True


def _anchor(engine: Engine, did: str, mention: str | None = None) -> dict:
    """The clause a document-level answer cites: the one that mentions `mention`, else the preamble/first."""
    rows = [r for r in engine.rows if r["doc_id"] == did]
    if mention:
        k = fold(mention).lower()
        for r in rows:
            if k in fold(r["text"]).lower():
                return r
    return next((r for r in rows if r["path"] == "0"), rows[0])


def _doc_answer(engine: Engine, did: str, text: str, kind: str, mention: str | None = None) -> dict:
    r = _anchor(engine, did, mention)
    meta = engine.docs[did]["meta"]
    doc = {k: meta.get(k) for k in ("number", "title", "issuer", "province", "date", "type")}
    return {"text": text, "doc": doc, "section": r["path"], "citation": citation.citation(meta, r["path"]),
            "clause_id": r["clause_id"], "source": r["source"], "short": f"{citation.short(doc, r['path'])}: {text}",
            "kind": kind, "field_source": "metadata", "clause_text": r["text"], "directing": None, "support": None}


def _date_vn(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def _ref_matches(ref: tuple[str, str], number: str) -> bool:
    """("ket luan", "50") names "50-KL/TW"; ("nghi quyet", "19") names "19-NQ/TW"; ("ke hoach", "248") "248-KH/TU"."""
    code = {"ket luan": "KL", "nghi quyet": "NQ", "ke hoach": "KH", "chuong trinh": "CTR", "thong bao": "TB",
            "quyet dinh": "QD", "chi thi": "CT"}[ref[0]]
    m = re.match(r"(\d+)\s*[-/]\s*([A-Za-zĐđ]+)", number)
    return bool(m) and m.group(1) == ref[1] and fold(m.group(2)).upper() == code


def answer_document(engine: Engine, q: Query, filters: Filters | None) -> list[dict]:
    """Who signed, when issued, its number, its issuer, what it implements, which documents implement X."""
    f = q.folded
    implementing = re.search(r"(van ban|ke hoach|nhung van ban|nhung ke hoach|tinh) nao (trien khai|thuc hien|cu the hoa)", f)
    if implementing or (q.references and not q.numbers and not re.search(r"\bai ky|ngay|so hieu", f)):
        refs = q.references
        out = []
        for did in _scope(engine, Query(**{**vars(q), "numbers": []}), filters):
            meta = engine.docs[did]["meta"]
            impl = (meta.get("implements") or []) + [r.get("number", "") if isinstance(r, dict) else r
                                                     for r in meta.get("references") or []]
            hit_ = next((n for n in impl for r in refs if _ref_matches(r, n)), None)
            if hit_ and refs:
                name = meta.get("number") or meta.get("title")
                out.append(_doc_answer(engine, did, f"{meta.get('type') or 'Văn bản'} {name} ({meta.get('issuer')}) "
                                       f"thực hiện {hit_}", "document", hit_.split("/")[0].split("-")[0] and hit_))
        return out
    ids = _scope(engine, q, filters)
    if not q.numbers and not q.provinces:
        return []  # "Ai ký kế hoạch?" without saying which: no grounded answer
    out = []
    for did in ids:
        meta = engine.docs[did]["meta"]
        if re.search(r"\bai ky|nguoi ky|ky ban hanh|duoc ky", f):
            v = meta.get("signer") and f"Người ký: {meta['signer']}"
        elif re.search(r"co quan nao ban hanh|ai ban hanh|do (co quan )?nao ban hanh", f):
            v = meta.get("issuer") and f"Cơ quan ban hành: {meta['issuer']}"
        elif re.search(r"so hieu|so ky hieu|\bso may\b|so bao nhieu", f):
            v = meta.get("number") and f"Số hiệu: {meta['number']}"
        elif re.search(r"(trien khai|thuc hien|can cu|cu the hoa) (nhung |cac )?(van ban|nghi quyet|ket luan|ke hoach) nao"
                       r"|ban hanh (de )?(thuc hien|trien khai)", f):
            v = meta.get("implements") and "Thực hiện: " + ", ".join(meta["implements"])
        else:
            v = meta.get("date") and f"Ngày ban hành: {_date_vn(meta['date'])}"
        if v:
            out.append(_doc_answer(engine, did, v, "document"))
    return out


def _task_answer(engine: Engine, t: dict, kind: str, role: str | None) -> dict:
    from .tasks import row

    r = row(engine, _registry_task(engine, t["task_id"]), 0, role)
    clause = engine.clause(r["clause_id"])
    label = {"lead": "Chủ trì", "coordinating": "Phối hợp"}.get(role or "", "")
    dl = (r.get("deadline") or {}).get("text")
    text = (f"{label}: " if label else "") + r["task"] + (f" (thời hạn: {dl})" if dl else "")
    return {"text": text, "doc": r["doc"], "section": r["section"], "citation": r["citation"],
            "clause_id": r["clause_id"], "source": clause["source"] if clause else r["file"],
            "short": f"{citation.short(r['doc'], r['section'])}: {text}", "kind": kind, "field_source": "registry",
            "clause_text": clause["text"] if clause else r["task"], "directing": None, "support": None,
            "notes": clause["notes"] if clause else [],
            "task_id": r["task_id"], "role": role, "lead": r["lead_text"], "coordinating": r["coordinating_text"],
            "deadline": r["deadline"]}


def _registry_task(engine: Engine, task_id: str) -> dict:
    did = task_id.split(":")[0]
    return next(t for t in engine.docs[did].get("tasks") or [] if t["task_id"] == task_id)


_REQUEST_WORDS = set("""lam viec cong nhiem vu giao duoc phan trach chiu gi nao nhung cac chu tri phoi hop tham gia
    cu the thuc hien trien khai hien nay theo so""".split())


def answer_agency_tasks(engine: Engine, q: Query, filters: Filters | None) -> list[dict]:
    """Every task the named agency leads or coordinates (in the question's province or plan), grouped by
    document in document order; words left in the question beyond the agency narrow the tasks."""
    known = [a for a in q.agencies if a.get("known")]
    if not known:
        return []
    drop = q.drop() + tuple(q.numbers) + ("kế hoạch", "ke hoach", "thành phố", "tỉnh", "huyện")
    from .question import content_units

    units = content_units(q.expanded, not q.accented, drop)
    # words that only restate the request ("phải làm những việc gì", "được giao nhiệm vụ") narrow nothing
    units = [u if u and fold(u) not in _REQUEST_WORDS else None for u in units]
    words = [u for u in units if u]
    out = []
    for did in _scope(engine, q, filters):
        for t in engine.docs[did].get("tasks") or []:
            role = None
            for a in known:
                if any(agency_matches(a["key"], e) for e in (t.get("leads") or [])):
                    role = "lead"
                elif any(agency_matches(a["key"], e) for e in t.get("coordinating") or []):
                    role = role or "coordinating"
            if role is None or (q.role != "any" and role != q.role):
                continue
            if words and engine.coverage_units(units, not q.accented, t["task"]) < TASK_SUPPORT_MIN:
                continue
            out.append(_task_answer(engine, t, "agency_tasks", role))
    return out


def answer_due(engine: Engine, q: Query, filters: Filters | None) -> list[dict]:
    """Documents with tasks due in the month (or year) the question names, each task cited."""
    from .tasks import query_tasks

    from ingest.tasks import deadline

    d = deadline(q.text)  # the period the question names, read as a plan's timeframe is
    if not d or not d["end"]:
        return []
    lo, hi = d["start"] or d["end"][:4] + "-01-01", d["end"]
    ids = set(_scope(engine, q, filters))
    rows = query_tasks(engine, due_from=lo, due_to=hi)["tasks"]
    return [_task_answer(engine, _registry_task(engine, r["task_id"]), "due", None) for r in rows if r["doc_id"] in ids]


def answer_purpose(engine: Engine, q: Query, filters: Filters | None) -> list[dict]:
    """The plan's stated purposes (the "Mục đích" item of section I), for the plan(s) the question names."""
    out = []
    for did in _scope(engine, q, filters):  # a plan not named: each plan's purposes
        rows = [r for r in engine.rows if r["doc_id"] == did]
        head = next((r for r in rows if re.match(r"^\d+\.\s*Mục đích", r["text"])), None)
        if head is None:
            continue
        kids = [r for r in rows if r.get("parent") == head["clause_id"]] or [head]
        for r in kids:
            h = {"doc": {k: r["doc"].get(k) for k in ("number", "title", "issuer", "province", "date", "type")},
                 "section": r["path"], "citation": citation.citation(r["doc"], r["path"]), "clause_id": r["clause_id"],
                 "source": r["source"], "text": r["text"], "fields": {}, "support": None}
            out.append(_answer(h, "purpose", r["text"]))
    return out


def _names_agency(h: dict, named: list[dict]) -> bool:
    f = h["fields"]
    ents = agency_names.split(f.get("lead")) + agency_names.split(f.get("coordinating"))
    return any(agency_matches(a["key"], e) for a in named for e in ents)


def ask(engine: Engine, question: str | Query, k: int = 20, filters: Filters | None = None,
        answerer: Answerer | None = None, max_docs: int = 5) -> AskResult:
    q = question if isinstance(question, Query) else analyse_for(engine, question)
    kind = q.kind
    # "… ở Hải Phòng": a named province narrows the search instead of being a word to match
    got = retrieve(engine, q, "hybrid", filters)
    filters = got.filters
    hits = []
    for n, (i, s, parts) in enumerate(got.ranked[:k]):
        h = hit(engine, i, n + 1, s, parts, q)
        r = engine.rows[i]
        h["support"] = round(engine.coverage(q, r["search_text"]), 3)
        h["field_sources"] = {k2: v["source"] for k2, v in r["fields"].items()}
        hits.append(h)
    special = {"document": answer_document, "agency_tasks": answer_agency_tasks, "due": answer_due,
               "purpose": answer_purpose}
    if kind in special:
        answers = special[kind](engine, q, filters)
        msg = "" if answers else (f"Không tìm thấy thông tin ({KINDS[kind].lower()}) cho câu hỏi này trong các văn "
                                  "bản. Dưới đây là các điều khoản gần nhất để tham khảo.")
        return AskResult(q.text, kind, answers, hits[:10], msg, q.terms, filters, q)
    if not q.terms:
        return AskResult(q.text, kind, [], hits,
                         "Câu hỏi chưa nêu nhiệm vụ cụ thể nào, nên không thể trả lời có căn cứ. Hãy nêu rõ nhiệm vụ "
                         "(ví dụ: \"Khi nào phải hoàn thành đề án chính quyền đô thị?\").", q.terms, filters, q)
    supporting = [h for h in hits if supported(h["support"], h["scores"].get("dense"))]
    if q.levels:
        supporting = [h for h in supporting if h["level"] in q.levels] or supporting
    # "Ban Tổ chức Huyện ủy phối hợp với ai …": the clauses that assign work to the agency the question
    # opens with (its subject; an agency later in the question is part of the task's wording)
    named = [a for a in q.agencies if a.get("known") and fold(q.expanded).lower().startswith(fold(a["name"]).lower())]
    if named and kind != "lead":
        own = [h for h in supporting if _names_agency(h, named)]
        supporting = own or supporting
    # best-supported first (in steps, so retrieval order still decides between near-equals)
    supporting.sort(key=lambda h: (-round(h["support"] * 10), h["rank"]))
    answers = (answerer or ExtractiveAnswerer()).answer(q, kind, supporting)
    kept_docs = list(dict.fromkeys(a["clause_id"].split(":")[0] for a in answers))[:max_docs]
    answers = [a for a in answers if a["clause_id"].split(":")[0] in kept_docs]
    msg = "" if answers else (f"Không tìm thấy điều khoản nào trong các văn bản nêu {KINDS[kind].lower()} "
                              "cho nội dung này. Dưới đây là các điều khoản gần nhất để tham khảo.")
    return AskResult(q.text, kind, answers, hits[:10], msg, q.terms, filters, q)


def question_kind(question: str) -> str:
    """Kind of a question as `ask` reads it (agencies it names included)."""
    return analyse_for(None, question).kind
