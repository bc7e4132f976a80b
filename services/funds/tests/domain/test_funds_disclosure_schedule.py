"""P3 disclosure timing and audit coverage, and the R4 → V1 vote proposal (pure domain)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_funds.domain.disclosure_schedule import (
    AuditCoverage,
    Subject,
    add_months,
    audit_findings,
    overdue,
    posted_until,
)
from wuye_funds.domain.vote_proposals import ProposalState, VoteProposal, advised_matter
from wuye_funds.domain.voting import Matter

START = dt.datetime(2026, 8, 31, 9, 0, tzinfo=dt.UTC)


def test_P3_months_are_added_calendar_wise_to_the_month_end() -> None:
    assert add_months(START, 6) == dt.datetime(2027, 2, 28, 9, 0, tzinfo=dt.UTC)
    assert add_months(START, 3) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    assert add_months(START, 16) == dt.datetime(2027, 12, 31, 9, 0, tzinfo=dt.UTC)


def test_P3_overdue_only_after_the_due_moment() -> None:
    due = add_months(START, 3)
    assert overdue(Subject.COMMON_INCOME, started_at=START, last_published_at=None, period_months=3, now=due) is None
    found = overdue(
        Subject.COMMON_INCOME, started_at=START, last_published_at=None, period_months=3,
        now=due + dt.timedelta(microseconds=1),
    )
    assert found is not None and found.due_at == due and found.last_published_at is None


def test_P3_the_last_disclosure_restarts_the_period() -> None:
    published = START + dt.timedelta(days=80)
    later = add_months(START, 3) + dt.timedelta(days=1)
    assert overdue(
        Subject.MAINTENANCE_FUND, started_at=START, last_published_at=published, period_months=3, now=later
    ) is None


@pytest.mark.parametrize(("days", "expected"), [(0, 15), (15, 15), (40, 40), (366, 366)])
def test_P3_posted_for_at_least_15_days(days: int, expected: int) -> None:
    assert posted_until(START, days) - START == dt.timedelta(days=expected)


@pytest.mark.parametrize("days", [1, 14, -1, 367])  # 367: over the documented maximum (wuye_chassis.bounds)
def test_P3_fewer_than_15_days_is_refused(days: int) -> None:
    with pytest.raises(InvalidArgument) as refusal:
        posted_until(START, days)
    assert refusal.value.field == "posting_days"


def test_P3_audit_coverage_target_is_100_percent() -> None:
    assert AuditCoverage(compounds=4, audited=3).share == Fraction(3, 4)
    assert not AuditCoverage(compounds=4, audited=3).meets_target
    assert AuditCoverage(compounds=4, audited=4).meets_target
    assert AuditCoverage(compounds=0, audited=0).meets_target  # nothing to audit


def test_P3_findings_need_text_and_a_non_negative_amount() -> None:
    assert audit_findings([(" 公共收益未分账 ", 0)])[0].text == "公共收益未分账"
    with pytest.raises(InvalidArgument) as refusal:
        audit_findings([("x", -1)])
    assert refusal.value.field == "findings.amount_fen"


def test_R4_advice_is_always_matter_4_and_a_proposal_opens_once() -> None:
    assert advised_matter(4) is Matter.PROPERTY_COMPANY
    with pytest.raises(InvalidArgument) as refusal:
        advised_matter(6)
    assert refusal.value.field == "matter"
    proposal = VoteProposal.advise_ending_contract("p-1", compound_id="c-1", company_id="company-7")
    proposal.open()
    assert proposal.state is ProposalState.OPENED
    with pytest.raises(FailedPrecondition) as refusal:
        proposal.open()
    assert refusal.value.rule == "V1"
