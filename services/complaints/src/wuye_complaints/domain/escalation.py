"""Escalation tiers (C4): community → street → county (社区承办 → 难题会诊 → 协调联办).

A case moves up one tier when its tier's time has run out (``OVERDUE``), at once when someone marks it
hard (``MARKED_HARD``, with a note saying why), or when it becomes a collective complaint
(``COLLECTIVE``, C6). County is the top tier; escalating a county case is refused.

Two clocks, on purpose:

- ``resolve_due_at`` is the C3 deadline, fixed at the first dispatch. It never moves, so a case that
  was late stays counted as late (the ``overdue`` flag on ``Resolved`` and ``Closed``).
- ``tier_due_at`` is when the current tier's time runs out. It starts equal to ``resolve_due_at``, and
  each escalation (and each reopen) gives the new round a fresh window of the category's resolve days.
  Without it, a case escalated because it was overdue would be overdue again at the street at once,
  and the scheduler would push every late case straight to the county.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import optional_text, parse_choice, require_moment
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_complaints.domain.case import ESCALATABLE_STATES, REASON_MAX_LENGTH, Case, EscalationRecord
from wuye_complaints.domain.deadlines import is_late
from wuye_complaints.domain.events import Escalated, Event
from wuye_complaints.domain.vocabulary import Action, EscalationReason


def escalate(
    case: Case,
    *,
    now: dt.datetime,
    actor_id: str,
    reason: EscalationReason | str,
    calendar: WorkingDayCalendar,
    note: str | None = None,
) -> list[Event]:
    """Move ``case`` up one tier and record who did it and why; refuses what C4 does not allow."""
    case._require(Action.ESCALATE, rule="C4")
    at, actor = case._moment(now, rule="C4"), case._actor(actor_id, rule="C4")
    why = parse_choice(EscalationReason, reason, field="reason", rule="C4")
    detail = optional_text(note, field="note", rule="C4", max_length=REASON_MAX_LENGTH)
    to_tier = case.tier.above
    if to_tier is None:
        raise FailedPrecondition(
            f"case {case.case_id} is already at the county, the top tier", field="tier", rule="C4"
        )
    if why is EscalationReason.OVERDUE and not _tier_time_ran_out(case, at):
        if case.tier_due_at is None:
            due = "its resolve clock has not started"
        else:
            due = f"it is due {case.tier_due_at.isoformat()}"
        raise FailedPrecondition(f"case {case.case_id} is not overdue: {due}", field="reason", rule="C4")
    if why is EscalationReason.MARKED_HARD and detail is None:
        raise InvalidArgument("marking a case hard needs a note saying why", field="note", rule="C4")
    if why is EscalationReason.COLLECTIVE and not case.collective:
        raise FailedPrecondition(f"case {case.case_id} is not a collective complaint", field="reason", rule="C4")
    # before the first dispatch there is no clock to renew; the first dispatch starts it (C3)
    tier_due_at = None
    if case.first_dispatched_at is not None:
        tier_due_at = calendar.add_working_days(at, case.category.resolve_working_days)
    from_tier = case.tier
    case.escalations.append(EscalationRecord(at, actor, from_tier, to_tier, why, detail))
    case.tier, case.tier_due_at = to_tier, tier_due_at
    case._record(Action.ESCALATE, at, actor, why.value if detail is None else f"{why.value}: {detail}")
    return [
        Escalated(
            case_id=case.case_id,
            at=at,
            jurisdiction_path=str(case.jurisdiction_path),
            from_tier=from_tier,
            to_tier=to_tier,
            reason=why,
            actor_id=actor,
            tier_due_at=tier_due_at,
        )
    ]


def due_for_escalation(cases: Iterable[Case], now: dt.datetime) -> list[Case]:
    """The cases a scheduler should escalate at ``now``, the longest overdue first.

    A case qualifies while it is still being worked on (a sent-back case waiting at the dispatcher
    counts: send-back ping-pong does not shield a case), below the county, and past its tier's time.
    """
    at = require_moment(now, field="now", rule="C4")
    due = [
        case
        for case in cases
        if case.state in ESCALATABLE_STATES and case.tier.above is not None and _tier_time_ran_out(case, at)
    ]
    return sorted(due, key=lambda case: (case.tier_due_at, case.case_id))


def _tier_time_ran_out(case: Case, at: dt.datetime) -> bool:
    return case.tier_due_at is not None and is_late(case.tier_due_at, at)
