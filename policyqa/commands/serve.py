"""`policyqa serve`: the HTTP JSON API (api/) on uvicorn, over the home's built index."""
from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Worker processes (each loads the model and index).")
@click.pass_context
def serve(ctx, host, port, workers):
    """Serve search, ask, compare, documents and health as an HTTP JSON API (docs at /docs)."""
    import os

    import uvicorn

    settings = ctx.obj["settings"]
    if workers > 1:  # uvicorn imports the app by name in each worker; the home travels in the environment
        os.environ["POLICYQA_HOME"] = str(settings.home)
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
        return
    from api.app import create_app

    click.echo(f"PolicyQA API on http://{host}:{port} (docs: http://{host}:{port}/docs); home {settings.home}", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
