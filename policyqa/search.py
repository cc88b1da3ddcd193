"""Search clauses: BM25, dense, or their fusion (default), with filters and citations."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index.lexical import tokenize
from ingest.clean import fold, has_diacritics, normalize

from . import citation, fusion, highlight
from .backend import ClauseFilter
from .engine import Engine

MODES = ("hybrid", "dense", "bm25")
CANDIDATES = 100  # per retriever, before fusion


@dataclass
class Filters:
    province: str | None = None
    doc: str | None = None  # document id, number or file name
    level: str | None = None
    date_from: str | None = None  # ISO yyyy-mm-dd; documents without a date are excluded when set
    date_to: str | None = None
    type: str | None = None  # document type as the corpus writes it ("Kế hoạch", "Nghị định", …)

    def active(self) -> bool:
        return any(v for v in vars(self).values())


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[dict]
    dense_query: str | None = None  # the query the dense model saw (diacritics restored if needed)
    filters: dict = field(default_factory=dict)
    province_from_query: str | None = None  # set when the query named the province that narrowed it

    def to_json(self) -> dict:
        return {"query": self.query, "mode": self.mode, "dense_query": self.dense_query, "filters": self.filters,
                "province_from_query": self.province_from_query, "hits": self.hits}


def _match(value: str | None, wanted: str) -> bool:
    return value is not None and fold(normalize(value)) == fold(normalize(wanted))


def filter_mask(engine: Engine, f: Filters | None) -> ClauseFilter:
    """The user's filters as the backend's ClauseFilter: names matched as the user typed them (any case, with or
    without diacritics) are resolved here to the corpus's own values; the backend applies them exactly."""
    if not f or not f.active():
        return ClauseFilter()
    docs = engine.docs.values()
    none = ("\0no match",)  # a filter that matched nothing must still exclude everything

    def values(key: str, wanted: str | None) -> tuple[str, ...]:
        """The corpus's spellings of metadata `key` that match what the user typed."""
        if not wanted:
            return ()
        return tuple(sorted({d["meta"][key] for d in docs if _match(d["meta"].get(key), wanted)})) or none

    doc_ids = ()
    if f.doc:
        doc_ids = tuple(d["doc_id"] for d in docs
                        if f.doc in (d["doc_id"], d["meta"].get("number"), d["source"], d["source"].rsplit("/", 1)[-1]))
        doc_ids = doc_ids or none
    return ClauseFilter(provinces=values("province", f.province), doc_ids=doc_ids, levels=values("level", f.level),
                        types=values("type", f.type), date_from=f.date_from or None, date_to=f.date_to or None)


def lexical_query(engine: Engine, query: str) -> tuple[list[str], bool]:
    """(tokens, folded): queries typed without diacritics are matched against the diacritic-free index."""
    scheme = engine.manifest["params"]["tokenizer"]
    folded = not has_diacritics(query)
    return tokenize(query, scheme, folded=folded), folded


def bm25_scores(engine: Engine, query: str, clause_ids: list[str] | None = None) -> np.ndarray:
    """BM25 of the given clauses (all, in engine.rows order, when None)."""
    toks, folded = lexical_query(engine, query)
    return engine.backend.lexical_scores(toks, folded, engine.rows.ids if clause_ids is None else clause_ids)


def dense_query_text(engine: Engine, query: str) -> str:
    return query if has_diacritics(query) else engine.restorer.restore(query)


def query_vector(engine: Engine, query: str) -> np.ndarray:
    return engine.embedder.encode_queries([dense_query_text(engine, query)])[0]


def rank(engine: Engine, query: str, mode: str = "hybrid", flt: ClauseFilter | None = None,
         n: int = CANDIDATES) -> list[tuple[str, float, dict]]:
    """(clause id, score, per-retriever scores) best first, from the backend."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    be = engine.backend
    flt = flt or ClauseFilter()
    if mode == "bm25":
        toks, folded = lexical_query(engine, query)
        return [(c, s, {"bm25": s}) for c, s in be.lexical(toks, folded, flt, n)]
    qv = query_vector(engine, query)
    dl = be.dense(qv, flt, n)
    if mode == "dense":
        return [(c, s, {"dense": s}) for c, s in dl]
    toks, folded = lexical_query(engine, query)
    bl = be.lexical(toks, folded, flt, n)
    cands = list(dict.fromkeys([c for c, _ in bl] + [c for c, _ in dl]))
    # a candidate only one retriever returned still gets the other's exact score
    bs, ds = dict(bl), dict(dl)
    need_b = [c for c in cands if c not in bs]
    need_d = [c for c in cands if c not in ds]
    bs.update(zip(need_b, map(float, be.lexical_scores(toks, folded, need_b))))
    ds.update(zip(need_d, map(float, be.dense_scores(qv, need_d))))
    bvec = np.array([bs[c] for c in cands], dtype=np.float32)
    dvec = np.array([ds[c] for c in cands], dtype=np.float32)
    fused = fusion.convex(cands, bvec, dvec)
    order = sorted(fused, key=lambda c: -fused[c])[:n]
    return [(c, fused[c], {"bm25": bs[c], "dense": ds[c]}) for c in order]


def hit(engine: Engine, row: str, rank_no: int, score: float, scores: dict, query) -> dict:
    """`row`: the clause id (a position in engine.rows is accepted too); `query`: a string or a Query."""
    r = engine.rows[row]
    query = query if isinstance(query, str) else query.text
    doc = {k: r["doc"].get(k) for k in ("number", "title", "issuer", "province", "date", "type")}
    return {
        "rank": rank_no,
        "score": round(float(score), 6),
        "text": r["text"],
        "source": r["source"],
        "clause_id": r["clause_id"],
        "section": r["path"],
        "citation": citation.citation(r["doc"], r["path"], r.get("citation_path")),
        "doc": doc,
        # additions beyond the documented core (stable too):
        "doc_id": r["doc_id"],
        "level": r["doc"].get("level"),
        "heading": r["heading"],
        "breadcrumb": r["breadcrumb"],
        "notes": r["notes"],
        "fields": {k: v["value"] for k, v in r["fields"].items()},
        "highlights": highlight.spans(query, r["text"]),
        "scores": {k: round(v, 6) for k, v in scores.items()},
        "span": r["span"],
    }


def narrow_by_named_province(named: list[str], filters: Filters | None) -> tuple[Filters | None, str | None]:
    """ "… ở Hải Phòng": when the query names exactly one province of the corpus (`named`, from
    Engine.provinces_in) and no province filter is set, search that province only. Returns the filters
    to use and the province taken from the query."""
    if len(named) != 1 or (filters and filters.province):
        return filters, None
    return Filters(**{**(vars(filters) if filters else {}), "province": named[0]}), named[0]


def without_place(query: str, place: str) -> str:
    """The query without the words naming `place` (matched without diacritics): once the search is narrowed
    to a province, its name would only favour clauses that happen to repeat it."""
    f = fold(query)  # same length as the NFC query: one base letter per precomposed letter
    name = r"\s+".join(map(re.escape, fold(place).split()))
    m = re.search(rf"(?<!\w)(?:(?:o|tai|cua)\s+)?(?:(?:tinh|thanh pho|tp\.?)\s+)?{name}(?!\w)", f)
    if not m:
        return query
    return re.sub(r"\s+", " ", query[:m.start()] + query[m.end():]).strip(" ,?") or query


@dataclass
class Retrieval:
    ranked: list[tuple[str, float, dict]]  # (clause id, score, per-retriever scores)
    filters: Filters | None  # as applied, including a province taken from the query
    named: list[str]  # provinces the query names
    place: str | None  # the one that narrowed the search, if any
    ranking_query: str  # the query as ranked (without that province's name)


def retrieve(engine: Engine, query, mode: str = "hybrid", filters: Filters | None = None, n: int = CANDIDATES,
             province_from_query: bool = True) -> Retrieval:
    """What search, ask and the evaluation rank with: filters, plus narrowing by a province the query names.
    `query`: a string, or an analysed policyqa.query.Query (its provinces are not looked up again)."""
    if not isinstance(query, str):
        named = list(query.provinces) if province_from_query else []
        query = query.text
    else:
        named = engine.provinces_in(query) if province_from_query else []
    filters, place = narrow_by_named_province(named, filters)
    ranking_query = without_place(query, place) if place else query
    return Retrieval(rank(engine, ranking_query, mode, filter_mask(engine, filters), n), filters, named, place,
                     ranking_query)


def search(engine: Engine, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
           province_from_query: bool = True) -> SearchResult:
    query = normalize(query)
    if not query:
        raise ValueError("empty query")
    got = retrieve(engine, query, mode, filters, max(CANDIDATES, k), province_from_query)
    hits = [hit(engine, i, n + 1, s, parts, query) for n, (i, s, parts) in enumerate(got.ranked[:k])]
    return SearchResult(query, mode, hits, dense_query_text(engine, got.ranking_query) if mode != "bm25" else None,
                        {k: v for k, v in vars(got.filters).items() if v} if got.filters else {}, got.place)


def doc_ids_matching(engine: Engine, spec: str) -> list[str]:
    """Document ids for a user's --docs value: id, number, province or file name (comma-separated)."""
    out = []
    for part in [p.strip() for p in re.split(r",(?![^()]*\))", spec) if p.strip()]:
        for did, d in engine.docs.items():
            m = d["meta"]
            if part in (did, m.get("number"), d["source"], d["source"].rsplit("/", 1)[-1]) or \
                    _match(m.get("province"), part) or (len(part) >= 3 and did.startswith(part)):
                out.append(did)
    return list(dict.fromkeys(out))
