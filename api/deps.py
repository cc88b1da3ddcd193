"""What every route needs: the engine of the current generation (reloaded when a new one is published), and one
snapshot per request."""
from __future__ import annotations

import functools

from fastapi import Request


def engine(request: Request):
    return request.app.state.holder.get()


def pinned(route):
    """Runs the route inside `eng.snapshot()` (policyqa.engine.Engine.snapshot), with `eng` replaced by the engine of
    the snapshot's generation: all of one request's reads see one committed generation, and the documents and caches
    it answers from are that generation's even when another server or editor wrote to the shared database since this
    process loaded. The snapshot is opened here, in the route's own worker thread (a dependency runs in another)."""
    @functools.wraps(route)
    def run(*args, eng, **kwargs):
        with eng.snapshot() as current:
            return route(*args, eng=current, **kwargs)

    return run
