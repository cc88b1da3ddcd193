"""The files backend against the Backend contract and against plain reference computations: vectorised filters
equal a per-clause loop, filtered searches return the true top n, clause dicts equal today's flat rows, and a
write is one atomic step that readers of the previous generation do not notice."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from index.build import clause_rows
from index.files_backend import FilesBackend
from index.lexical import tokenize
from ingest.pipeline import load_docs
from policyqa.backend import Backend, ClauseFilter
from policyqa.config import Settings


@pytest.fixture(scope="module")
def be(settings):
    return FilesBackend.open(settings.index_dir)


@pytest.fixture(scope="module")
def rows(settings):
    return clause_rows(load_docs(settings.docs_path))


def naive(rows, f: ClauseFilter) -> list[str]:
    """The filter as a loop over clause dicts (what search.filter_mask did before)."""
    out = []
    for r in rows:
        d = r["doc"]
        ok = (not f.provinces or d.get("province") in f.provinces) and (not f.doc_ids or r["doc_id"] in f.doc_ids) \
            and (not f.levels or d.get("level") in f.levels) and (not f.types or d.get("type") in f.types)
        if f.date_from or f.date_to:
            ok = ok and bool(d.get("date")) and (not f.date_from or d["date"] >= f.date_from) \
                and (not f.date_to or d["date"] <= f.date_to)
        if ok:
            out.append(r["clause_id"])
    return out


def filters(rows):
    provs = sorted({r["doc"]["province"] for r in rows if r["doc"].get("province")})
    docs = sorted({r["doc_id"] for r in rows})
    levels = sorted({r["doc"]["level"] for r in rows if r["doc"].get("level")})
    types = sorted({r["doc"]["type"] for r in rows if r["doc"].get("type")})
    dates = sorted({r["doc"]["date"] for r in rows if r["doc"].get("date")})
    yield ClauseFilter()
    for p in provs:
        yield ClauseFilter(provinces=(p,))
    yield ClauseFilter(provinces=tuple(provs[:2]))
    yield ClauseFilter(doc_ids=(docs[0], docs[3]))
    for lv in levels:
        yield ClauseFilter(levels=(lv,))
    for t in types:
        yield ClauseFilter(types=(t,))
    for a, b in itertools.combinations([None, *dates], 2):
        yield ClauseFilter(date_from=a, date_to=b)
        yield ClauseFilter(date_from=b)
    yield ClauseFilter(provinces=(provs[0],), levels=(levels[0],), date_from=dates[0])
    yield ClauseFilter(provinces=("nowhere",))


def test_is_a_backend(be):
    assert isinstance(be, Backend) and be.name == "files"
    assert be.generation() == be.manifest()["build_id"]


def test_clauses_are_todays_rows(be, rows):
    assert be.clause_ids() == [r["clause_id"] for r in rows]
    assert be.clauses([r["clause_id"] for r in rows]) == rows
    assert be.clause(rows[7]["clause_id"]) == rows[7] and be.clause("nope:1") is None
    d = rows[-1]["doc_id"]
    assert be.doc_clauses(d) == [r for r in rows if r["doc_id"] == d]


def test_vectorised_filters_equal_a_loop_over_clauses(be, rows):
    n = 0
    for f in filters(rows):
        allowed = be.rows_allowed(f)
        got = [rows[i]["clause_id"] for i in (range(len(rows)) if allowed is None else allowed)]
        assert got == naive(rows, f), f
        n += 1
    assert n > 15


def test_filtered_search_returns_the_true_top_n(be, rows):
    emb = be.vectors(None)
    q = np.asarray(emb[11] + emb[40], dtype=np.float32)
    q /= np.linalg.norm(q)
    toks = tokenize("phối hợp tuyên truyền đơn vị sự nghiệp")
    bm = be.lexical_scores(toks, False, be.clause_ids())
    for f in filters(rows):
        allowed = set(naive(rows, f))
        ids = [r["clause_id"] for r in rows]
        # the true top 7 scores, every hit allowed and scored as it truly is; q is built from two clauses, which
        # tie by construction, so hits whose scores differ by float rounding only may come in either order
        true = {c: float(emb[ids.index(c)] @ q) for c in ids if c in allowed}
        want = sorted(true.values(), reverse=True)[:7]
        got = be.dense(q, f, 7)
        assert all(c in allowed for c, _ in got), f
        np.testing.assert_allclose([s for _, s in got], want, atol=1e-5, err_msg=str(f))
        np.testing.assert_allclose([true[c] for c, _ in got], want, atol=1e-5, err_msg=str(f))
        truth_b = [c for c in sorted((c for c in ids if c in allowed and bm[ids.index(c)] > 0),
                                     key=lambda c: -bm[ids.index(c)])][:7]
        assert [c for c, _ in be.lexical(toks, False, f, 7)] == truth_b, f
    got = dict(be.dense(q, ClauseFilter(), 5))
    np.testing.assert_allclose(be.dense_scores(q, list(got)), list(got.values()), rtol=1e-6)


def test_term_stats_and_restorer(be, rows):
    from collections import Counter

    from policyqa.overlap import units  # the units answer support weighs

    for folded in (False, True):
        df, n = be.term_stats(folded=folded)
        ref = Counter()
        for r in rows:
            ref.update(set(units(r["search_text"], folded)))
        assert n == len(rows) and df == dict(ref) and df["chủ" if not folded else "chu"] > 10
    assert be.restorer().restore("chu tri") == "chủ trì"


def test_write_is_one_atomic_step(settings, home, tmp_path, embedder):
    import shutil

    h = tmp_path / "h"
    shutil.copytree(home / "corpus", h / "corpus")
    shutil.copytree(home / "data" / "index", h / "data" / "index")
    s = Settings.from_env(home=h, model_dir=settings.model_dir)
    old = FilesBackend.open(s.index_dir)
    docs = old.all_docs()
    new = {**docs[0], "doc_id": "copy", "source": "corpus/copy.txt",
           "clauses": [{**c, "clause_id": "copy:" + c["path"], "search_text": c["search_text"] + " bản sao"}
                       for c in docs[0]["clauses"]]}
    vecs = dict(zip([c["clause_id"] for c in new["clauses"]],
                    embedder.encode_passages([c["search_text"] for c in new["clauses"]])))
    with pytest.raises(ValueError, match="no vector given"):  # a vector missing: nothing published
        old.write([new], [], dict(list(vecs.items())[1:]))
    assert FilesBackend.open(s.index_dir).generation() == old.generation()
    gen = old.write([new], [docs[1]["doc_id"]], vecs)
    cur = FilesBackend.open(s.index_dir)
    assert cur.generation() == gen != old.generation()
    assert set(cur.documents()) == set(old.documents()) - {docs[1]["doc_id"]} | {"copy"}
    np.testing.assert_array_equal(cur.vectors(["copy:" + docs[0]["clauses"][0]["path"]])[0],
                                  vecs["copy:" + docs[0]["clauses"][0]["path"]])
    # the reader opened before the write still answers from its own generation
    assert old.clause(docs[1]["clauses"][0]["clause_id"]) is not None and "copy" not in old.documents()


def test_database_url_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_DATABASE_URL", "postgresql://u@localhost/db")
    assert Settings.from_env(home=tmp_path).database_url == "postgresql://u@localhost/db"
    monkeypatch.delenv("POLICYQA_DATABASE_URL")
    assert Settings.from_env(home=tmp_path).database_url is None


def test_database_pool_size_from_the_environment(monkeypatch):
    from policyqa.backend import POOL_SIZE, pool_size

    monkeypatch.delenv("POLICYQA_DB_POOL_SIZE", raising=False)
    assert pool_size() == POOL_SIZE
    monkeypatch.setenv("POLICYQA_DB_POOL_SIZE", "24")
    assert pool_size() == 24
    for bad in ("0", "eight", "-3"):
        monkeypatch.setenv("POLICYQA_DB_POOL_SIZE", bad)
        with pytest.raises(ValueError, match="POLICYQA_DB_POOL_SIZE must be a whole number"):
            pool_size()
