"""What callers ask of the enforcement service: one frozen dataclass per command and query.

Each is the input of one handler in ``service/`` (``handler(command, uow)``), whoever calls it: the gRPC
servicer, the complaint consumer, the overdue scheduler, the import command or a test. Values arrive as
the caller sent them (text for enums and dates, "" or 0 for absent); the handler and the domain validate
them and name the field they refuse. Who acts is never here: it is the caller's authenticated context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

# --- catalogue (E1) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListDepartments:
    pass


@dataclass(frozen=True)
class InspectionItemInput:
    code: str
    lead_department: str
    partner_departments: tuple[str, ...]
    content: str
    legal_basis: str
    standard: str
    frequency: str
    #: "" is the residential compound scenario
    scenario: str = ""


@dataclass(frozen=True)
class CreateInspectionItem:
    item: InspectionItemInput


@dataclass(frozen=True)
class UpdateInspectionItem:
    item: InspectionItemInput


@dataclass(frozen=True)
class ListInspectionItems:
    #: "" lists every item; a code lists the items that department checks (as lead or partner)
    department: str = ""


@dataclass(frozen=True)
class ImportCatalogue:
    """Catalogue rows as a sheet holds them: text cells keyed by column name, the first row numbered 1; or
    an uploaded workbook holding them."""

    rows: tuple[Mapping[str, str], ...]
    workbook: bytes = b""


# --- plans (E2, E3) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamInput:
    department: str
    inspector_ids: tuple[str, ...]


@dataclass(frozen=True)
class CreatePlan:
    kind: str
    visit_date: str
    compound_ids: tuple[str, ...]
    teams: tuple[TeamInput, ...]
    #: what an exempt (non-routine) inspection rests on: the complaint case, campaign or order
    basis: str = ""
    #: () is the residential compound scenario
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenComplaintInspection:
    """A complaint was submitted (the complaints service's event): a violation opens an inspection."""

    case_id: str
    compound_id: str
    category: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class GetPlan:
    plan_id: str


@dataclass(frozen=True)
class AssignInspectors:
    plan_id: str
    department: str
    inspector_ids: tuple[str, ...]


@dataclass(frozen=True)
class ListPlans:
    jurisdiction_path: str
    start_date: str
    end_date: str
    #: 0 for the default page size
    page_size: int = 0
    #: "" for the first page
    page_token: str = ""


# --- inspections (E2, E4) ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordResult:
    inspection_id: str
    item_code: str
    outcome: str
    #: "" for a line that did not fail
    severity: str = ""
    evidence_refs: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class UploadEvidencePhoto:
    content: bytes
    content_type: str


@dataclass(frozen=True)
class GetInspectionPhoto:
    inspection_id: str
    photo_id: str


@dataclass(frozen=True)
class GetTaskPhoto:
    task_id: str
    photo_id: str


@dataclass(frozen=True)
class GetItemPhoto:
    item_id: str
    photo_id: str


@dataclass(frozen=True)
class SweepUnfiledPhotos:
    #: evidence photos no result took within this many hours of their upload are deleted
    kept_hours: float
    limit: int


@dataclass(frozen=True)
class OrderInput:
    """The order to issue for one failed item; a deadline is given as a moment or in working days."""

    item_code: str
    addressee: str
    #: "" for an order to the company serving the compound
    addressee_id: str = ""
    deadline: dt.datetime | None = None
    deadline_working_days: int = 0


@dataclass(frozen=True)
class CompleteInspection:
    inspection_id: str
    orders: tuple[OrderInput, ...] = ()


@dataclass(frozen=True)
class GetInspection:
    inspection_id: str


# --- rectification orders (E4) -------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRecheck:
    order_id: str
    inspection_id: str
    passed: bool
    #: why the re-check comes before the deadline (required then, refused otherwise)
    early_reason: str = ""


@dataclass(frozen=True)
class EscalateOrder:
    order_id: str
    kind: str
    #: only for a referral
    referral_kind: str = ""
    #: "" where the referral kind decides the department
    department: str = ""


@dataclass(frozen=True)
class RecordEscalationOutcome:
    order_id: str
    outcome: str


@dataclass(frozen=True)
class MarkOrderOverdue:
    """The overdue scheduler's command for one issued order whose deadline has passed."""

    order_id: str


@dataclass(frozen=True)
class GetOrder:
    order_id: str


@dataclass(frozen=True)
class OrderList:
    """A page of the orders in a jurisdiction, optionally of one department's items."""

    jurisdiction_path: str
    department: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ListOrdersDueRecheck(OrderList):
    """The orders whose follow-up re-check (回头看) is due now."""


@dataclass(frozen=True)
class ListOverdueOrders(OrderList):
    """The orders overdue now and not yet escalated."""


@dataclass(frozen=True)
class FindOrdersPastDeadline:
    """The ids of issued orders past their deadline now, longest overdue first (the scheduler's round)."""

    limit: int


# --- figures (E5) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GetEnforcementFigures:
    jurisdiction_path: str
    start_date: str
    end_date: str
    department: str = ""


# --- supervision (S1–S4) -------------------------------------------------------------------------


@dataclass(frozen=True)
class AddresseeInput:
    #: jurisdiction, department, compound or company
    kind: str
    #: a jurisdiction path, a department code, a compound id or a company id
    id: str


@dataclass(frozen=True)
class TaskInput:
    area: str
    title: str
    required_result: str
    addressee: AddresseeInput
    deadline: str


@dataclass(frozen=True)
class CreateTaskList:
    kind: str
    origin: str
    title: str
    jurisdiction_path: str
    tasks: tuple[TaskInput, ...]


@dataclass(frozen=True)
class ImportTaskList:
    """A task list from a sheet's rows (text cells keyed by column name, the first row numbered 1), or from
    an uploaded .xlsx workbook's first sheet (its rows numbered as the sheet shows them)."""

    kind: str
    origin: str
    title: str
    jurisdiction_path: str
    rows: tuple[Mapping[str, str], ...] = ()
    workbook: bytes = b""


@dataclass(frozen=True)
class GetTaskList:
    list_id: str


@dataclass(frozen=True)
class ListTaskLists:
    jurisdiction_path: str
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ListTasks:
    jurisdiction_path: str
    #: "" for every state
    state: str = ""
    overdue_only: bool = False
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ReportTaskDone:
    task_id: str
    result: str
    evidence_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnTask:
    task_id: str
    reason: str


@dataclass(frozen=True)
class CreateSupervisionRound:
    kind: str
    title: str
    jurisdiction_path: str
    sample_size: int = 0
    #: 0 draws a seed (and records it)
    seed: int = 0
    #: (checking street path, checked street path); empty rotates the streets
    pairings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GetSupervisionRound:
    round_id: str


@dataclass(frozen=True)
class ListSupervisionRounds:
    jurisdiction_path: str
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class RecordCheck:
    round_id: str
    check_id: str
    findings: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class ListItemInput:
    problem: str
    addressee: AddresseeInput
    deadline: str
    check_id: str = ""


@dataclass(frozen=True)
class CreateRectificationList:
    title: str
    jurisdiction_path: str
    items: tuple[ListItemInput, ...]
    round_id: str = ""


@dataclass(frozen=True)
class GetRectificationList:
    list_id: str


@dataclass(frozen=True)
class ListRectificationLists:
    jurisdiction_path: str
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class ListRectificationItems:
    jurisdiction_path: str
    state: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class RecordItemHandling:
    item_id: str
    action_taken: str
    evidence_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordItemFeedback:
    item_id: str
    satisfied: bool
    note: str = ""


@dataclass(frozen=True)
class RecordItemReview:
    item_id: str
    confirmed: bool
    note: str = ""


@dataclass(frozen=True)
class GetSupervisionFigures:
    jurisdiction_path: str
    start_date: str
    end_date: str
