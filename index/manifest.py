"""What an index was built from: model (and its fingerprint), corpus hashes, index parameters.
An index whose manifest does not match the current model or corpus is reported, never silently used."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

MANIFEST_VERSION = 2  # 2: generations (documents, clause columns and checksums published together)


class IndexMismatchError(RuntimeError):
    """The index on disk was built from a different model, corpus or parameters."""

    def __init__(self, problems: list[str], where: str = ""):
        self.problems = problems
        super().__init__(f"index {where} does not match: " + "; ".join(problems)
                         + ". Run `policyqa build` to rebuild it.")


def make(model_name: str, model_fp: str, dim: int, docs: list[dict], params: dict, build_id: str,
         embedding: dict | None = None) -> dict:
    return {
        "manifest_version": MANIFEST_VERSION,
        "build_id": build_id,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "model": {"name": model_name, "fingerprint": model_fp, "dim": dim},
        "corpus": {"documents": {d["doc_id"]: d["sha256"] for d in docs},
                   "clauses": sum(len(d["clauses"]) for d in docs),
                   "digest": docs_digest(docs),
                   "parser_versions": sorted({d.get("parser_version") for d in docs if d.get("parser_version")})},
        "params": params,
        # which code computed the vectors (index.embedder.EMBEDDING_PATHS) and on which device
        "embedding": embedding or {"path": "torch-fp32", "device": "cpu"},
    }


def embedding_path(manifest: dict) -> str:
    """The embedding path an index was built with (indexes from before it was recorded: torch-fp32)."""
    return (manifest.get("embedding") or {}).get("path") or "torch-fp32"


def embedding_class(path: str) -> str:
    """Paths whose vectors may be mixed: the fp32 paths (torch, ONNX Runtime, OpenVINO) agree to cosine >= 0.999;
    int8 does not."""
    return "int8" if path.endswith("int8") else "fp32"


def embedding_record(path: str, **extra) -> dict:
    """What a manifest (files index or database) records of the embedding path; an ONNX path also records
    the export recipe, since int8 vectors are read only with the same recipe's graph."""
    rec = {"path": path, **extra}
    if path.startswith("openvino"):
        import openvino

        rec["openvino"] = openvino.get_version()
    if path.startswith(("onnx", "openvino")):
        from .onnx_export import RECIPE

        rec["onnx_recipe"] = RECIPE
    return rec


def int8_graph_problem(manifest: dict) -> str | None:
    """int8 vectors depend on how the graph was quantised: an int8 index from another export recipe
    (index/onnx_export.RECIPE, recorded by embedding_record) is not read with this one's queries, nor reused.
    A manifest that records no recipe (indexes and databases from before it was recorded) is not checked."""
    from .onnx_export import RECIPE

    emb = manifest.get("embedding") or {}
    if embedding_class(embedding_path(manifest)) != "int8" or emb.get("onnx_recipe", RECIPE) == RECIPE:
        return None
    return (f"built with the int8 graph of export recipe {emb.get('onnx_recipe')}, current is {RECIPE} "
            "(rebuild to re-embed)")


def docs_digest(docs: list[dict]) -> str:
    """Hash of the ingested content (clause texts, fields, metadata): a parser change that alters
    clauses invalidates the index even when the source files are byte-identical."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d["doc_id"]):
        h.update(json.dumps([d["doc_id"], d["meta"], d["clauses"]], ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def problems(manifest: dict, model_fp: str | None, docs: list[dict] | None, params: dict | None = None,
             embedding: str | None = None) -> list[str]:
    out = []
    if embedding is not None and embedding_class(embedding_path(manifest)) != embedding_class(embedding):
        out.append(f"built with embedding path {embedding_path(manifest)}, current is {embedding} "
                   "(set POLICYQA_EMBEDDING to match, or rebuild)")
    elif embedding is not None and embedding_class(embedding) == "int8" and int8_graph_problem(manifest):
        out.append(int8_graph_problem(manifest))
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        out.append(f"manifest version {manifest.get('manifest_version')} != {MANIFEST_VERSION}")
    if model_fp is not None and manifest["model"]["fingerprint"] != model_fp:
        out.append(f"built with model {manifest['model']['name']} ({manifest['model']['fingerprint'][:12]}), "
                   f"current model is {model_fp[:12]}")
    if docs is not None:
        want = {d["doc_id"]: d["sha256"] for d in docs}
        have = manifest["corpus"]["documents"]
        added = sorted(set(want) - set(have))
        removed = sorted(set(have) - set(want))
        changed = sorted(k for k in set(want) & set(have) if want[k] != have[k])
        if added:
            out.append(f"documents not indexed: {', '.join(added)}")
        if removed:
            out.append(f"indexed documents no longer in the corpus: {', '.join(removed)}")
        if changed:
            out.append(f"documents changed since indexing: {', '.join(changed)}")
        if not (added or removed or changed) and manifest["corpus"].get("digest") != docs_digest(docs):
            out.append("ingested content changed since indexing (parser or metadata update)")
    from .lexical import TOKENIZER_VERSION

    if manifest.get("params", {}).get("tokenizer_version") != TOKENIZER_VERSION:
        out.append(f"built with tokenizer version {manifest.get('params', {}).get('tokenizer_version')}, "
                   f"current is {TOKENIZER_VERSION}")
    if params is not None:
        for k, v in params.items():
            if manifest["params"].get(k) != v:
                out.append(f"parameter {k}={manifest['params'].get(k)!r}, expected {v!r}")
    return out
