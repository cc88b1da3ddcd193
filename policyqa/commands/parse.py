"""`policyqa parse FILE... [--json]`: what the product understood of each file (metadata, references, clause tree),
without indexing anything. Thin: the reading is ingest.document.describe."""
from __future__ import annotations

import json
import sys

import click


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report (schema in the README).")
def parse_cmd(files, as_json):
    """Show what the parser understood of FILE(s): metadata, references and clauses. Nothing is indexed."""
    from ingest.document import describe
    from ingest.readers import IngestError

    documents, skipped = [], []
    for f in files:
        try:
            documents.append(describe(f, source=f))
        except IngestError as e:
            skipped.append({"file": e.path, "reason": e.reason})
        except OSError as e:
            skipped.append({"file": f, "reason": e.strerror or str(e)})
    if as_json:
        click.echo(json.dumps({"documents": documents, "skipped": skipped}, ensure_ascii=False, indent=2))
    else:
        for d in documents:
            _print(d)
        for s in skipped:
            click.secho(f"skipped {s['file']}: {s['reason']}", fg="red", err=True)
    if skipped:
        sys.exit(2)


_LABELS = (("number", "Số"), ("type", "Loại"), ("date", "Ngày"), ("place", "Địa danh"), ("issuer", "Cơ quan ban hành"),
           ("superior", "Cơ quan chủ quản"), ("province", "Tỉnh/thành"), ("level", "Cấp"), ("signer", "Người ký"),
           ("signer_title", "Chức vụ"), ("title", "Trích yếu"))


def _print(d: dict) -> None:
    m = d["metadata"]
    click.secho(d["source"], bold=True)
    for key, label in _LABELS:
        click.echo(f"  {label}: {m.get(key) if m.get(key) is not None else '—'}")
    if m.get("recipients"):
        click.echo(f"  Nơi nhận: {'; '.join(m['recipients'])}")
    for r in m.get("references") or []:
        click.echo(f"  [{r['relation']}] {r['type'] or ''} {r['number'] or ''} {r['date'] or ''} {r['issuer'] or ''}"
                   .rstrip())
    click.echo(f"  {len(d['clauses'])} khoản/mục:")
    for c in d["clauses"]:
        depth = c["path"].count(".") + c["path"].count("-")
        line = f"  {'  ' * depth}{c['path']}  {c['heading']}"
        click.echo(line if len(line) <= 120 else line[:119] + "…")
    for w in d["warnings"]:
        click.secho(f"  warning: {w}", fg="yellow")
