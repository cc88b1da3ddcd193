"""The assignment table (who leads, who coordinates, by when, with what target), as `policyqa tasks --json`."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from policyqa import validate

from .. import schemas
from ..deps import engine, pinned

router = APIRouter(tags=["tasks"])


@router.get("/tasks", response_model=schemas.TasksResponse, response_model_exclude_unset=True,
            summary="Tasks of the plans, filtered by document, agency and role, province, deadline")
@pinned
def list_tasks(p: Annotated[schemas.TasksQuery, Query()], eng=Depends(engine)):
    from policyqa.tasks import query_tasks

    # checked here so an unknown name is a 422 naming the close matches; passed on as typed (the CLI does too)
    validate.documents(eng.docs, p.doc, "doc")
    validate.province(eng.docs, p.province)
    due_from, due_to = validate.date(p.due_from, "due_from"), validate.date(p.due_to, "due_to")
    return query_tasks(eng, doc=p.doc, agency=p.agency, role=p.role, province=p.province, due_from=due_from,
                       due_to=due_to)
