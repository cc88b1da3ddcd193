"""Is the service answering, from which generation and model, over how many documents and clauses."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import schemas

router = APIRouter(tags=["service"])


@router.get("/health", response_model=schemas.Health, responses={503: {"model": schemas.Health}})
def health(request: Request):
    holder = request.app.state.holder
    holder.maybe_reload()
    eng = holder.current
    if eng is None:
        body = schemas.Health(status="unavailable", error=holder.last_error)
        return JSONResponse(body.model_dump(), status_code=503)
    with eng.snapshot() as eng:  # generation, model and counts of one committed generation (the one queries see)
        man = eng.manifest
        return {"status": "ok", "generation": eng.generation, "loaded_at": holder.loaded_at,
                "reloads": holder.reloads, "model": man.get("model", {}), "documents": len(eng.docs),
                "clauses": len(eng.rows), "error": holder.last_error}
