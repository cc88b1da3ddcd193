"""The FastAPI application: model and index loaded once (lifespan), routers by resource, every error a JSON
object {"error", "field", "status"} with a 4xx code (503 while no index can be served), never a traceback."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from policyqa.config import Settings
from policyqa.validate import InvalidInput

from .routers import documents, health, queries, tasks
from .state import EngineHolder, EngineUnavailable

log = logging.getLogger("policyqa.api")


def _error(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field, "status": status}, status_code=status)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    parts, field = [], None
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path")]
        field = field or (loc[-1] if loc else None)
        parts.append(f"{'.'.join(loc) or 'request'}: {e.get('msg')}")
    return "; ".join(parts) or "invalid request", field


def create_app(settings: Settings | None = None, embedder=None, check_interval: float | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    holder = EngineHolder(settings, embedder, **({"check_interval": check_interval} if check_interval else {}))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder.start()
        if holder.current is None:
            log.warning("no index served yet: %s", holder.last_error)
        yield

    app = FastAPI(title="PolicyQA", lifespan=lifespan,
                  description="Semantic search and question answering over Vietnamese policy documents. "
                              "Responses use the same JSON schemas as the `policyqa … --json` commands.")
    app.state.holder = holder

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput):
        return _error(exc.status, str(exc), exc.field)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        msg, field = _validation_message(exc)
        return _error(422, msg, field)

    @app.exception_handler(EngineUnavailable)
    async def unavailable(request: Request, exc: EngineUnavailable):
        return _error(503, f"no index can be served: {exc}")

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError):
        return _error(400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return _error(500, f"internal error ({type(exc).__name__}); see the server log")

    for r in (queries.router, documents.router, tasks.router, health.router):
        app.include_router(r)
    return app
