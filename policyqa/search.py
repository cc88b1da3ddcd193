"""Search clauses: BM25, dense, or their fusion (default), with filters and citations."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index import dense
from index.lexical import tokenize
from ingest.clean import fold, has_diacritics, normalize

from . import citation, fusion, highlight
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


def filter_mask(engine: Engine, f: Filters | None) -> np.ndarray:
    rows = engine.rows
    mask = np.ones(len(rows), dtype=bool)
    if not f or not f.active():
        return mask
    for i, r in enumerate(rows):
        d = r["doc"]
        ok = True
        if f.province:
            ok &= _match(d.get("province"), f.province)
        if f.doc:
            ok &= f.doc in (r["doc_id"], d.get("number"), r["source"], r["source"].rsplit("/", 1)[-1])
        if f.level:
            ok &= _match(d.get("level"), f.level)
        if f.date_from or f.date_to:
            date = d.get("date")
            ok &= bool(date) and (not f.date_from or date >= f.date_from) and (not f.date_to or date <= f.date_to)
        mask[i] = ok
    return mask


def bm25_scores(engine: Engine, query: str) -> np.ndarray:
    """Queries typed without diacritics are matched against the diacritic-free index."""
    scheme = engine.index.manifest["params"]["tokenizer"]
    if has_diacritics(query):
        return engine.index.bm25.scores(tokenize(query, scheme))
    return engine.index.bm25_folded.scores(tokenize(query, scheme, folded=True))


def dense_query_text(engine: Engine, query: str) -> str:
    return query if has_diacritics(query) else engine.index.restorer.restore(query)


def query_vector(engine: Engine, query: str) -> np.ndarray:
    return engine.embedder.encode_queries([dense_query_text(engine, query)])[0]


def dense_scores(engine: Engine, qv: np.ndarray, mask: np.ndarray, n: int) -> tuple[list[int], dict[int, float]]:
    if mask.all():
        scores, ids = dense.search(engine.index.faiss, qv, n)
        return [int(i) for i in ids], {int(i): float(s) for s, i in zip(scores, ids)}
    idx = np.flatnonzero(mask)  # filtered: exact scores over the allowed rows only
    s = engine.index.embeddings[idx] @ qv
    order = np.argsort(-s)[:n]
    return [int(idx[o]) for o in order], {int(idx[o]): float(s[o]) for o in order}


def rank(engine: Engine, query: str, mode: str = "hybrid", mask: np.ndarray | None = None,
         n: int = CANDIDATES) -> list[tuple[int, float, dict]]:
    """(row, score, per-retriever scores) best first."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    mask = filter_mask(engine, None) if mask is None else mask
    parts: dict[int, dict] = {}
    if mode == "bm25":
        b = bm25_scores(engine, query)
        return [(i, float(b[i]), {"bm25": float(b[i])}) for i in fusion.top(b, mask & (b > 0), n)]
    qv = query_vector(engine, query)
    dl, ds = dense_scores(engine, qv, mask, n)
    if mode == "dense":
        return [(i, ds[i], {"dense": ds[i]}) for i in dl]
    b = bm25_scores(engine, query)
    bl = fusion.top(b, mask & (b > 0), n)
    cands = list(dict.fromkeys(bl + dl))
    # a candidate only one retriever returned still gets the other's exact score
    dvec = np.array([ds[i] if i in ds else float(engine.index.embeddings[i] @ qv) for i in cands], dtype=np.float32)
    bvec = b[cands] if cands else np.zeros(0, dtype=np.float32)
    fused = fusion.convex(cands, bvec, dvec)
    for i, bs, dsc in zip(cands, bvec, dvec):
        parts[i] = {"bm25": float(bs), "dense": float(dsc)}
    order = sorted(fused, key=lambda i: -fused[i])[:n]
    return [(i, fused[i], parts[i]) for i in order]


def hit(engine: Engine, row: int, rank_no: int, score: float, scores: dict, query) -> dict:
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
        "citation": citation.citation(r["doc"], r["path"]),
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
    ranked: list[tuple[int, float, dict]]
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
