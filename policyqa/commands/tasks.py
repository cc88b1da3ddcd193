"""`policyqa tasks`: the assignment table (STT, nhiệm vụ, chủ trì, phối hợp, thời hạn, chỉ tiêu/sản phẩm,
trích dẫn), printed or written as JSON, CSV, Excel or Word. Thin: policyqa.tasks and policyqa.export do
the work."""
from __future__ import annotations

import json
import sys
import textwrap

import click


@click.command(name="tasks")
@click.option("--doc", help="Only this document (id or prefix, number such as 12/KH-UBND, file name or province).")
@click.option("--agency", help="Only tasks this agency leads or coordinates (abbreviations accepted: Sở KH&ĐT, UBND).")
@click.option("--role", type=click.Choice(["lead", "coordinating", "any"]), default="any", show_default=True,
              help="With --agency: the role it must have.")
@click.option("--province", help="Only documents of this province/city (diacritics optional).")
@click.option("--due-from", help="Only tasks due on or after this date (YYYY-MM-DD).")
@click.option("--due-to", help="Only tasks due on or before this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write the table as CSV.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="Write a formatted Excel file.")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False), help="Write a formatted Word file.")
@click.pass_context
def tasks_command(ctx, doc, agency, role, province, due_from, due_to, as_json, csv_path, xlsx_path, docx_path):
    """The assignment table of the plans: who leads, who coordinates, by when, with what target."""
    from .. import export
    from ..engine import Engine
    from ..tasks import query_tasks

    def fail(msg: str):
        click.secho(f"error: {msg}", fg="red", err=True)
        sys.exit(1)

    try:
        table = query_tasks(ctx.with_resource(Engine.load(ctx.obj["settings"]).snapshot()), doc=doc, agency=agency, role=role, province=province,
                            due_from=due_from, due_to=due_to)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        fail(str(e))
    for path, write in ((csv_path, export.to_csv), (xlsx_path, export.to_xlsx), (docx_path, export.to_docx)):
        if path:
            try:
                write(table, path)
            except OSError as e:
                fail(f"{path}: {e.strerror or e}")
            click.echo(f"written: {path}", err=True)
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
        return
    if csv_path or xlsx_path or docx_path:
        return
    if not table["tasks"]:
        click.secho("Không tìm thấy nhiệm vụ nào theo điều kiện đã chọn.", fg="yellow")
        return
    head, sub = export.title(table)
    click.secho(head, bold=True)
    click.echo(sub)
    for r in table["tasks"]:
        c = export.cells(r)
        click.secho(f"{c[0]:>3}. {textwrap.shorten(c[1], 110, placeholder=' …')}", bold=True)
        for label, v in (("Chủ trì", c[2]), ("Phối hợp", c[3]), ("Thời hạn", c[4]), ("Chỉ tiêu/sản phẩm", c[5]),
                         ("Trích dẫn", c[6])):
            if v:
                click.echo(f"     {label}: {v}")
