"""Documents and clauses, as `policyqa docs --json` shows them; a document is named as everywhere else (id,
unique id prefix, number, file name)."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from policyqa import documents, validate

from .. import schemas
from ..deps import engine, pinned

router = APIRouter(tags=["documents"])


@router.get("/documents", response_model=schemas.DocumentsResponse, response_model_exclude_unset=True, summary="Documents with metadata and clause counts")
@pinned
def list_documents(eng=Depends(engine)):
    return {"documents": [documents.summary(d) for d in eng.docs.values()]}


@router.get("/documents/{doc:path}", response_model=schemas.DocumentDetail, response_model_exclude_unset=True,
            responses={404: {"model": schemas.Error}}, summary="One document with its header and clauses")
@pinned
def get_document(doc: str, eng=Depends(engine)):
    try:
        did = validate.document(eng.docs, doc, "doc")
    except validate.InvalidInput as e:
        e.status = 404
        raise
    return documents.detail(eng.docs[did])


@router.get("/clauses/{clause_id}", response_model=schemas.Clause, response_model_exclude_unset=True,
            responses={404: {"model": schemas.Error}}, summary="One clause with its citation and task fields")
@pinned
def get_clause(clause_id: str, eng=Depends(engine)):
    try:
        cid = validate.clause_id(eng, clause_id)
    except validate.InvalidInput as e:
        e.status = 404
        raise
    if cid is None:
        raise validate.InvalidInput("clause_id", f"{clause_id!r} is not a clause id (DOC_ID:PATH, e.g. 004:II.2)", 404)
    did, path = cid.split(":", 1)
    d = eng.docs[did]
    return documents.clause(d, next(c for c in d["clauses"] if c["path"] == path))
