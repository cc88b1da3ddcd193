"""`policyqa serve`: the HTTP JSON API (api/) on uvicorn, over the home's built index."""
from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Worker processes (each loads the model and index).")
@click.option("--database-url", envvar="POLICYQA_DATABASE_URL", default=None,
              help="Serve this PostgreSQL database (default: $POLICYQA_DATABASE_URL; none = files under data/). "
                   "Several serve processes may share one.")
@click.pass_context
def serve(ctx, host, port, workers, database_url):
    """Serve search, ask, compare, documents and health as an HTTP JSON API (docs at /docs)."""
    import dataclasses
    import os

    import uvicorn

    settings = ctx.obj["settings"]
    if database_url:
        settings = dataclasses.replace(settings, database_url=database_url)
    if workers > 1:  # uvicorn imports the app by name in each worker; the home travels in the environment
        os.environ["POLICYQA_HOME"] = str(settings.home)
        if database_url:
            os.environ["POLICYQA_DATABASE_URL"] = database_url
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
        return
    from api.app import create_app

    click.echo(f"PolicyQA API on http://{host}:{port} (docs: http://{host}:{port}/docs); home {settings.home}", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
