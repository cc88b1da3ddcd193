"""The service's request and response schemas: the README's `--json` schemas of the CLI, written as pydantic
models so /docs shows them. Responses are the library's own `to_json()` objects, validated against these models;
fields added later by the library pass through (extra="allow"), so the CLI and the service stay identical."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DocRef(Open):
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    province: str | None = None
    date: str | None = Field(None, description="ISO date, or null when the document states none")
    type: str | None = None


class Hit(Open):
    rank: int
    score: float
    text: str = Field(description="the clause's full cleaned text")
    source: str = Field(description="the document's path relative to the project home")
    clause_id: str
    section: str
    citation: str
    doc: DocRef
    doc_id: str
    level: str | None = None
    heading: str | None = None
    breadcrumb: list[str] = []
    notes: list[str] = []
    fields: dict[str, Any] = {}
    highlights: list[list[int]] = []
    scores: dict[str, float] = {}
    span: list[int] | None = None


class SearchResponse(Open):
    query: str
    mode: Literal["hybrid", "dense", "bm25"]
    dense_query: str | None = None
    filters: dict[str, Any] = {}
    province_from_query: str | None = None
    hits: list[Hit]


class Answer(Open):
    text: str
    doc: Any = None
    section: str | None = None
    citation: str | None = None
    clause_id: str | None = None
    source: str | None = None
    short: str | None = None
    kind: str | None = None
    field_source: str | None = None
    clause_text: str | None = None
    directing: Any = None
    support: float | None = None


class AskResponse(Open):
    question: str
    kind: str = Field(description="lead, coordinating, timeframe, target, task (or directing)")
    answers: list[Answer]
    hits: list[Hit]
    message: str | None = None
    filters: dict[str, Any] = {}


class DiffPart(Open):
    op: Literal["equal", "delete", "insert"]
    text: str


class CompareRow(Open):
    doc_id: str
    province: str | None = None
    number: str | None = None
    issuer: str | None = None
    level: str | None = None
    status: Literal["match", "missing"]
    similarity: float
    overlap: float | None = None
    clause_id: str | None = None
    section: str | None = None
    citation: str | None = None
    text: str | None = None
    lead: str | None = None
    coordinating: str | None = None
    timeframe: str | None = None
    source: str | None = None
    diff: list[DiffPart] | None = None
    text_overlap: float | None = None


class CompareResponse(Open):
    query: str
    threshold: float
    reference: str | None = None
    rows: list[CompareRow]


class BriefClause(Open):
    clause_id: str
    section: str
    text: str
    lead: str | None = None


class AlignPair(Open):
    status: Literal["matched", "only_in_a"]
    similarity: float
    overlap: float
    a: BriefClause
    b: BriefClause | None = None


class AlignResponse(Open):
    doc_a: str
    doc_b: str
    threshold: float
    pairs: list[AlignPair]
    only_in_b: list[BriefClause]


class DocumentSummary(Open):
    doc_id: str
    source: str
    clauses: int
    title: str | None = None
    number: str | None = None
    type: str | None = None
    issuer: str | None = None
    province: str | None = None
    level: str | None = None
    date: str | None = None
    signer: Any = None
    implements: Any = None
    inferred: Any = None
    evidence: Any = None
    metadata_source: str | None = None
    truncated: bool | None = None


class DocumentsResponse(Open):
    documents: list[DocumentSummary]


class Clause(Open):
    clause_id: str
    path: str
    citation_path: str | None = Field(None, description="the unit as officials cite it: 'điểm a khoản 2 Điều 5'")
    kind: str | None = None
    label: str | None = None
    parent: str | None = None
    heading: str | None = None
    breadcrumb: list[str] = []
    text: str
    notes: list[str] = []
    span: list[int] | None = None
    doc_id: str
    source: str
    citation: str
    fields: dict[str, Any] = {}


class DocumentDetail(Open):
    document: DocumentSummary
    header: list[str] = []
    recipients: list[str] = []
    signature: list[str] = []
    warnings: list[str] = []
    clauses: list[Clause]


class Health(Open):
    status: Literal["ok", "unavailable"]
    generation: str | None = Field(None, description="the published index build being served")
    loaded_at: str | None = None
    reloads: int = 0
    model: dict[str, Any] = {}
    documents: int = 0
    clauses: int = 0
    error: str | None = Field(None, description="why no (or no newer) index is served, when a load failed")


class Error(BaseModel):
    error: str = Field(description="what was wrong, naming the value")
    field: str | None = Field(None, description="the parameter at fault, when one is")
    status: int


# ---- request bodies (POST): the same parameters as the GET query strings --------------------------------------

class FilterBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    province: str | None = None
    doc: str | None = Field(None, description="document id, unique id prefix ('004'), number or file name")
    level: str | None = None
    date_from: str | None = Field(None, description="YYYY-MM-DD")
    date_to: str | None = None
    type: str | None = Field(None, description="document type ('Kế hoạch', 'Nghị định'; diacritics optional)")


class SearchBody(FilterBody):
    q: str
    k: int = 10
    mode: str = "hybrid"
    province_from_query: bool = True


class AskBody(FilterBody):
    q: str
    k: int = 20


class CompareBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str = Field(description="a task in words, or a clause id")
    docs: str | None = Field(None, description="comma-separated documents or provinces; default all")
    threshold: float | None = None


class AlignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_a: str
    doc_b: str
    threshold: float | None = None


class TaskRow(Open):
    stt: int
    task_id: str
    doc_id: str
    clause_id: str
    section: str
    task: str
    lead: Any = None
    lead_text: str | None = None
    coordinating: list[Any] = []
    coordinating_text: str | None = None
    directing: Any = None
    deadline: Any = None
    targets: list[Any] = []
    targets_text: str | None = None
    product: Any = None
    citation: str
    doc: DocRef
    source: Any = None
    file: str | None = None
    role: str | None = None


class TasksResponse(Open):
    filters: dict[str, Any] = {}
    tasks: list[TaskRow]


class TasksQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc: str | None = Field(None, description="document id or prefix, number, file name or province")
    agency: str | None = Field(None, description="any spelling of an agency (abbreviations accepted)")
    role: Literal["lead", "coordinating", "any"] = "any"
    province: str | None = None
    due_from: str | None = Field(None, description="YYYY-MM-DD")
    due_to: str | None = None
