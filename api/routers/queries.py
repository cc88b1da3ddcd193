"""Search, ask, compare and align: the library's results as the CLI's `--json` prints them. GET takes the
parameters in the query string, POST the same parameters as a JSON body (long questions, pasted clauses)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from policyqa import validate

from .. import schemas
from ..deps import engine, pinned

router = APIRouter(tags=["queries"])


def _filters(eng, p: schemas.FilterBody):
    return validate.filters(eng.docs, p.province, p.doc, p.level, p.date_from, p.date_to, p.type)


def _search(eng, p: schemas.SearchBody) -> dict:
    from policyqa.search import search

    q, k, mode = validate.query(p.q), validate.k(p.k), validate.mode(p.mode)
    return search(eng, q, k, mode, _filters(eng, p), province_from_query=p.province_from_query).to_json()


def _ask(eng, p: schemas.AskBody) -> dict:
    from policyqa.ask import ask

    q, k = validate.query(p.q), validate.k(p.k)
    return ask(eng, q, k=k, filters=_filters(eng, p)).to_json()


def _compare(eng, p: schemas.CompareBody) -> dict:
    from policyqa.compare import compare

    q, thr = validate.query(p.q), validate.threshold(p.threshold)
    return compare(eng, validate.clause_id(eng, q) or q, docs=validate.documents(eng.docs, p.docs),
                   threshold=thr).to_json()


def _align(eng, p: schemas.AlignBody) -> dict:
    from policyqa.compare import align

    a, b = validate.document(eng.docs, p.doc_a, "doc_a"), validate.document(eng.docs, p.doc_b, "doc_b")
    return align(eng, a, b, threshold=validate.threshold(p.threshold)).to_json()


@router.get("/search", response_model=schemas.SearchResponse, response_model_exclude_unset=True, summary="Ranked clauses with citations")
@pinned
def search_get(p: Annotated[schemas.SearchBody, Query()], eng=Depends(engine)):
    return _search(eng, p)


@router.post("/search", response_model=schemas.SearchResponse, response_model_exclude_unset=True, summary="Ranked clauses (JSON body)")
@pinned
def search_post(p: schemas.SearchBody, eng=Depends(engine)):
    return _search(eng, p)


@router.get("/ask", response_model=schemas.AskResponse, response_model_exclude_unset=True, summary="Short grounded answers per document")
@pinned
def ask_get(p: Annotated[schemas.AskBody, Query()], eng=Depends(engine)):
    return _ask(eng, p)


@router.post("/ask", response_model=schemas.AskResponse, response_model_exclude_unset=True, summary="Grounded answers (JSON body)")
@pinned
def ask_post(p: schemas.AskBody, eng=Depends(engine)):
    return _ask(eng, p)


@router.get("/compare", response_model=schemas.CompareResponse, response_model_exclude_unset=True,
            summary="The clause of every document that states a task, side by side, with word diffs")
@pinned
def compare_get(p: Annotated[schemas.CompareBody, Query()], eng=Depends(engine)):
    return _compare(eng, p)


@router.post("/compare", response_model=schemas.CompareResponse, response_model_exclude_unset=True, summary="Compare (JSON body)")
@pinned
def compare_post(p: schemas.CompareBody, eng=Depends(engine)):
    return _compare(eng, p)


@router.get("/compare/align", response_model=schemas.AlignResponse, response_model_exclude_unset=True,
            summary="Whole-document view: each clause of doc_a with its counterpart in doc_b")
@pinned
def align_get(p: Annotated[schemas.AlignBody, Query()], eng=Depends(engine)):
    return _align(eng, p)


@router.post("/compare/align", response_model=schemas.AlignResponse, response_model_exclude_unset=True, summary="Align (JSON body)")
@pinned
def align_post(p: schemas.AlignBody, eng=Depends(engine)):
    return _align(eng, p)
