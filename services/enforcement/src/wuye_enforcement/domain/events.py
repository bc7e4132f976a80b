"""Domain events an inspection, a rectification order or a supervision task or list item returns, for the outbox to publish.

Events carry ids, codes, counts, times and the place (compound and jurisdiction path) only. Evidence,
notes and the id of an owner an order is addressed to stay in the order: ratings charges companies, so it
needs the company id and nothing about an owner, and what is never published can never leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_enforcement.domain.vocabulary import (
    Addressee,
    AddresseeKind,
    EscalationOutcome,
    InspectionKind,
    ReferralKind,
    Severity,
)


@dataclass(frozen=True)
class InspectionCompleted:
    inspection_id: str
    plan_id: str
    compound_id: str
    jurisdiction_path: str
    kind: InspectionKind
    at: dt.datetime
    items_checked: int  # passed + failed; not-applicable items were not checked
    findings: int
    separate_visits_saved: int


@dataclass(frozen=True)
class FindingRecorded:
    finding_id: str
    inspection_id: str
    compound_id: str
    jurisdiction_path: str
    company_id: str | None  # the company serving the compound; None when it has none
    item_code: str
    severity: Severity
    at: dt.datetime


@dataclass(frozen=True)
class RectificationCompleted:
    order_id: str
    finding_id: str
    compound_id: str
    jurisdiction_path: str
    company_id: str | None  # set only when the order was addressed to a company
    addressee: Addressee
    at: dt.datetime
    late: bool  # verified after the deadline


@dataclass(frozen=True)
class RectificationOverdue:
    order_id: str
    finding_id: str
    compound_id: str
    jurisdiction_path: str
    company_id: str | None
    addressee: Addressee
    deadline: dt.datetime
    at: dt.datetime


@dataclass(frozen=True)
class PenaltyCaseOpened:
    order_id: str
    escalation_id: str
    department: str
    compound_id: str
    jurisdiction_path: str
    company_id: str | None
    at: dt.datetime


@dataclass(frozen=True)
class ReferralCreated:
    order_id: str
    escalation_id: str
    referral_kind: ReferralKind
    department: str
    compound_id: str
    jurisdiction_path: str
    company_id: str | None
    at: dt.datetime


@dataclass(frozen=True)
class EscalationConcluded:
    order_id: str
    escalation_id: str
    outcome: EscalationOutcome
    company_id: str | None
    at: dt.datetime


@dataclass(frozen=True)
class SupervisionTaskDone:
    task_id: str
    list_id: str
    addressee_kind: AddresseeKind
    addressee_id: str
    jurisdiction_path: str
    company_id: str | None  # set only when the addressee is a company
    at: dt.datetime
    late: bool


@dataclass(frozen=True)
class SupervisionItemClosed:
    item_id: str
    list_id: str
    addressee_kind: AddresseeKind
    addressee_id: str
    jurisdiction_path: str
    company_id: str | None
    at: dt.datetime
    late: bool


@dataclass(frozen=True)
class SupervisionItemReopened:
    item_id: str
    list_id: str
    addressee_kind: AddresseeKind
    addressee_id: str
    jurisdiction_path: str
    company_id: str | None
    at: dt.datetime


Event = (
    InspectionCompleted
    | FindingRecorded
    | RectificationCompleted
    | RectificationOverdue
    | PenaltyCaseOpened
    | ReferralCreated
    | EscalationConcluded
    | SupervisionTaskDone
    | SupervisionItemClosed
    | SupervisionItemReopened
)
