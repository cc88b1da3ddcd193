"""What every route needs: the engine of the current generation (reloaded when a new one is published)."""
from __future__ import annotations

from fastapi import Request


def engine(request: Request):
    return request.app.state.holder.get()
