"""Complaints (诉求): intake, the handling lifecycle, callbacks, and the figures (complaints service)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from wuye.common.v1 import common_pb2
from wuye.complaints.v1 import complaints_pb2 as pb
from wuye_chassis.auth import AuthContext
from wuye_gateway.convert import enum_value, to_json
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, IdempotencyKey, call_metadata

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=PROBLEM_RESPONSES)


class Reporter(BaseModel):
    name: str = Field(..., examples=["张三"])
    phone: str = Field(..., description="mainland mobile number", examples=["13812345678"])


class ShownReporter(BaseModel):
    name: str = Field(..., examples=["张*"])
    phone: str = Field(..., examples=["138****5678"])
    unmasked: bool = Field(..., description="false when masked: only the handling community worker or 12345 operator see them")


class Assignee(BaseModel):
    kind: Literal["company", "community"] | None
    assignee_id: str


class HistoryItem(BaseModel):
    at: str
    actor_id: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str


class Escalation(BaseModel):
    at: str
    actor_id: str
    from_tier: str | None
    to_tier: str | None
    reason: str | None
    note: str


class Callback(BaseModel):
    at: str
    actor_id: str
    valid: bool
    contacted: bool
    solved: bool
    satisfaction: str | None
    note: str


class Case(BaseModel):
    case_id: str
    ticket_no: str = Field(..., description="the number people read out", examples=["350521-20261125-00042"])
    compound_id: str
    jurisdiction_path: str = Field(..., examples=["350500/350521/350521100/350521100001"])
    category: str = Field(..., examples=["lifts"])
    channel: str | None = Field(..., examples=["mobile"])
    external_id: str
    description: str
    state: str | None = Field(..., examples=["dispatched"])
    tier: str | None = Field(..., examples=["community"])
    reporters: list[ShownReporter]
    collective: bool
    assignee: Assignee | None
    submitted_at: str | None
    accept_due_at: str | None
    first_dispatched_at: str | None = Field(..., description="C3: the resolve clock starts here and never restarts")
    resolve_due_at: str | None
    tier_due_at: str | None
    resolved_at: str | None
    closed_at: str | None
    reply: str
    reject_reason: str | None
    duplicate_of: str
    reopen_count: int
    history: list[HistoryItem]
    escalations: list[Escalation]
    callbacks: list[Callback]


class Submitted(BaseModel):
    case: Case
    created: bool = Field(..., description="false when external_id named a case that already existed")
    duplicate_candidate_ids: list[str] = Field(..., description="C6: open cases of the same compound and category within 7 days")


class SubmitIn(BaseModel):
    compound_id: str = Field(..., min_length=1)
    category: str = Field(..., min_length=1, description="a code from GET /api/v1/complaints/categories", examples=["lifts"])
    channel: Literal["hotline_12345", "grid_worker", "petition", "walk_in", "web", "mobile"]
    description: str = Field(..., min_length=1, max_length=2000, examples=["3号楼电梯停运两天"])
    reporter: Reporter
    external_id: str = Field("", max_length=100, description="a partner system's ticket id (12345), unique per channel")


class CasePage(BaseModel):
    items: list[Case]
    next_page_token: str = ""


class Category(BaseModel):
    code: str
    label_zh: str
    label_en: str
    resolve_working_days: int
    violation: bool
    top_ten: bool


class Ratio(BaseModel):
    numerator: int
    denominator: int
    value: float = Field(..., description="numerator ÷ denominator, for display; decisions use the exact ratio")


class TierShare(BaseModel):
    tier: str | None
    closed: int
    share: Ratio | None
    target: Ratio | None


class Figures(BaseModel):
    submitted: int
    submitted_last_year: int
    year_on_year_change: Ratio | None
    meets_year_on_year_target: bool
    closed: int
    closed_overdue: int
    valid_callbacks: int
    contacted: int
    solved: int
    satisfied: int
    basically_satisfied: int
    response_rate: Ratio | None
    resolution_rate: Ratio | None
    satisfaction_rate: Ratio | None
    tier_split: list[TierShare]
    meets_tier_target: bool
    average_handling_working_days: Ratio | None


def _case(message: Any) -> Case:
    return Case.model_validate(to_json(message))


def _backend(request: Request) -> Any:
    return request.app.state.backends.complaints


@router.get("/categories", response_model=list[Category], summary="Complaint categories (C1), the ten top problems first")
async def categories(request: Request, who: Caller) -> list[Category]:
    answer = await _backend(request).ListCategories(pb.ListCategoriesRequest(), metadata=call_metadata(who))
    return [Category.model_validate(to_json(c)) for c in answer.categories]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Submitted, summary="File a complaint")
async def submit(body: SubmitIn, request: Request, who: Caller, key: IdempotencyKey = None) -> Submitted:
    answer = await _backend(request).SubmitComplaint(
        pb.SubmitComplaintRequest(
            compound_id=body.compound_id,
            category=body.category,
            channel=enum_value(pb.Channel, body.channel),
            description=body.description,
            reporter=pb.Reporter(name=body.reporter.name, phone=body.reporter.phone),
            external_id=body.external_id,
        ),
        metadata=call_metadata(who, key),
    )
    return Submitted(case=_case(answer.case), created=answer.created,
                     duplicate_candidate_ids=list(answer.duplicate_candidate_ids))


@router.get("/figures", response_model=Figures, summary="C4/C5 figures for a jurisdiction and period")
async def figures(
    request: Request,
    who: Caller,
    jurisdiction_path: str,
    start_date: dt.date,
    end_date: dt.date,
    category: str = "",
    company_id: str = "",
) -> Figures:
    answer = await _backend(request).GetComplaintFigures(
        pb.GetComplaintFiguresRequest(
            jurisdiction_path=jurisdiction_path, start_date=start_date.isoformat(), end_date=end_date.isoformat(),
            category=category, company_id=company_id,
        ),
        metadata=call_metadata(who),
    )
    return Figures.model_validate(to_json(answer))


@router.get("/{case_id}", response_model=Case, summary="One case (reporter masked unless the role needs it)")
async def get(case_id: str, request: Request, who: Caller) -> Case:
    answer = await _backend(request).GetCase(pb.GetCaseRequest(case_id=case_id), metadata=call_metadata(who))
    return _case(answer.case)


@router.get("", response_model=CasePage, summary="Cases in a jurisdiction, newest first")
async def list_cases(
    request: Request,
    who: Caller,
    jurisdiction_path: str,
    state: str = "",
    compound_id: str = "",
    category: str = "",
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    page_token: str = "",
) -> CasePage:
    answer = await _backend(request).ListCases(
        pb.ListCasesRequest(
            jurisdiction_path=jurisdiction_path, state=enum_value(pb.CaseState, state), compound_id=compound_id,
            category=category, page=common_pb2.PageRequest(page_size=page_size, page_token=page_token),
        ),
        metadata=call_metadata(who),
    )
    return CasePage(items=[_case(c) for c in answer.cases], next_page_token=answer.page.next_page_token)


class Reason(BaseModel):
    reason: str = Field(..., min_length=1, max_length=500)


class RejectIn(BaseModel):
    reason: Literal["invalid", "duplicate", "not_property_related"]
    duplicate_of: str = ""
    note: str = ""


class DispatchIn(BaseModel):
    assignee_kind: Literal["company", "community"]
    assignee_id: str = Field("", description="empty: the compound's current company, or the case's community")


class SummaryIn(BaseModel):
    summary: str = Field(..., min_length=1, max_length=2000)


class ReplyIn(BaseModel):
    message: str = Field(..., min_length=1, max_length=2000)


class CallbackIn(BaseModel):
    valid: bool = Field(..., description="false when the reporter could not be reached")
    contacted: bool = False
    solved: bool = False
    satisfaction: Literal["satisfied", "basically_satisfied", "unsatisfied"] | None = None
    note: str = ""


class NoteIn(BaseModel):
    note: str = Field(..., min_length=1, max_length=500)


class Closed(BaseModel):
    case: Case
    reopened: bool = Field(..., description="an unsatisfied callback closes the case and reopens it at once")


async def _act(request: Request, who: AuthContext, rpc: str, message: Any) -> Any:
    return await getattr(_backend(request), rpc)(message, metadata=call_metadata(who))


@router.post("/{case_id}/accept", response_model=Case, summary="Accept a submitted case (C2)")
async def accept(case_id: str, request: Request, who: Caller) -> Case:
    return _case((await _act(request, who, "AcceptCase", pb.AcceptCaseRequest(case_id=case_id))).case)


@router.post("/{case_id}/reject", response_model=Case, summary="Reject a case with its reason (C2)")
async def reject(case_id: str, body: RejectIn, request: Request, who: Caller) -> Case:
    message = pb.RejectCaseRequest(case_id=case_id, reason=enum_value(pb.RejectReason, body.reason),
                                   duplicate_of=body.duplicate_of, note=body.note)
    return _case((await _act(request, who, "RejectCase", message)).case)


@router.post("/{case_id}/dispatch", response_model=Case, summary="Dispatch to the company or the community (C3 clock)")
async def dispatch(case_id: str, body: DispatchIn, request: Request, who: Caller) -> Case:
    message = pb.DispatchCaseRequest(case_id=case_id, assignee_kind=enum_value(pb.AssigneeKind, body.assignee_kind),
                                     assignee_id=body.assignee_id)
    return _case((await _act(request, who, "DispatchCase", message)).case)


@router.post("/{case_id}/send-back", response_model=Case, summary="The handler sends the case back, with a reason")
async def send_back(case_id: str, body: Reason, request: Request, who: Caller) -> Case:
    return _case((await _act(request, who, "SendBackCase", pb.SendBackCaseRequest(case_id=case_id, reason=body.reason))).case)


@router.post("/{case_id}/start", response_model=Case, summary="The handler takes the case on")
async def start(case_id: str, request: Request, who: Caller) -> Case:
    return _case((await _act(request, who, "StartHandling", pb.StartHandlingRequest(case_id=case_id))).case)


@router.post("/{case_id}/resolve", response_model=Case, summary="Record the resolution")
async def resolve(case_id: str, body: SummaryIn, request: Request, who: Caller) -> Case:
    return _case((await _act(request, who, "ResolveCase", pb.ResolveCaseRequest(case_id=case_id, summary=body.summary))).case)


@router.post("/{case_id}/reply", response_model=Case, summary="Reply to the reporter (五必: required before closing)")
async def reply(case_id: str, body: ReplyIn, request: Request, who: Caller) -> Case:
    return _case((await _act(request, who, "ReplyToReporter", pb.ReplyToReporterRequest(case_id=case_id, message=body.message))).case)


@router.post("/{case_id}/callback", response_model=Case, summary="Record the callback and satisfaction (C5)")
async def callback(case_id: str, body: CallbackIn, request: Request, who: Caller) -> Case:
    message = pb.RecordCallbackRequest(case_id=case_id, valid=body.valid, contacted=body.contacted, solved=body.solved,
                                       satisfaction=enum_value(pb.Satisfaction, body.satisfaction), note=body.note)
    return _case((await _act(request, who, "RecordCallback", message)).case)


@router.post("/{case_id}/close", response_model=Closed, summary="Close after callback; unsatisfied reopens (C2)")
async def close(case_id: str, request: Request, who: Caller) -> Closed:
    answer = await _act(request, who, "CloseCase", pb.CloseCaseRequest(case_id=case_id))
    return Closed(case=_case(answer.case), reopened=answer.reopened)


@router.post("/{case_id}/mark-hard", response_model=Case, summary="Escalate one tier now (C4), with why")
async def mark_hard(case_id: str, body: NoteIn, request: Request, who: Caller) -> Case:
    return _case((await _act(request, who, "MarkCaseHard", pb.MarkCaseHardRequest(case_id=case_id, note=body.note))).case)


@router.post("/{case_id}/reporters", response_model=Case, summary="Another resident reports the same matter (C6)")
async def add_reporter(case_id: str, body: Reporter, request: Request, who: Caller) -> Case:
    message = pb.AddReporterRequest(case_id=case_id, reporter=pb.Reporter(name=body.name, phone=body.phone))
    return _case((await _act(request, who, "AddReporter", message)).case)
