"""The state of a project home, for `policyqa check`: the published generation and every file of it verified
against its checksum, the corpus compared with what is published, the model compared with the one that built
the index, and generations or staging folders that are stale or left over. Reads only; changes nothing."""
from __future__ import annotations

import os
from pathlib import Path

from index.embedder import folder_fingerprint
from index.lock import holder
from index.store import (CURRENT, KEEP_PREVIOUS, STAGING_PREFIX, CorruptIndexError, current_dir, generations,
                         live_name, read_manifest_file, verify)
from ingest.pipeline import file_hash, list_files

from .config import Settings


def check_home(settings: Settings) -> dict:
    problems: list[str] = []
    out: dict = {"ok": False, "home": str(settings.home), "generation": None, "files": [], "corpus": None,
                 "model": None, "generations": None, "build_running": None, "problems": problems}
    index_dir = settings.index_dir
    out["build_running"] = holder(settings.data_dir)
    gen = current_dir(index_dir)
    man = None
    if gen is None:
        name = live_name(index_dir)
        problems.append(f"nothing is published in {index_dir}" + (f" ({CURRENT} names {name}, which is missing)"
                                                                  if name else "") + "; run `policyqa build`")
    else:
        try:
            man = read_manifest_file(gen)
        except CorruptIndexError as e:
            problems.extend(f"{gen.name}/{p}" for p in e.problems)
        if man is not None:
            out["generation"] = {"id": man.get("build_id"), "path": str(gen), "created": man.get("created"),
                                 "documents": len(man.get("corpus", {}).get("documents", {})),
                                 "clauses": man.get("corpus", {}).get("clauses"),
                                 "bytes": sum(f.get("size", 0) for f in man["files"].values())}
            bad = {p.split(" ", 1)[0]: p for p in verify(gen, man, full=True)}
            for rel, want in sorted(man["files"].items()):
                out["files"].append({"file": rel, "size": want.get("size"), "ok": rel not in bad,
                                     "problem": bad.pop(rel, None)})
            for rel, p in bad.items():  # files that were not published with the generation
                out["files"].append({"file": rel, "size": None, "ok": False, "problem": p})
            problems.extend(f"{gen.name}/{f['problem']}" for f in out["files"] if not f["ok"])
            out["corpus"] = _corpus(settings, gen, problems)
            out["model"] = _model(settings, man, problems)
    out["generations"] = _generations(index_dir, gen.name if gen else None, problems, out["build_running"] is None)
    out["ok"] = not problems
    return out


def _corpus(settings: Settings, gen: Path, problems: list[str]) -> dict:
    """Corpus files against the published documents, by path and content hash."""
    import json

    published = {}
    try:
        with open(gen / "docs.jsonl", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    published[d["source"]] = d.get("sha256")
    except (OSError, ValueError, KeyError):
        return {"files": None, "not_indexed": [], "removed": [], "changed": []}  # already reported by verify
    here = {}
    for p in list_files(settings.corpus_dir):
        src = os.path.relpath(p, settings.home) if p.resolve().is_relative_to(settings.home) else str(p)
        try:
            here[src] = file_hash(p)
        except OSError:
            continue
    res = {"files": len(here), "published": len(published),
           "not_indexed": sorted(set(here) - set(published)), "removed": sorted(set(published) - set(here)),
           "changed": sorted(s for s in set(here) & set(published) if here[s] != published[s])}
    if res["not_indexed"]:
        problems.append(f"not in the published index (new, or could not be ingested): {', '.join(res['not_indexed'])}")
    if res["removed"]:
        problems.append(f"published but no longer in the corpus: {', '.join(res['removed'])}")
    if res["changed"]:
        problems.append(f"changed since publishing: {', '.join(res['changed'])}")
    if res["not_indexed"] or res["removed"] or res["changed"]:
        problems.append("searches serve the published generation until `policyqa build` publishes a new one")
    return res


def _model(settings: Settings, man: dict, problems: list[str]) -> dict:
    built = man["model"].get("fingerprint")
    if not (settings.model_dir / "modules.json").exists():
        problems.append(f"model folder {settings.model_dir} is missing; run `policyqa model`")
        return {"ok": False, "index": built, "current": None, "path": str(settings.model_dir)}
    cur = folder_fingerprint(settings.model_dir)
    if cur != built:
        problems.append(f"the index was built with model {str(built)[:12]}, the model folder is {cur[:12]}; "
                        "run `policyqa build`")
    return {"ok": cur == built, "index": built, "current": cur, "path": str(settings.model_dir)}


def _generations(index_dir: Path, live: str | None, problems: list[str], idle: bool) -> dict:
    gens = [p.name for p in generations(index_dir)]
    older = [g for g in gens if g != live]
    stale = older[:max(0, len(older) - KEEP_PREVIOUS)]
    orphans = sorted(p.name for p in index_dir.iterdir() if p.is_dir() and p.name.startswith((STAGING_PREFIX, ".trash-"))) \
        if index_dir.is_dir() else []
    if orphans and idle:
        problems.append(f"folders left by a build that did not finish: {', '.join(orphans)} (the next build "
                        "removes them)")
    if stale:
        problems.append(f"old generations not yet removed (a reader was loading them): {', '.join(stale)}")
    return {"live": live, "previous": older[len(stale):], "stale": stale, "orphans": orphans}
