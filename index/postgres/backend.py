"""The PostgreSQL + pgvector backend (policyqa.backend.Backend), for several servers and editors sharing one database.

Reads use a connection pool. Inside `with backend.snapshot():` every read of the thread (or asyncio task) goes
through one pooled connection held in a READ ONLY REPEATABLE READ transaction, so a whole query — generation,
manifest, candidates, their scores, their records — sees one committed state; outside a snapshot each ranking call
is its own such transaction. Writes are one transaction each, serialised by an advisory lock (the
corpus statistics they update are shared), so concurrent editors queue instead of overwriting each other, and a
reader sees a document with all its clauses, vectors and tasks, or not at all."""
from __future__ import annotations

import contextvars
import math
import threading
from collections import Counter
from contextlib import contextmanager
from typing import Iterable, Sequence

import numpy as np

from policyqa.backend import ClauseFilter

from . import migrate
from .records import DocRows, doc_rows, parse_date

WRITE_LOCK = 7_150_002  # advisory lock key held by every write transaction
# Filtered or small searches at most this many clauses are answered exactly (a scan of the allowed rows) rather
# than through HNSW: exact costs ~N x 384 multiply-adds (see scripts/bench_postgres.py for the measured times).
EXACT_MAX = 20_000
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
HNSW_EF_SEARCH = 200
# BM25: the first pass scores the clauses of the rarest query tokens up to this many postings, to get a threshold.
FIRST_PASS_POSTINGS = 5_000


# (backend, connection, generation) of the snapshot open in this thread / asyncio task, if any. A context variable,
# not an attribute: request threads of one service share the backend but each pins its own connection.
_PINNED: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("policyqa_pg_snapshot", default=None)
# generations whose per-generation values (manifest, restorer) stay cached: the current one and the one before it,
# which queries that opened their snapshot just before a write still read
_CACHED_GENERATIONS = 2


def _configure(conn) -> None:
    from pgvector.psycopg import register_vector

    register_vector(conn)


class PostgresBackend:
    name = "postgres"

    def __init__(self, pool, url: str):
        self.pool = pool
        self.url = url
        self._cache: dict[str, dict[str, object]] = {}  # name -> {generation: value}: per-query reads stay cheap
        self._cache_lock = threading.Lock()

    def _per_generation(self, name: str, compute):
        """`compute()` once per published generation (the manifest and the restorer are read on every query). The
        generation and the value come from one snapshot (the caller's, or one opened here), so a value is never
        filed under a generation it was not computed from."""
        with self.snapshot() as gen:
            hit = self._cache.get(name, {})
            if gen in hit:
                return hit[gen]
            value = compute()
            with self._cache_lock:
                kept = {**self._cache.get(name, {}), gen: value}
                newest = sorted(kept, key=_generation_order)[-_CACHED_GENERATIONS:]
                self._cache[name] = {g: kept[g] for g in newest}
            return value

    # --- lifecycle -------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, min_size: int = 1, max_size: int = 8) -> "PostgresBackend":
        """Connect, bring the schema up to date (migrations), and return a backend with a connection pool."""
        import psycopg
        from psycopg_pool import ConnectionPool

        try:
            with psycopg.connect(url, autocommit=True) as conn:
                migrate.migrate(conn)
        except psycopg.OperationalError as e:
            raise ConnectionError(f"cannot connect to the database {_redact(url)}: {str(e).strip()}") from e
        # prepare_threshold=None: psycopg would otherwise prepare a statement run 5 times on a connection, session
        # state that a transaction-pooling PgBouncer (docs/deploy.md) does not keep on the same server connection
        pool = ConnectionPool(url, min_size=min_size, max_size=max_size, configure=_configure,
                              kwargs={"autocommit": True, "prepare_threshold": None}, open=True, name="policyqa")
        return cls(pool, url)

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> "PostgresBackend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def snapshot(self):
        """`with backend.snapshot() as generation:` — every read of this backend inside the block, in this thread or
        asyncio task, runs on one pooled connection in one READ ONLY REPEATABLE READ transaction: one committed
        generation, whatever writers commit meanwhile. Re-entrant. The connection returns to the pool at the end
        of the block (hold it for one query, not longer: the pool has `max_size` connections). Work handed to
        other threads inside the block sees the snapshot only if it runs in a copy of this context
        (`contextvars.copy_context().run`); psycopg serialises their statements on the one connection."""
        pinned = self._pinned()
        if pinned is not None:
            yield pinned[2]
            return
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # the transaction's first query fixes its snapshot: this generation is the snapshot's
            gen = str(conn.execute("SELECT generation FROM state").fetchone()[0])
            token = _PINNED.set((self, conn, gen))
            try:
                yield gen
            finally:
                _PINNED.reset(token)

    def _pinned(self) -> tuple | None:
        """(backend, connection, generation) of this backend's snapshot open in this thread / task, if any."""
        pinned = _PINNED.get()
        return pinned if pinned is not None and pinned[0] is self else None

    @contextmanager
    def _conn(self, snapshot: bool = False):
        """The connection of the open snapshot; else a pooled one, in a READ ONLY REPEATABLE READ transaction of
        its own when `snapshot` (a multi-statement read) or autocommit for one statement."""
        pinned = self._pinned()
        if pinned is not None:
            yield pinned[1]
            return
        with self.pool.connection() as conn:
            if not snapshot:
                yield conn
                return
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield conn

    def _read(self):
        """One consistent snapshot for a multi-statement read: the caller's snapshot, or a transaction of its own."""
        return self._conn(snapshot=True)

    def _one(self, sql: str, params=()):
        with self._conn() as conn:
            return conn.execute(sql, params).fetchone()

    def _all(self, sql: str, params=()):
        with self._conn() as conn:
            return conn.execute(sql, params).fetchall()

    # --- reading ---------------------------------------------------------------------------------------------
    def generation(self) -> str:
        pinned = self._pinned()
        if pinned is not None:
            return pinned[2]
        return str(self._one("SELECT generation FROM state")[0])

    def manifest(self) -> dict:
        return self._per_generation("manifest", self._manifest)

    def _manifest(self) -> dict:
        with self._read() as conn:
            gen, man = conn.execute("SELECT generation, manifest FROM state").fetchone()
            docs = dict(conn.execute("SELECT doc_id, sha256 FROM documents ORDER BY doc_id").fetchall())
            n = conn.execute("SELECT n FROM corpus_stats").fetchone()[0]
        return {**man, "build_id": str(gen), "corpus": {**man.get("corpus", {}), "documents": docs, "clauses": n}}

    def documents(self) -> dict[str, dict]:
        return dict(self._all("SELECT doc_id, record FROM documents ORDER BY doc_id"))

    def clause_ids(self) -> list[str]:
        """Every clause id: documents by doc_id, each document's clauses in reading order."""
        return [r[0] for r in self._all("SELECT clause_id FROM clauses ORDER BY doc_id, ord")]

    def vectors(self, clause_ids: Sequence[str] | None = None) -> np.ndarray:
        """Stored embeddings of the given clauses, in that order (all, in clause_ids() order, when None)."""
        if clause_ids is None:
            rows = self._all("SELECT clause_id, embedding FROM clauses ORDER BY doc_id, ord")
            clause_ids = [c for c, _ in rows]
        else:
            clause_ids = list(clause_ids)
            rows = self._all("SELECT clause_id, embedding FROM clauses WHERE clause_id = ANY(%s)", (clause_ids,))
        got = {c: _array(v) for c, v in rows}
        missing = [c for c in clause_ids if c not in got]
        if missing:
            raise KeyError(f"clauses not in the database: {', '.join(missing[:5])}")
        dim = len(next(iter(got.values()))) if got else 0
        return np.stack([got[c] for c in clause_ids]) if clause_ids else np.zeros((0, dim), dtype=np.float32)

    def clause(self, clause_id: str) -> dict | None:
        row = self._one("SELECT record FROM clauses WHERE clause_id = %s", (clause_id,))
        return row[0] if row else None

    def clauses(self, clause_ids: Sequence[str]) -> list[dict]:
        got = dict(self._all("SELECT clause_id, record FROM clauses WHERE clause_id = ANY(%s)", (list(clause_ids),)))
        return [got[c] for c in clause_ids if c in got]

    def doc_clauses(self, doc_id: str) -> list[dict]:
        return [r[0] for r in self._all("SELECT record FROM clauses WHERE doc_id = %s ORDER BY ord", (doc_id,))]

    def tasks(self, doc_ids: Sequence[str] = ()) -> list[dict]:
        if doc_ids:
            rows = self._all("SELECT record FROM tasks WHERE doc_id = ANY(%s) ORDER BY doc_id, ord", (list(doc_ids),))
        else:
            rows = self._all("SELECT record FROM tasks ORDER BY doc_id, ord")
        return [r[0] for r in rows]

    def references(self, doc_ids: Sequence[str] = ()) -> list[dict]:
        """(doc_id, reference record) of the given documents, or of all."""
        sql = "SELECT doc_id, record FROM doc_references" + (" WHERE doc_id = ANY(%s)" if doc_ids else "")
        return [{"doc_id": d, **r} for d, r in self._all(sql + " ORDER BY doc_id, ord",
                                                           (list(doc_ids),) if doc_ids else ())]

    def term_stats(self, folded: bool) -> tuple[dict[str, int], int]:
        """(document frequency per syllable, number of clauses), as the files backend counts them."""
        with self._read() as conn:
            n = conn.execute("SELECT n FROM corpus_stats").fetchone()[0]
            # syllables only (no bigram "a_b", no "" of empty clauses): the units answer support weighs
            df = dict(conn.execute("SELECT token, df FROM terms WHERE folded = %s AND df > 0 AND token <> '' "
                                   "AND strpos(token, '_') = 0", (folded,)).fetchall())
        return df, int(n)

    def restorer(self):
        """The diacritic restorer (index.restore) from the corpus's syllable and bigram counts, as the files
        backend builds it from the clause texts."""
        return self._per_generation("restorer", self._restorer)

    def _restorer(self):
        from collections import defaultdict

        from ingest.clean import fold

        from ..restore import Restorer

        uni: dict[str, dict[str, int]] = defaultdict(dict)
        bi: dict[str, int] = {}
        for tok, cf in self._all("SELECT token, cf FROM terms WHERE NOT folded AND df > 0 AND token <> ''"):
            if "_" in tok:  # syllables never contain "_": a bigram "a_b"
                bi[tok.replace("_", " ")] = int(cf)
            else:
                uni[fold(tok)][tok] = int(cf)
        return Restorer(dict(uni), bi)

    # --- ranking ---------------------------------------------------------------------------------------------
    def lexical(self, tokens: list[str], folded: bool, flt: ClauseFilter, n: int) -> list[tuple[str, float]]:
        """Exact BM25 top n (as bm25s computes it), found without scoring every clause that shares a common word.

        MaxScore: each query token contributes less than its weight (idf x repeats; the tf part of BM25 is < 1).
        A first pass scores the clauses of the rarest tokens to get the n-th best score t; a clause holding only
        tokens whose weights sum to at most t cannot enter the top n, so the second pass needs only the clauses
        holding one of the other ("essential") tokens, found through the GIN index."""
        if n <= 0:
            return []
        with self._read() as conn:
            q = self._query_weights(conn, tokens, folded)
            if not q:
                return []
            where, params = _filter_sql(flt)
            by_df = sorted(q, key=lambda t: q[t][1])  # rarest first
            first, postings = [], 0
            for t in by_df:
                if first and postings + q[t][1] > FIRST_PASS_POSTINGS:
                    break
                first.append(t)
                postings += q[t][1]
            ranked = self._bm25_top(conn, q, folded, first, where, params, n)
            if len(first) == len(q):
                return ranked
            theta = ranked[n - 1][1] if len(ranked) >= n else 0.0
            essential, bound = [], 0.0
            for t in sorted(q, key=lambda t: q[t][0]):  # lightest weights may be left out while their sum <= theta
                if bound + q[t][0] <= theta and not essential:
                    bound += q[t][0]
                else:
                    essential.append(t)
            return self._bm25_top(conn, q, folded, essential, where, params, n)

    def lexical_scores(self, tokens: list[str], folded: bool, clause_ids: Sequence[str]) -> np.ndarray:
        clause_ids = list(clause_ids)
        out = np.zeros(len(clause_ids), dtype=np.float32)
        if not clause_ids:
            return out
        with self._read() as conn:
            q = self._query_weights(conn, tokens, folded)
            if not q:
                return out
            k1, b, avgdl = self._bm25_params(conn)
            tids, tfs = ("ftids", "ftfs") if folded else ("tids", "tfs")
            qt = list(q)
            rows = conn.execute(
                f"SELECT clause_id, bm25({tids}, {tfs}, ntok, %s, %s, %s, %s, %s) FROM clauses "
                f"WHERE clause_id = ANY(%s)", ([q[t][2] for t in qt], [q[t][0] for t in qt], k1, b, avgdl,
                                               clause_ids)).fetchall()
        got = dict(rows)
        return np.array([got.get(c, 0.0) for c in clause_ids], dtype=np.float32)

    def _bm25_params(self, conn) -> tuple[float, float, float]:
        man, n, total = conn.execute("SELECT s.manifest, c.n, c.total_len FROM state s, corpus_stats c").fetchone()
        p = man.get("params") or {}
        return float(p.get("k1", 1.2)), float(p.get("b", 0.75)), (total / n if n else 1.0)

    def _query_weights(self, conn, tokens: list[str], folded: bool) -> dict[str, tuple[float, int, int]]:
        """token -> (weight = idf x repeats in the query, df, token id), for the query tokens the corpus has (bm25s
        drops the others; repeated tokens count once per repeat, as bm25s sums them)."""
        mult = Counter(t for t in tokens if t)
        if not mult:
            return {}
        n = conn.execute("SELECT n FROM corpus_stats").fetchone()[0]
        dfs = conn.execute("SELECT token, df, id FROM terms WHERE folded = %s AND token = ANY(%s) AND df > 0",
                           (folded, list(mult))).fetchall()
        return {t: (math.log(1 + (n - df + 0.5) / (df + 0.5)) * mult[t], df, i) for t, df, i in dfs}

    def _bm25_top(self, conn, q, folded: bool, candidates_of: list[str], where: str, params: dict,
                  n: int) -> list[tuple[str, float]]:
        k1, b, avgdl = self._bm25_params(conn)
        tids, tfs = ("ftids", "ftfs") if folded else ("tids", "tfs")
        qt = list(q)
        rows = conn.execute(
            f"SELECT clause_id, s FROM (SELECT c.id, c.clause_id, bm25(c.{tids}, c.{tfs}, c.ntok, %(qt)s::int[], "
            f"%(qw)s, %(k1)s, %(b)s, %(avgdl)s) AS s FROM clauses c WHERE c.{tids} && %(cand)s::int[] AND {where}) x "
            f"WHERE s > 0 ORDER BY s DESC, id LIMIT %(n)s",
            {**params, "qt": [q[t][2] for t in qt], "qw": [q[t][0] for t in qt], "k1": k1, "b": b, "avgdl": avgdl,
             "cand": [q[t][2] for t in candidates_of], "n": n}).fetchall()
        return [(c, float(s)) for c, s in rows]

    def dense(self, vector: np.ndarray, flt: ClauseFilter, n: int) -> list[tuple[str, float]]:
        """Top n by cosine. Exact (a scan of the allowed clauses) when at most EXACT_MAX clauses pass the filter;
        otherwise HNSW with iterative scan, which keeps scanning until n allowed clauses are found, so a selective
        filter does not starve the result; candidates are re-scored with the full-precision vectors."""
        if n <= 0:
            return []
        v = np.asarray(vector, dtype=np.float32)
        where, params = _filter_sql(flt)
        params = {**params, "v": v, "n": n}
        with self._read() as conn:
            allowed = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM clauses c WHERE {where} "
                                   f"LIMIT {EXACT_MAX + 1}) x", params).fetchone()[0]
            dim = self._index_dim(conn)
            if allowed <= EXACT_MAX or dim is None:
                rows = conn.execute(f"SELECT clause_id, -(embedding <#> %(v)s) FROM clauses c WHERE {where} "
                                    f"ORDER BY embedding <#> %(v)s, id LIMIT %(n)s", params).fetchall()
                return [(c, float(s)) for c, s in rows]
            conn.execute("SELECT set_config('hnsw.ef_search', %s, true), "
                         "set_config('hnsw.iterative_scan', 'relaxed_order', true)",
                         (str(min(1000, max(HNSW_EF_SEARCH, n))),))
            rows = conn.execute(
                f"WITH a AS MATERIALIZED (SELECT id, clause_id, embedding FROM clauses c WHERE {where} "
                f"ORDER BY (embedding::halfvec({dim})) <#> (%(v)s::vector::halfvec({dim})) LIMIT %(n)s) "
                f"SELECT clause_id, -(embedding <#> %(v)s) AS s FROM a ORDER BY s DESC, id", params).fetchall()
        return [(c, float(s)) for c, s in rows]

    def dense_scores(self, vector: np.ndarray, clause_ids: Sequence[str]) -> np.ndarray:
        clause_ids = list(clause_ids)
        v = np.asarray(vector, dtype=np.float32)
        got = dict(self._all("SELECT clause_id, -(embedding <#> %s) FROM clauses WHERE clause_id = ANY(%s)",
                             (v, clause_ids)))
        missing = [c for c in clause_ids if c not in got]
        if missing:
            raise KeyError(f"clauses not in the database: {', '.join(missing[:5])}")
        return np.array([got[c] for c in clause_ids], dtype=np.float32)

    @staticmethod
    def _index_dim(conn) -> int | None:
        """Dimension of the HNSW index, None when it does not exist yet."""
        row = conn.execute("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c "
                           "ON c.oid = i.indexrelid WHERE c.relname = 'clauses_embedding_hnsw'").fetchone()
        if not row:
            return None
        import re

        m = re.search(r"halfvec\((\d+)\)", row[0])
        return int(m.group(1)) if m else None

    # --- writing ---------------------------------------------------------------------------------------------
    def write(self, add: Iterable[dict], remove: Iterable[str], vectors: dict[str, np.ndarray],
              manifest: dict | None = None, vector_index: bool = True) -> str:
        """One transaction (see policyqa.backend.Backend.write). `manifest` (model, dim, params) is stored with the
        same commit; a manifest naming another model is refused unless every document is replaced in it.
        `vector_index=False` leaves the HNSW index to a later `create_vector_index()` (bulk loads)."""
        add, remove = list(add), set(remove)
        with self.pool.connection() as conn:
            stored = conn.execute("SELECT manifest FROM state").fetchone()[0]
        man = manifest or stored
        from index.build import DEFAULT_PARAMS

        params = {**DEFAULT_PARAMS, **(man.get("params") or {})}
        prepared = [doc_rows(d, params["tokenizer"]) for d in add]
        ids = [d.doc_id for d in prepared]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"two documents share a doc_id in one write: {', '.join(dup)}")
        missing = [c.clause_id for d in prepared for c in d.clauses if c.clause_id not in vectors]
        if missing:
            raise ValueError(f"no vector for {len(missing)} clause(s), e.g. {', '.join(missing[:3])}")
        dim = (man.get("model") or {}).get("dim")
        for d in prepared:
            for c in d.clauses:
                v = vectors[c.clause_id]
                if dim and len(v) != dim:
                    raise ValueError(f"vector of {c.clause_id} has {len(v)} dimensions, the model has {dim}")
        affected = sorted(remove | set(ids))
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            if manifest is not None:
                cur = conn.execute("SELECT manifest FROM state").fetchone()[0]
                if _model_changed(cur, manifest):
                    left = conn.execute("SELECT count(*) FROM documents WHERE doc_id <> ALL(%s)",
                                        (affected,)).fetchone()[0]
                    if left:
                        raise ValueError(f"the manifest changes the model or index parameters but {left} stored "
                                         f"document(s) would keep vectors/tokens of the old one: replace them all")
                conn.execute("UPDATE state SET manifest = %s", (_jsonb(manifest),))
            if affected:
                self._stats(conn, affected, -1)
                conn.execute("DELETE FROM documents WHERE doc_id = ANY(%s)", (affected,))
            if prepared:
                ids_of = {f: self._token_ids(conn, f, {t for d in prepared for c in d.clauses
                                                       for t in (c.ftoks if f else c.toks)}) for f in (False, True)}
                self._insert(conn, prepared, vectors, ids_of)
                self._stats(conn, ids, +1)
            if vector_index:
                self._ensure_vector_index(conn, dim)
            gen = conn.execute("UPDATE state SET generation = generation + 1, updated_at = now() "
                               "RETURNING generation").fetchone()[0]
        return str(gen)

    @staticmethod
    def _token_ids(conn, folded: bool, tokens: set[str]) -> dict[str, int]:
        """terms.id of every token, new tokens added (at df 0: _stats counts them after the insert)."""
        toks = sorted(tokens)
        ids = dict(conn.execute("SELECT token, id FROM terms WHERE folded = %s AND token = ANY(%s)",
                                (folded, toks)).fetchall())
        new = [t for t in toks if t not in ids]
        if new:
            ids.update(conn.execute("INSERT INTO terms (folded, token, df, cf) SELECT %s, t, 0, 0 "
                                    "FROM unnest(%s::text[]) t RETURNING token, id", (folded, new)).fetchall())
        return ids

    def _insert(self, conn, docs: list[DocRows], vectors: dict[str, np.ndarray], ids_of: dict[bool, dict]) -> None:
        from psycopg.types.json import Jsonb

        with conn.cursor() as cur:
            cur.executemany("INSERT INTO documents (doc_id, source, sha256, digest, province, level, type, date, "
                            "number, record) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                            [(d.doc_id, d.source, d.sha256, d.digest, d.meta.get("province"), d.meta.get("level"),
                              d.meta.get("type"), parse_date(d.meta.get("date")), d.meta.get("number"),
                              Jsonb(d.record)) for d in docs])
            tid, ftid = ids_of[False], ids_of[True]
            with cur.copy("COPY clauses (clause_id, doc_id, ord, province, level, type, date, record, text_key, "
                          "ntok, tids, tfs, ftids, ftfs, embedding) FROM STDIN (FORMAT BINARY)") as cp:
                cp.set_types(["text", "text", "int4", "text", "text", "text", "date", "jsonb", "text", "int4",
                              "int4[]", "int4[]", "int4[]", "int4[]", "vector"])
                for d in docs:
                    date = parse_date(d.meta.get("date"))
                    for c in d.clauses:
                        cp.write_row((c.clause_id, d.doc_id, c.ord, d.meta.get("province"), d.meta.get("level"),
                                      d.meta.get("type"), date, Jsonb(c.record), c.text_key, c.ntok,
                                      [tid[t] for t in c.toks], c.tfs, [ftid[t] for t in c.ftoks], c.ftfs,
                                      np.asarray(vectors[c.clause_id], dtype=np.float32)))
            tasks = [(d.doc_id, i, t.get("clause_id"), Jsonb(t)) for d in docs for i, t in enumerate(d.tasks)]
            if tasks:
                cur.executemany("INSERT INTO tasks (doc_id, ord, clause_id, record) VALUES (%s, %s, %s, %s)", tasks)
            refs = [(d.doc_id, i, r.get("number"), Jsonb(r)) for d in docs for i, r in enumerate(d.references)]
            if refs:
                cur.executemany("INSERT INTO doc_references (doc_id, ord, number, record) VALUES (%s, %s, %s, %s)",
                                refs)

    @staticmethod
    def _stats(conn, doc_ids: list[str], sign: int) -> None:
        """Add (+1) or subtract (-1) the clauses of `doc_ids` to the corpus statistics (under the write lock). Terms
        that fall to df 0 are kept (reads skip them): their ids stay valid."""
        for tids, tfs in (("tids", "tfs"), ("ftids", "ftfs")):
            conn.execute(
                f"UPDATE terms t SET df = t.df + %(s)s * x.df, cf = t.cf + %(s)s * x.cf FROM (SELECT u.tid, "
                f"count(*) AS df, sum(u.tf) AS cf FROM clauses c, unnest(c.{tids}, c.{tfs}) AS u(tid, tf) "
                f"WHERE c.doc_id = ANY(%(ids)s) GROUP BY u.tid) x WHERE t.id = x.tid",
                {"s": sign, "ids": doc_ids})
        conn.execute("UPDATE corpus_stats s SET n = s.n + %(s)s * x.cnt, total_len = s.total_len + %(s)s * x.l FROM "
                     "(SELECT count(*) AS cnt, coalesce(sum(ntok), 0) AS l FROM clauses WHERE doc_id = ANY(%(ids)s)) x",
                     {"s": sign, "ids": doc_ids})

    def _ensure_vector_index(self, conn, dim: int | None) -> None:
        if dim and self._index_dim(conn) is None:
            conn.execute(f"CREATE INDEX IF NOT EXISTS clauses_embedding_hnsw ON clauses USING hnsw "
                         f"((embedding::halfvec({int(dim)})) halfvec_ip_ops) "
                         f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})")

    def create_vector_index(self) -> None:
        """Build the HNSW index (after a bulk load written with vector_index=False)."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            dim = (conn.execute("SELECT manifest FROM state").fetchone()[0].get("model") or {}).get("dim")
            self._ensure_vector_index(conn, dim)

    def clear(self) -> str:
        """Remove every document (one transaction)."""
        with self.pool.connection() as conn:
            ids = [r[0] for r in conn.execute("SELECT doc_id FROM documents").fetchall()]
        return self.write([], ids, {})

    def stored_digests(self) -> dict[str, tuple[str | None, str | None]]:
        """doc_id -> (sha256 of the file, digest of the ingested content): what `policyqa build` compares."""
        return {d: (s, g) for d, s, g in self._all("SELECT doc_id, sha256, digest FROM documents")}

    def stored_vectors(self, doc_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """text_key -> vector of the given documents' clauses (reused when a re-parsed clause keeps its text)."""
        return {k: _array(v) for k, v in
                self._all("SELECT text_key, embedding FROM clauses WHERE doc_id = ANY(%s)", (list(doc_ids),))}


def _model_changed(old: dict, new: dict) -> bool:
    if not old:
        return False
    o, n = old.get("model") or {}, new.get("model") or {}
    op, np_ = old.get("params") or {}, new.get("params") or {}
    from index.manifest import embedding_class, embedding_path

    return (o.get("fingerprint"), o.get("dim"), op.get("tokenizer"), op.get("tokenizer_version"),
            embedding_class(embedding_path(old))) != \
        (n.get("fingerprint"), n.get("dim"), np_.get("tokenizer"), np_.get("tokenizer_version"),
         embedding_class(embedding_path(new)))


def _generation_order(gen: str):
    """Generations are the committed-write counter; order them as numbers."""
    return int(gen) if gen.isdigit() else -1


def _array(v) -> np.ndarray:
    """A pgvector value as float32 numpy."""
    return np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v, dtype=np.float32)


def _jsonb(obj):
    from psycopg.types.json import Jsonb

    return Jsonb(obj)


def _filter_sql(flt: ClauseFilter | None) -> tuple[str, dict]:
    """WHERE clause over `clauses c` for a ClauseFilter (indexed columns), with its parameters."""
    if flt is None or not flt.active():
        return "TRUE", {}
    parts, p = [], {}
    for col, vals in (("province", flt.provinces), ("doc_id", flt.doc_ids), ("level", flt.levels),
                      ("type", flt.types)):
        if vals:
            parts.append(f"c.{col} = ANY(%(f_{col})s)")
            p[f"f_{col}"] = list(vals)
    if flt.date_from or flt.date_to:
        parts.append("c.date IS NOT NULL")
        if flt.date_from:
            parts.append("c.date >= %(f_from)s::date")
            p["f_from"] = flt.date_from
        if flt.date_to:
            parts.append("c.date <= %(f_to)s::date")
            p["f_to"] = flt.date_to
    return " AND ".join(parts), p


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    import re

    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)
