"""`policyqa check [--json]`: the state of the home (published generation, checksums, corpus, model, leftovers).
Exit 0 when everything is in order, 1 when something needs attention (each problem is listed)."""
from __future__ import annotations

import json
import sys

import click

from ..config import Settings


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx, as_json):
    """Verify the published index (every file against its checksum), the corpus and the model."""
    from ..health import check_home

    s: Settings = ctx.obj["settings"]
    rep = check_home(s)
    if as_json:
        click.echo(json.dumps(rep, ensure_ascii=False, indent=2))
    else:
        g = rep["generation"]
        if g:
            click.echo(f"published generation {g['id']} ({g['created']}): {g['documents']} documents, "
                       f"{g['clauses']} clauses, {len(rep['files'])} files, {g['bytes']:,} bytes")
            bad = [f for f in rep["files"] if not f["ok"]]
            click.echo(f"files: {len(rep['files']) - len(bad)} verified" + (f", {len(bad)} damaged" if bad else ""))
        if rep["corpus"] and rep["corpus"].get("files") is not None:
            c = rep["corpus"]
            click.echo(f"corpus: {c['files']} files, {c['published']} published documents")
        if rep["model"]:
            click.echo("model: " + ("matches the index" if rep["model"]["ok"] else "does NOT match the index"))
        if rep["build_running"]:
            click.echo(f"a build is running (pid {rep['build_running'].get('pid')})")
        for p in rep["problems"]:
            click.secho(f"  problem: {p}", fg="red")
        click.secho("ok" if rep["ok"] else f"{len(rep['problems'])} problem(s)", fg="green" if rep["ok"] else "red")
    sys.exit(0 if rep["ok"] else 1)
