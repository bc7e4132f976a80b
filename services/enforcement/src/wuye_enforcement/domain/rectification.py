"""Rectification orders (整改通知, E4): from a finding to rectified, or overdue and escalated.

::

    issued ──re-check passes──▶ rectified
      │                            ▲
    deadline passes                │ re-check passes (late) / escalation outcome "rectified"
      ▼                            │
    overdue ──escalate──▶ escalated (penalty case or judicial-alliance referral) ──outcome──▶ concluded

- The deadline is required and lies after the issue moment. At the deadline itself the order is still
  on time; it is overdue from the first moment after.
- The follow-up re-check (回头看) is due from the deadline on; a re-check may also come earlier when
  the addressee reports the work done, and then records why (``early_reason``; refused without one). Only a passing re-check rectifies an order: the addressee's word
  is not enough. A failing re-check after the deadline makes the order overdue; before it, it changes
  nothing but the record.
- Only an overdue order is escalated (not rectified → penalty case or referral to the "8+X" judicial
  alliance). A procuratorate public-interest litigation suggestion (公益诉讼检察建议) goes to the
  procuratorate, a court on-site hearing to the court; any other referral names its department.
- An escalation ends with one outcome; "rectified" also rectifies the order (late), so it counts among
  the problems dealt with (E5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from wuye_chassis.bounds import MAX_DEADLINE_WORKING_DAYS
from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import (
    optional_text,
    parse_choice,
    require_flag,
    require_moment,
    require_text,
    require_whole,
)
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_enforcement.domain.events import (
    EscalationConcluded,
    Event,
    PenaltyCaseOpened,
    RectificationCompleted,
    RectificationOverdue,
    ReferralCreated,
)
from wuye_enforcement.domain.inspections import Finding
from wuye_enforcement.domain.vocabulary import Addressee, EscalationOutcome, ReferralKind, Severity

#: the longest reason a re-check before the deadline records
EARLY_REASON_MAX_LENGTH = 500


class OrderState(StrEnum):
    ISSUED = "issued"
    RECTIFIED = "rectified"
    OVERDUE = "overdue"
    ESCALATED = "escalated"


class EscalationKind(StrEnum):
    PENALTY_CASE = "penalty_case"  # 立案处罚
    REFERRAL = "referral"  # 移送司法联盟


#: the department a referral goes to when its kind decides it
REFERRAL_DEPARTMENTS: Mapping[ReferralKind, str] = {
    ReferralKind.PUBLIC_INTEREST_SUGGESTION: "procuratorate",
    ReferralKind.COURT_ONSITE_HEARING: "court",
}
ALLOWED_OUTCOMES: Mapping[EscalationKind, frozenset[EscalationOutcome]] = {
    EscalationKind.PENALTY_CASE: frozenset(
        {EscalationOutcome.RECTIFIED, EscalationOutcome.PENALTY_IMPOSED, EscalationOutcome.DISMISSED}
    ),
    EscalationKind.REFERRAL: frozenset(
        {
            EscalationOutcome.RECTIFIED,
            EscalationOutcome.LITIGATION_FILED,
            EscalationOutcome.SETTLED_ON_SITE,
            EscalationOutcome.DISMISSED,
        }
    ),
}


def deadline_in_working_days(issued_at: dt.datetime, days: int, calendar: WorkingDayCalendar) -> dt.datetime:
    """A deadline ``days`` working days after issue (same local time of day), for orders given in days."""
    require_whole(days, field="deadline_working_days", rule="E4", minimum=1, maximum=MAX_DEADLINE_WORKING_DAYS)
    return calendar.add_working_days(require_moment(issued_at, field="issued_at", rule="E4"), days)


@dataclass(frozen=True)
class Recheck:
    inspection_id: str  # the follow-up inspection that checked the work
    at: dt.datetime
    passed: bool
    #: why it came before the deadline; None for a re-check on or after it
    early_reason: str | None = None


@dataclass(frozen=True)
class Escalation:
    escalation_id: str
    kind: EscalationKind
    referral_kind: ReferralKind | None  # only for a referral
    department: str
    at: dt.datetime
    outcome: EscalationOutcome | None = None
    concluded_at: dt.datetime | None = None


@dataclass(eq=False)
class RectificationOrder:
    order_id: str
    finding_id: str
    inspection_id: str
    compound_id: str
    jurisdiction_path: str
    item_code: str
    severity: Severity
    addressee: Addressee
    addressee_id: str  # the company, committee or owner; an owner's id never leaves the order
    issued_at: dt.datetime
    deadline: dt.datetime
    state: OrderState = OrderState.ISSUED
    rechecks: list[Recheck] = field(default_factory=list)
    rectified_at: dt.datetime | None = None
    overdue_at: dt.datetime | None = None
    escalation: Escalation | None = None
    #: the departments that check the failed item on its plan: their inspectors re-check the order (A1)
    departments: tuple[str, ...] = ()

    @classmethod
    def issue(
        cls,
        *,
        order_id: str,
        finding: Finding,
        addressee: Addressee | str,
        addressee_id: str,
        deadline: dt.datetime | None,
        now: dt.datetime,
    ) -> RectificationOrder:
        if deadline is None:
            raise InvalidArgument("a rectification order needs a deadline", field="deadline", rule="E4")
        due = require_moment(deadline, field="deadline", rule="E4")
        at = require_moment(now, field="now", rule="E4")
        if due <= at:
            raise InvalidArgument(
                f"the deadline {due.isoformat()} must lie after the issue moment {at.isoformat()}",
                field="deadline",
                rule="E4",
            )
        return cls(
            order_id=require_text(order_id, field="order_id", rule="E4"),
            finding_id=finding.finding_id,
            inspection_id=finding.inspection_id,
            compound_id=finding.compound_id,
            jurisdiction_path=finding.jurisdiction_path,
            item_code=finding.item_code,
            severity=finding.severity,
            addressee=parse_choice(Addressee, addressee, field="addressee", rule="E4"),
            addressee_id=require_text(addressee_id, field="addressee_id", rule="E4"),
            issued_at=at,
            deadline=due,
            departments=finding.departments,
        )

    # --- reading -------------------------------------------------------------------------------

    @property
    def company_id(self) -> str | None:
        """The company answerable for the order, when it is addressed to one (ratings charges it)."""
        return self.addressee_id if self.addressee is Addressee.COMPANY else None

    def is_recheck_due(self, now: dt.datetime) -> bool:
        """The follow-up re-check is due from the deadline until one is made after it."""
        at = require_moment(now, field="now", rule="E4")
        if self.state not in (OrderState.ISSUED, OrderState.OVERDUE) or at < self.deadline:
            return False
        return not any(recheck.at >= self.deadline for recheck in self.rechecks)

    # --- transitions ---------------------------------------------------------------------------

    def record_recheck(
        self, *, inspection_id: str, passed: bool, now: dt.datetime, early_reason: str = ""
    ) -> list[Event]:
        self._require({OrderState.ISSUED, OrderState.OVERDUE}, "record a re-check")
        at = self._after_issue(now)
        reason = optional_text(early_reason, field="early_reason", rule="E4", max_length=EARLY_REASON_MAX_LENGTH)
        if at < self.deadline and reason is None:
            raise FailedPrecondition(
                f"order {self.order_id} is due {self.deadline.isoformat()}: a re-check before it records why "
                "it comes early (early_reason, e.g. the addressee reported the work done)",
                field="early_reason", rule="E4",
            )
        if at >= self.deadline and reason is not None:
            raise InvalidArgument(
                f"a re-check on or after the deadline {self.deadline.isoformat()} is not early",
                field="early_reason", rule="E4",
            )
        recheck = Recheck(
            inspection_id=require_text(inspection_id, field="inspection_id", rule="E4"),
            at=at,
            passed=require_flag(passed, field="passed", rule="E4"),
            early_reason=reason,
        )
        self.rechecks.append(recheck)
        if recheck.passed:
            return [self._rectify(recheck.at)]
        if self.state is OrderState.ISSUED and recheck.at > self.deadline:
            return [self._overdue(recheck.at)]
        return []

    def mark_overdue(self, *, now: dt.datetime) -> list[Event]:
        self._require({OrderState.ISSUED}, "mark it overdue")
        at = self._after_issue(now)
        if at <= self.deadline:
            raise FailedPrecondition(
                f"order {self.order_id} is due {self.deadline.isoformat()}; not overdue at {at.isoformat()}",
                field="now",
                rule="E4",
            )
        return [self._overdue(at)]

    def open_penalty_case(self, *, escalation_id: str, department: str, now: dt.datetime) -> list[Event]:
        escalation = self._escalation(escalation_id, EscalationKind.PENALTY_CASE, None, department, now)
        return [
            PenaltyCaseOpened(
                order_id=self.order_id,
                escalation_id=escalation.escalation_id,
                department=escalation.department,
                compound_id=self.compound_id,
                jurisdiction_path=self.jurisdiction_path,
                company_id=self.company_id,
                at=escalation.at,
            )
        ]

    def refer_to_alliance(
        self,
        *,
        escalation_id: str,
        referral_kind: ReferralKind | str,
        now: dt.datetime,
        department: str | None = None,
    ) -> list[Event]:
        kind = parse_choice(ReferralKind, referral_kind, field="referral_kind", rule="E4")
        fixed = REFERRAL_DEPARTMENTS.get(kind)
        if fixed is not None and department is not None and department != fixed:
            raise InvalidArgument(
                f"a {kind.value} referral goes to {fixed}, not {department}", field="department", rule="E4"
            )
        target = fixed or department
        if target is None:
            raise InvalidArgument(f"a {kind.value} referral must name its department", field="department", rule="E4")
        escalation = self._escalation(escalation_id, EscalationKind.REFERRAL, kind, target, now)
        return [
            ReferralCreated(
                order_id=self.order_id,
                escalation_id=escalation.escalation_id,
                referral_kind=kind,
                department=escalation.department,
                compound_id=self.compound_id,
                jurisdiction_path=self.jurisdiction_path,
                company_id=self.company_id,
                at=escalation.at,
            )
        ]

    def record_outcome(self, *, outcome: EscalationOutcome | str, now: dt.datetime) -> list[Event]:
        self._require({OrderState.ESCALATED}, "record an escalation outcome")
        escalation = self.escalation
        assert escalation is not None  # an escalated order has its escalation
        if escalation.outcome is not None:
            raise FailedPrecondition(
                f"escalation {escalation.escalation_id} already ended: {escalation.outcome.value}",
                field="outcome",
                rule="E4",
            )
        result = parse_choice(EscalationOutcome, outcome, field="outcome", rule="E4")
        if result not in ALLOWED_OUTCOMES[escalation.kind]:
            allowed = ", ".join(sorted(outcome.value for outcome in ALLOWED_OUTCOMES[escalation.kind]))
            raise InvalidArgument(
                f"a {escalation.kind.value} ends in one of {allowed}; got {result.value}", field="outcome", rule="E4"
            )
        at = require_moment(now, field="now", rule="E4")
        if at < escalation.at:
            raise InvalidArgument("an outcome cannot precede its escalation", field="now", rule="E4")
        self.escalation = replace(escalation, outcome=result, concluded_at=at)
        events: list[Event] = [
            EscalationConcluded(
                order_id=self.order_id,
                escalation_id=escalation.escalation_id,
                outcome=result,
                company_id=self.company_id,
                at=at,
            )
        ]
        if result is EscalationOutcome.RECTIFIED:
            events.append(self._rectify(at))
        return events

    # --- helpers -------------------------------------------------------------------------------

    def _escalation(
        self, escalation_id: str, kind: EscalationKind, referral_kind: ReferralKind | None, department: str, now: dt.datetime
    ) -> Escalation:
        # only what stays unrectified past its deadline goes to a penalty case or the alliance (E4)
        self._require({OrderState.OVERDUE}, f"escalate it to a {kind.value}")
        escalation = Escalation(
            escalation_id=require_text(escalation_id, field="escalation_id", rule="E4"),
            kind=kind,
            referral_kind=referral_kind,
            department=require_text(department, field="department", rule="E4"),
            at=self._after_issue(now),
        )
        self.state, self.escalation = OrderState.ESCALATED, escalation
        return escalation

    def _rectify(self, at: dt.datetime) -> RectificationCompleted:
        self.state, self.rectified_at = OrderState.RECTIFIED, at
        return RectificationCompleted(
            order_id=self.order_id,
            finding_id=self.finding_id,
            compound_id=self.compound_id,
            jurisdiction_path=self.jurisdiction_path,
            company_id=self.company_id,
            addressee=self.addressee,
            at=at,
            late=at > self.deadline,
        )

    def _overdue(self, at: dt.datetime) -> RectificationOverdue:
        self.state, self.overdue_at = OrderState.OVERDUE, at
        return RectificationOverdue(
            order_id=self.order_id,
            finding_id=self.finding_id,
            compound_id=self.compound_id,
            jurisdiction_path=self.jurisdiction_path,
            company_id=self.company_id,
            addressee=self.addressee,
            deadline=self.deadline,
            at=at,
        )

    def _after_issue(self, now: dt.datetime) -> dt.datetime:
        at = require_moment(now, field="now", rule="E4")
        if at < self.issued_at:
            raise InvalidArgument("a step of an order cannot precede its issue", field="now", rule="E4")
        return at

    def _require(self, states: set[OrderState], action: str) -> None:
        if self.state not in states:
            raise FailedPrecondition(
                f"order {self.order_id} is {self.state.value}; cannot {action}", field="state", rule="E4"
            )


def overdue_orders(orders: Iterable[RectificationOrder], now: dt.datetime) -> list[RectificationOrder]:
    """The orders overdue at ``now``: marked overdue, or still issued with the deadline passed.

    Escalated orders are not listed: they are in a penalty case or with the alliance already.
    """
    at = require_moment(now, field="now", rule="E4")
    return [
        order
        for order in orders
        if order.state is OrderState.OVERDUE or (order.state is OrderState.ISSUED and at > order.deadline)
    ]


def rechecks_due(orders: Iterable[RectificationOrder], now: dt.datetime) -> list[RectificationOrder]:
    """The orders whose follow-up re-check (回头看) is due at ``now``."""
    return [order for order in orders if order.is_recheck_due(now)]
