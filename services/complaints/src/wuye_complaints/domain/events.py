"""Domain events a case transition returns, for the outbox to publish.

Events carry ids, codes, states and times only. The reporter's identity and contact, and free text
(descriptions, reasons, replies), stay in the case: consumers (ratings, enforcement) need none of it,
and what is never published can never leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_complaints.domain.vocabulary import AssigneeKind, Channel, EscalationReason, RejectReason, Satisfaction, Tier


@dataclass(frozen=True)
class Submitted:
    case_id: str
    at: dt.datetime
    compound_id: str
    jurisdiction_path: str
    category: str
    channel: Channel
    accept_due_at: dt.datetime


@dataclass(frozen=True)
class Accepted:
    case_id: str
    at: dt.datetime
    overdue: bool  # accepted after the 1-working-day accept deadline


@dataclass(frozen=True)
class Rejected:
    case_id: str
    at: dt.datetime
    reason: RejectReason
    duplicate_of: str | None


@dataclass(frozen=True)
class Dispatched:
    case_id: str
    at: dt.datetime
    compound_id: str
    jurisdiction_path: str
    assignee_kind: AssigneeKind
    assignee_id: str
    first_dispatch: bool
    resolve_due_at: dt.datetime
    tier: Tier


@dataclass(frozen=True)
class SentBack:
    case_id: str
    at: dt.datetime
    assignee_kind: AssigneeKind
    assignee_id: str


@dataclass(frozen=True)
class Escalated:
    case_id: str
    at: dt.datetime
    jurisdiction_path: str
    from_tier: Tier
    to_tier: Tier
    reason: EscalationReason
    actor_id: str
    tier_due_at: dt.datetime | None


@dataclass(frozen=True)
class Resolved:
    case_id: str
    at: dt.datetime
    compound_id: str
    jurisdiction_path: str
    overdue: bool
    company_id: str | None
    tier: Tier


@dataclass(frozen=True)
class CallbackRecorded:
    case_id: str
    at: dt.datetime
    valid: bool
    contacted: bool | None
    solved: bool | None
    satisfaction: Satisfaction | None


@dataclass(frozen=True)
class Closed:
    case_id: str
    at: dt.datetime
    compound_id: str
    jurisdiction_path: str
    category: str
    satisfaction: Satisfaction | None  # None: no valid callback (reporter unreachable)
    overdue: bool
    company_id: str | None
    tier: Tier


@dataclass(frozen=True)
class Reopened:
    case_id: str
    at: dt.datetime
    assignee_kind: AssigneeKind
    assignee_id: str
    tier_due_at: dt.datetime


Event = (
    Submitted | Accepted | Rejected | Dispatched | SentBack | Escalated
    | Resolved | CallbackRecorded | Closed | Reopened
)
