import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_enforcement.domain.events import (
    EscalationConcluded,
    PenaltyCaseOpened,
    RectificationCompleted,
    RectificationOverdue,
    ReferralCreated,
)
from wuye_enforcement.domain.rectification import (
    OrderState,
    deadline_in_working_days,
    overdue_orders,
    rechecks_due,
)
from wuye_enforcement.domain.vocabulary import Addressee, EscalationOutcome, ReferralKind

from .conftest import COMMUNITY_PATH

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 15, 9, 0, tzinfo=SHANGHAI)
DEADLINE = NOW + dt.timedelta(days=7, hours=3)
INSTANT = dt.timedelta(microseconds=1)


def overdue(order):
    order.mark_overdue(now=DEADLINE + INSTANT)
    return order


def test_E4_order_without_deadline_refused(new_order):
    with pytest.raises(InvalidArgument) as refused:
        new_order(deadline=None)
    assert (refused.value.field, refused.value.rule) == ("deadline", "E4")
    assert refused.value.message == "a rectification order needs a deadline"


@pytest.mark.parametrize("deadline", [NOW + dt.timedelta(hours=3), NOW, dt.datetime(2026, 10, 1, 9, 0)])
def test_E4_deadline_must_be_aware_and_after_issue(new_order, deadline):
    with pytest.raises(InvalidArgument) as refused:
        new_order(deadline=deadline)
    assert (refused.value.field, refused.value.rule) == ("deadline", "E4")


@pytest.mark.parametrize("addressee", ["company", "owners_committee", "owner"])
def test_E4_order_addressed_to_company_committee_or_owner(new_order, addressee):
    order = new_order(addressee=addressee, addressee_id=f"{addressee}-1")
    assert order.addressee is Addressee(addressee)
    assert order.company_id == ("company-1" if addressee == "company" else None)
    assert (order.state, order.finding_id, order.severity.value) == (OrderState.ISSUED, "inspection-1/FR-01", "major")


def test_E4_unknown_addressee_refused(new_order):
    with pytest.raises(InvalidArgument) as refused:
        new_order(addressee="tenant")
    assert (refused.value.field, refused.value.rule) == ("addressee", "E4")


def test_E4_deadline_in_working_days_skips_the_national_day_holiday():
    issued = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    due = deadline_in_working_days(issued, 1, WorkingDayCalendar())
    assert due.astimezone(SHANGHAI) == dt.datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)
    with pytest.raises(InvalidArgument) as refused:
        deadline_in_working_days(issued, 0, WorkingDayCalendar())
    assert (refused.value.field, refused.value.rule) == ("deadline_working_days", "E4")


def test_E4_a_deadline_in_working_days_is_at_most_one_working_year():
    issued = dt.datetime(2025, 1, 2, 10, 0, tzinfo=SHANGHAI)
    assert deadline_in_working_days(issued, 250, WorkingDayCalendar()) > issued
    with pytest.raises(InvalidArgument) as refused:
        deadline_in_working_days(issued, 251, WorkingDayCalendar())
    assert (refused.value.field, refused.value.rule) == ("deadline_working_days", "E4")


def test_E4_not_overdue_at_the_deadline_overdue_just_after(new_order):
    order = new_order()
    assert overdue_orders([order], DEADLINE) == []
    assert overdue_orders([order], DEADLINE + INSTANT) == [order]
    with pytest.raises(FailedPrecondition) as refused:
        order.mark_overdue(now=DEADLINE)
    assert (refused.value.field, refused.value.rule) == ("now", "E4")
    [event] = order.mark_overdue(now=DEADLINE + INSTANT)
    assert isinstance(event, RectificationOverdue)
    assert (event.order_id, event.company_id, event.deadline) == ("order-1", "company-1", DEADLINE)
    assert order.state is OrderState.OVERDUE
    assert overdue_orders([order], DEADLINE + INSTANT) == [order]


def test_E4_recheck_due_from_the_deadline_until_made(new_order):
    order = new_order()
    assert rechecks_due([order], DEADLINE - INSTANT) == []
    assert rechecks_due([order], DEADLINE) == [order]
    order.record_recheck(inspection_id="follow-up-1", passed=False, now=DEADLINE)
    assert rechecks_due([order], DEADLINE + dt.timedelta(days=1)) == []


def test_E4_passing_recheck_rectifies_on_time(new_order):
    order = new_order()
    [event] = order.record_recheck(inspection_id="follow-up-1", passed=True, now=DEADLINE)
    assert event == RectificationCompleted(
        order_id="order-1",
        finding_id="inspection-1/FR-01",
        compound_id="compound-1",
        jurisdiction_path=COMMUNITY_PATH,
        company_id="company-1",
        addressee=Addressee.COMPANY,
        at=DEADLINE,
        late=False,
    )
    assert (order.state, order.rectified_at) == (OrderState.RECTIFIED, DEADLINE)
    assert overdue_orders([order], DEADLINE + dt.timedelta(days=30)) == []


def test_E4_failing_recheck_before_deadline_changes_only_the_record(new_order):
    order = new_order()
    early = order.record_recheck(inspection_id="early", passed=False, now=DEADLINE - INSTANT,
                                 early_reason="整改单位报告已完成整改")
    assert early == []
    assert order.state is OrderState.ISSUED and len(order.rechecks) == 1
    assert order.rechecks[0].early_reason == "整改单位报告已完成整改"


def test_E4_a_recheck_before_the_deadline_must_say_why_it_comes_early(new_order):
    """Issue 14: a re-check before the order's deadline was accepted without a word."""
    order = new_order()
    with pytest.raises(FailedPrecondition) as refused:
        order.record_recheck(inspection_id="early", passed=True, now=DEADLINE - INSTANT)
    assert (refused.value.field, refused.value.rule) == ("early_reason", "E4")
    assert order.rechecks == [] and order.state is OrderState.ISSUED


def test_E4_a_recheck_at_the_deadline_is_not_early_and_may_not_say_so(new_order):
    order = new_order()
    with pytest.raises(InvalidArgument) as refused:
        order.record_recheck(inspection_id="follow-up-1", passed=True, now=DEADLINE, early_reason="提前")
    assert (refused.value.field, refused.value.rule) == ("early_reason", "E4")
    assert order.rechecks == []


def test_E4_failing_recheck_after_deadline_makes_the_order_overdue(new_order):
    order = new_order()
    [event] = order.record_recheck(inspection_id="follow-up-1", passed=False, now=DEADLINE + INSTANT)
    assert isinstance(event, RectificationOverdue) and order.state is OrderState.OVERDUE


def test_E4_overdue_order_rectified_late(new_order):
    order = overdue(new_order())
    [event] = order.record_recheck(inspection_id="follow-up-2", passed=True, now=DEADLINE + dt.timedelta(days=3))
    assert event.late is True and order.state is OrderState.RECTIFIED


def test_E4_only_an_overdue_order_is_escalated(new_order):
    order = new_order()
    with pytest.raises(FailedPrecondition) as refused:
        order.open_penalty_case(escalation_id="p-1", department="urban_management", now=DEADLINE)
    assert (refused.value.field, refused.value.rule) == ("state", "E4")
    assert order.escalation is None


def test_E4_overdue_order_opens_a_penalty_case(new_order):
    order = overdue(new_order())
    [event] = order.open_penalty_case(escalation_id="p-1", department="urban_management", now=DEADLINE + INSTANT)
    assert event == PenaltyCaseOpened(
        order_id="order-1",
        escalation_id="p-1",
        department="urban_management",
        compound_id="compound-1",
        jurisdiction_path=COMMUNITY_PATH,
        company_id="company-1",
        at=DEADLINE + INSTANT,
    )
    assert order.state is OrderState.ESCALATED
    assert overdue_orders([order], DEADLINE + INSTANT) == []


@pytest.mark.parametrize(
    ("kind", "department"),
    [("public_interest_suggestion", "procuratorate"), ("court_onsite_hearing", "court")],
)
def test_E4_referral_goes_to_its_alliance_member(new_order, kind, department):
    order = overdue(new_order())
    [event] = order.refer_to_alliance(escalation_id="r-1", referral_kind=kind, now=DEADLINE + INSTANT)
    assert isinstance(event, ReferralCreated)
    assert (event.referral_kind, event.department, event.company_id) == (ReferralKind(kind), department, "company-1")


def test_E4_referral_to_the_wrong_member_or_without_one_refused(new_order):
    order = overdue(new_order())
    with pytest.raises(InvalidArgument) as wrong:
        order.refer_to_alliance(escalation_id="r-1", referral_kind="public_interest_suggestion", department="court",
                                now=DEADLINE + INSTANT)
    assert (wrong.value.field, wrong.value.rule) == ("department", "E4")
    with pytest.raises(InvalidArgument) as missing:
        order.refer_to_alliance(escalation_id="r-1", referral_kind="other", now=DEADLINE + INSTANT)
    assert (missing.value.field, missing.value.rule) == ("department", "E4")
    assert order.state is OrderState.OVERDUE
    order.refer_to_alliance(escalation_id="r-1", referral_kind="other", department="justice", now=DEADLINE + INSTANT)
    assert order.escalation.department == "justice"


def test_E4_referral_outcome_recorded_once(new_order):
    order = overdue(new_order())
    order.refer_to_alliance(escalation_id="r-1", referral_kind="public_interest_suggestion", now=DEADLINE + INSTANT)
    later = DEADLINE + dt.timedelta(days=20)
    [event] = order.record_outcome(outcome="litigation_filed", now=later)
    assert event == EscalationConcluded("order-1", "r-1", EscalationOutcome.LITIGATION_FILED, "company-1", later)
    assert order.state is OrderState.ESCALATED
    with pytest.raises(FailedPrecondition) as again:
        order.record_outcome(outcome="dismissed", now=later)
    assert (again.value.field, again.value.rule) == ("outcome", "E4")


def test_E4_outcome_must_fit_the_escalation(new_order):
    order = overdue(new_order())
    order.open_penalty_case(escalation_id="p-1", department="urban_management", now=DEADLINE + INSTANT)
    with pytest.raises(InvalidArgument) as refused:
        order.record_outcome(outcome="settled_on_site", now=DEADLINE + INSTANT)
    assert (refused.value.field, refused.value.rule) == ("outcome", "E4")
    assert order.escalation.outcome is None


def test_E4_escalation_ending_in_rectification_rectifies_the_order(new_order):
    order = overdue(new_order())
    order.refer_to_alliance(escalation_id="r-1", referral_kind="court_onsite_hearing", now=DEADLINE + INSTANT)
    concluded, completed = order.record_outcome(outcome="rectified", now=DEADLINE + dt.timedelta(days=2))
    assert concluded.outcome is EscalationOutcome.RECTIFIED
    assert isinstance(completed, RectificationCompleted) and completed.late
    assert order.state is OrderState.RECTIFIED


def test_E4_events_carry_no_owner_id(new_order):
    order = new_order(addressee="owner", addressee_id="owner-42")
    [event] = order.mark_overdue(now=DEADLINE + INSTANT)
    assert "owner-42" not in repr(event)
    assert event.company_id is None and event.addressee is Addressee.OWNER


def test_E4_step_before_issue_refused(new_order):
    order = new_order()
    with pytest.raises(InvalidArgument) as refused:
        order.record_recheck(inspection_id="x", passed=True, now=NOW)
    assert (refused.value.field, refused.value.rule) == ("now", "E4")
    assert order.rechecks == []
