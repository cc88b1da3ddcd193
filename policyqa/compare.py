"""How documents word the same task: the best clause of each document side by side, with the lead
agency, timeframe and a word-level diff; documents without a close enough clause are marked missing.
Also a whole-document alignment of two documents."""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field

import numpy as np

from ingest.clean import normalize
from ingest.segment import strip_marker

from . import citation
from .engine import Engine
from .query import analyse
from .search import doc_ids_matching

# When does a document "state the task"? Measured on eval/compare.jsonl (14 tasks x 5 documents,
# 2026-11-22; `policyqa eval` re-checks it): e5 cosine alone cannot separate them (labelled matches
# 0.834-0.919, documents lacking the task up to 0.893: every clause here is about public service units),
# but IDF-weighted word coverage does (matches >= 0.58, non-matches <= 0.49). So a worded query needs
# coverage >= COVERAGE_MIN (the midpoint) and a cosine above a loose floor; a cosine above every labelled
# non-match (SURE_THRESHOLD) counts as a match in other words.
QUERY_THRESHOLD = 0.82
SURE_THRESHOLD = 0.91
COVERAGE_MIN = 0.55
# Clause to clause (a clause id, or --align): cosines of whole clauses run 0.87-0.97 for related and
# unrelated clauses alike, so the decision is on symmetric IDF-weighted word coverage. Measured on
# eval/align.jsonl (10 true and 8 false pairs, 2026-11-22): true pairs >= 0.28, false pairs <= 0.21.
CLAUSE_COVERAGE_MIN = 0.25
COVERAGE_WEIGHT = 0.1


def words(text: str) -> list[str]:
    return re.findall(r"\S+", normalize(strip_marker(text)))


def word_diff(ref: str, other: str) -> list[dict]:
    """Word-level diff of `other` against `ref`: [{"op": "equal"|"delete"|"insert", "text": ...}]."""
    a, b = words(ref), words(other)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append({"op": "equal", "text": " ".join(a[i1:i2])})
        else:
            if i2 > i1:
                out.append({"op": "delete", "text": " ".join(a[i1:i2])})
            if j2 > j1:
                out.append({"op": "insert", "text": " ".join(b[j1:j2])})
    return out


def similarity_ratio(ref: str, other: str) -> float:
    return difflib.SequenceMatcher(a=words(ref), b=words(other), autojunk=False).ratio()


def _row(engine: Engine, did: str, i: int | None, sim: float, status: str) -> dict:
    d = engine.docs[did]
    m = d["meta"]
    base = {"doc_id": did, "province": m.get("province"), "number": m.get("number"), "issuer": m.get("issuer"),
            "level": m.get("level"), "status": status, "similarity": round(float(sim), 4)}
    if i is None:
        return {**base, "clause_id": None, "section": None, "citation": None, "text": None, "lead": None,
                "coordinating": None, "timeframe": None, "source": d["source"]}
    r = engine.rows[i]
    f = r["fields"]
    return {**base, "clause_id": r["clause_id"], "section": r["path"], "citation": citation.citation(r["doc"], r["path"], r.get("citation_path")),
            "text": r["text"], "lead": f.get("lead", {}).get("value"), "coordinating": f.get("coordinating", {}).get("value"),
            "timeframe": f.get("timeframe", {}).get("value"), "source": r["source"]}


@dataclass
class Comparison:
    query: str
    threshold: float
    rows: list[dict]
    reference: str | None = None  # clause id the diffs are taken against

    def to_json(self) -> dict:
        return {"query": self.query, "threshold": self.threshold, "reference": self.reference, "rows": self.rows}

    def to_csv(self) -> str:
        buf = io.StringIO()
        cols = ["doc_id", "province", "number", "issuer", "status", "similarity", "section", "clause_id", "lead",
                "coordinating", "timeframe", "text", "differences"]
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in self.rows:
            diff = " ".join(("[-" + p["text"] + "-]") if p["op"] == "delete" else ("{+" + p["text"] + "+}")
                            for p in r.get("diff") or [] if p["op"] != "equal")
            w.writerow({**r, "differences": diff})
        return buf.getvalue()

    def to_text(self) -> str:
        lines = [f"So sánh: {self.query}  (ngưỡng tương đồng {self.threshold:.3f})"]
        for r in self.rows:
            place = r["province"] or r["issuer"] or r["doc_id"]
            if r["status"] == "missing":
                lines.append(f"\n■ {place} ({r['number'] or 'không số'}): KHÔNG CÓ nhiệm vụ tương ứng "
                             f"(gần nhất {r['similarity']:.3f})")
                continue
            lines.append(f"\n■ {place} ({r['number'] or 'không số'}, {r['section']}) — tương đồng {r['similarity']:.3f}"
                         + (" [đối chiếu]" if r["clause_id"] == self.reference else ""))
            lines.append(f"  Chủ trì: {r['lead'] or '—'} | Thời gian: {r['timeframe'] or '—'}")
            if r.get("diff") and r["clause_id"] != self.reference:
                lines.append("  " + " ".join(p["text"] if p["op"] == "equal" else
                                             (f"[-{p['text']}-]" if p["op"] == "delete" else f"{{+{p['text']}+}}")
                                             for p in r["diff"]))
            else:
                lines.append("  " + (r["text"] or ""))
        return "\n".join(lines)


def clause_overlap(engine: Engine, a: str, b: str) -> float:
    """Symmetric IDF-weighted word coverage between two clause texts."""
    return (engine.coverage(a, b) + engine.coverage(b, a)) / 2


def compare(engine: Engine, query: str, docs: str | None = None, threshold: float | None = None) -> Comparison:
    """`query` in words (matched as a query) or a clause id (matched clause to clause)."""
    if not query or not query.strip():
        raise ValueError("empty task/query")
    wanted = doc_ids_matching(engine, docs) if docs else list(engine.docs)
    if docs and not wanted:
        raise ValueError(f"no document matches --docs {docs!r}")
    ref_row = engine.row_of.get(query.strip())
    if ref_row is not None:
        ref_text = engine.rows[ref_row]["text"]
        qv = engine.index.embeddings[ref_row]
        thr = CLAUSE_COVERAGE_MIN if threshold is None else threshold
        wanted = [d for d in wanted if d != engine.rows[ref_row]["doc_id"]] + [engine.rows[ref_row]["doc_id"]]
    else:
        q = analyse(query)  # read once: its content words are reused for every clause's coverage
        qv = engine.embedder.encode_queries([q.text])[0]
        thr = QUERY_THRESHOLD if threshold is None else threshold
    sims = engine.index.embeddings @ qv
    rows = []
    for did in wanted:
        idx = [i for i, r in enumerate(engine.rows) if r["doc_id"] == did and _is_task(r, engine.parents)]
        if not idx:
            continue
        if ref_row is not None:
            if ref_row in idx:
                best, ok, cov = ref_row, True, 1.0
            else:
                covs = {i: clause_overlap(engine, ref_text, engine.rows[i]["text"]) for i in idx}
                best = max(idx, key=lambda i: covs[i] + 0.2 * sims[i])
                cov = covs[best]
                ok = cov >= thr
        else:
            # Cosine alone cannot tell "same task" from "same genre" (every clause of these plans is
            # about public service units), so a worded query also needs its content words in the clause.
            covs = {i: engine.coverage(q, engine.rows[i]["search_text"]) for i in idx}
            best = max(idx, key=lambda i: sims[i] + COVERAGE_WEIGHT * covs[i])
            cov = covs[best]
            ok = (sims[best] >= thr and cov >= COVERAGE_MIN) or sims[best] >= max(thr, SURE_THRESHOLD)
        row = _row(engine, did, best if ok else None, sims[best], "match" if ok else "missing")
        row["overlap"] = round(cov, 3)
        rows.append(row)
    rows.sort(key=lambda r: (r["status"] != "match", -r["similarity"]))
    matched = [r for r in rows if r["status"] == "match"]
    ref = engine.rows[ref_row]["clause_id"] if ref_row is not None else (matched[0]["clause_id"] if matched else None)
    ref_text = engine.clause(ref)["text"] if ref else None
    for r in matched:
        r["diff"] = word_diff(ref_text, r["text"]) if ref_text else []
        r["text_overlap"] = round(similarity_ratio(ref_text, r["text"]), 3) if ref_text else None
    return Comparison(normalize(query), thr, rows, ref)


@dataclass
class Alignment:
    doc_a: str
    doc_b: str
    threshold: float
    pairs: list[dict]
    only_in_b: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"doc_a": self.doc_a, "doc_b": self.doc_b, "threshold": self.threshold, "pairs": self.pairs,
                "only_in_b": self.only_in_b}

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["status", "section_a", "text_a", "lead_a", "section_b", "text_b", "lead_b", "overlap", "similarity"])
        for p in self.pairs:
            w.writerow([p["status"], p["a"]["section"], p["a"]["text"], p["a"]["lead"],
                        p["b"]["section"] if p["b"] else "", p["b"]["text"] if p["b"] else "",
                        p["b"]["lead"] if p["b"] else "", p["overlap"], p["similarity"]])
        for c in self.only_in_b:
            w.writerow(["only_in_b", "", "", "", c["section"], c["text"], c["lead"], "", ""])
        return buf.getvalue()

    def to_text(self) -> str:
        lines = [f"Đối chiếu {self.doc_a} ↔ {self.doc_b} (độ trùng từ tối thiểu {self.threshold:.2f})"]
        for p in self.pairs:
            a = p["a"]
            if p["status"] == "matched":
                lines.append(f"  {a['section']:<10} ↔ {p['b']['section']:<10} {p['overlap']:.2f}  "
                             f"{a['text'][:70]}")
            else:
                lines.append(f"  {a['section']:<10} ✗ chỉ có ở {self.doc_a} (gần nhất {p['overlap']:.2f})  "
                             f"{a['text'][:70]}")
        for c in self.only_in_b:
            lines.append(f"  {'':<10} ✗ {c['section']:<8} chỉ có ở {self.doc_b}  {c['text'][:70]}")
        return "\n".join(lines)


def _brief(r: dict) -> dict:
    return {"clause_id": r["clause_id"], "section": r["path"], "text": r["text"],
            "lead": r["fields"].get("lead", {}).get("value")}


def _is_task(r: dict, parents: set[str]) -> bool:
    """Headings ("II. NHIỆM VỤ, GIẢI PHÁP", "1. Mục đích" above its points) and the preamble are not tasks."""
    return r["path"] != "0" and not (len(r["text"]) < 80 and (r["kind"] == "roman" or r["clause_id"] in parents))


def align(engine: Engine, doc_a: str, doc_b: str, threshold: float | None = None) -> Alignment:
    """Best counterpart in B of every task clause of A (symmetric word coverage, cosine as tie-break);
    below the threshold a clause is "only in A"; B's clauses nobody matched are "only in B"."""
    ids = []
    for spec in (doc_a, doc_b):
        m = doc_ids_matching(engine, spec)
        if len(m) != 1:
            raise ValueError(f"{spec!r} matches {len(m)} documents; give one document id, number or file name")
        ids.append(m[0])
    thr = CLAUSE_COVERAGE_MIN if threshold is None else threshold
    ia = [i for i, r in enumerate(engine.rows) if r["doc_id"] == ids[0] and _is_task(r, engine.parents)]
    ib = [i for i, r in enumerate(engine.rows) if r["doc_id"] == ids[1] and _is_task(r, engine.parents)]
    if not ia or not ib:
        raise ValueError("one of the documents has no clauses to align")
    E = engine.index.embeddings
    cos = E[ia] @ E[ib].T
    cov = np.array([[clause_overlap(engine, engine.rows[i]["text"], engine.rows[j]["text"]) for j in ib] for i in ia])
    score = cov + 0.2 * cos
    pairs, used = [], set()
    for a_pos, i in enumerate(ia):
        j_pos = int(np.argmax(score[a_pos]))
        ok = cov[a_pos, j_pos] >= thr
        if ok:
            used.add(j_pos)
        pairs.append({"status": "matched" if ok else "only_in_a", "similarity": round(float(cos[a_pos, j_pos]), 4),
                      "overlap": round(float(cov[a_pos, j_pos]), 3),
                      "a": _brief(engine.rows[i]), "b": _brief(engine.rows[ib[j_pos]]) if ok else None})
    only_b = [_brief(engine.rows[ib[j]]) for j in range(len(ib)) if j not in used and float(cov[:, j].max()) < thr]
    return Alignment(ids[0], ids[1], thr, pairs, only_b)


def missing_reason(row: dict, comparison: Comparison) -> str:
    """Why a document was marked as lacking the task, in words consistent with the rule that decided it."""
    by_clause = comparison.reference is not None and comparison.query == comparison.reference
    if by_clause:
        return (f"mục gần nhất chỉ trùng {row['overlap']:.0%} từ ngữ với mục đối chiếu "
                f"(cần từ {comparison.threshold:.0%})")
    if row["similarity"] < comparison.threshold:
        return (f"mục gần nhất có độ tương đồng {row['similarity']:.2f}, dưới ngưỡng {comparison.threshold:.2f}")
    return (f"mục gần nhất gần về nghĩa ({row['similarity']:.2f}) nhưng chỉ chứa {row['overlap']:.0%} từ ngữ "
            f"của nhiệm vụ (cần từ {COVERAGE_MIN:.0%})")
