import datetime as dt

import pytest

from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_ratings.domain.appeals import Appeal
from wuye_ratings.domain.credit import RecordStatus, score_on
from wuye_ratings.domain.events import AppealDecided, AppealFiled, CreditRecordWithdrawn
from wuye_ratings.domain.rules import DEFAULT_RULES
from wuye_ratings.domain.vocabulary import AppealOutcome, Band

FILED = dt.datetime(2026, 5, 10, 2, 0, tzinfo=dt.UTC)
#: 2026-06-01 00:30 in Shanghai is still 31 May in UTC: the withdrawal day follows the Shanghai calendar
DECIDED = dt.datetime(2026, 5, 31, 16, 30, tzinfo=dt.UTC)


def file(record, *, appeal_id="appeal-1", company="company-1", earlier=()):
    return Appeal.file(
        appeal_id=appeal_id,
        record=record,
        appellant_company_id=company,
        filed_by="company-staff-1",
        grounds="业主已撤回投诉 the owner withdrew the complaint",
        now=FILED,
        appeals_of_record=earlier,
    )


def decide(appeal, record, outcome="upheld", reviewer="reviewer-1", now=DECIDED):
    return appeal.decide(record=record, outcome=outcome, reviewer_id=reviewer, reason="证据充分", now=now)


def test_R6_company_appeals_its_own_record(make_record):
    record = make_record("illegal_charging")
    appeal, event = file(record)
    assert event == AppealFiled("appeal-1", record.record_id, "company-1", FILED)
    assert appeal.is_open and [step.action for step in appeal.history] == ["filed"]


def test_R6_appeal_of_another_companys_record_refused(make_record):
    with pytest.raises(PermissionDenied) as refused:
        file(make_record("illegal_charging"), company="company-2")
    assert (refused.value.field, refused.value.rule) == ("appellant_company_id", "R6")


def test_R6_one_open_appeal_per_record(make_record):
    record = make_record("illegal_charging")
    first, _ = file(record)
    with pytest.raises(AlreadyExists) as refused:
        file(record, appeal_id="appeal-2", earlier=[first])
    assert (refused.value.field, refused.value.rule) == ("record_id", "R6")


def test_R6_record_may_be_appealed_again_after_a_dismissal(make_record):
    record = make_record("illegal_charging")
    first, _ = file(record)
    decide(first, record, outcome="dismissed")
    second, _ = file(record, appeal_id="appeal-2", earlier=[first])
    assert second.is_open


def test_R6_upheld_appeal_withdraws_the_record_and_the_score_is_recomputed(make_record):
    record = make_record("illegal_charging")
    appeal, _ = file(record)
    decided, withdrawn = decide(appeal, record)
    assert decided == AppealDecided(
        "appeal-1", record.record_id, "company-1", AppealOutcome.UPHELD, DECIDED, dt.date(2026, 6, 1)
    )
    assert withdrawn == CreditRecordWithdrawn("company-1", record.record_id, dt.date(2026, 6, 1), "jinan-yangzhou-2025")
    assert (record.status, record.withdrawn_by_appeal) == (RecordStatus.WITHDRAWN, "appeal-1")
    after = score_on([record], DEFAULT_RULES, dt.date(2026, 6, 1), company_id="company-1")
    assert (after.score, after.counted_record_ids) == (70, ())


def test_R6_past_score_reproducible_after_appeal(make_record):
    records = [make_record("illegal_charging"), make_record("court_loss_at_fault"), make_record("finding_minor")]
    may_day = dt.date(2026, 5, 31)
    published = score_on(records, DEFAULT_RULES, may_day, company_id="company-1")
    assert (published.score, published.band) == (59, Band.C)
    appeal, _ = file(records[0])
    decide(appeal, records[0])
    assert score_on(records, DEFAULT_RULES, may_day, company_id="company-1") == published
    corrected = score_on(records, DEFAULT_RULES, may_day, company_id="company-1", known_on=dt.date(2026, 6, 1))
    assert (corrected.score, corrected.band) == (64, Band.B)


def test_R6_dismissed_appeal_leaves_the_record(make_record):
    record = make_record("illegal_charging")
    appeal, _ = file(record)
    [event] = decide(appeal, record, outcome=AppealOutcome.DISMISSED)
    assert (event.outcome, event.record_withdrawn_on, record.status) == (
        AppealOutcome.DISMISSED,
        None,
        RecordStatus.ACTIVE,
    )
    assert (appeal.reviewer_id, appeal.decision_reason) == ("reviewer-1", "证据充分")
    assert [step.action for step in appeal.history] == ["filed", "dismissed"]


def test_R6_decided_appeal_cannot_be_decided_again(make_record):
    record = make_record("illegal_charging")
    appeal, _ = file(record)
    decide(appeal, record, outcome="dismissed")
    with pytest.raises(FailedPrecondition) as refused:
        decide(appeal, record, outcome="upheld")
    assert (refused.value.field, refused.value.rule) == ("outcome", "R6")
    assert (appeal.outcome, record.status, len(appeal.history)) == (AppealOutcome.DISMISSED, RecordStatus.ACTIVE, 2)


def test_R6_withdrawn_record_cannot_be_appealed(make_record):
    record = make_record("illegal_charging")
    appeal, _ = file(record)
    decide(appeal, record)
    with pytest.raises(FailedPrecondition) as refused:
        file(record, appeal_id="appeal-2", earlier=[appeal])
    assert (refused.value.field, refused.value.rule) == ("record_id", "R6")


def test_R6_decision_needs_a_reason_and_another_person_than_the_filer(make_record):
    record = make_record("illegal_charging")
    appeal, _ = file(record)
    with pytest.raises(InvalidArgument) as no_reason:
        appeal.decide(record=record, outcome="upheld", reviewer_id="reviewer-1", reason=" ", now=DECIDED)
    assert (no_reason.value.field, no_reason.value.rule) == ("reason", "R6")
    with pytest.raises(PermissionDenied) as own:
        decide(appeal, record, reviewer="company-staff-1")
    assert (own.value.field, own.value.rule) == ("reviewer_id", "R6")
    assert appeal.is_open and record.status is RecordStatus.ACTIVE


def test_R6_decision_must_concern_the_appealed_record_and_follow_the_filing(make_record):
    record = make_record("illegal_charging")
    appeal, _ = file(record)
    with pytest.raises(InvalidArgument) as other:
        decide(appeal, make_record("finding_minor"))
    assert (other.value.field, other.value.rule) == ("record_id", "R6")
    with pytest.raises(InvalidArgument) as early:
        decide(appeal, record, now=FILED - dt.timedelta(minutes=1))
    assert (early.value.field, early.value.rule) == ("now", "R6")
    assert appeal.is_open and record.status is RecordStatus.ACTIVE


def test_R6_appeal_times_need_a_time_zone(make_record):
    with pytest.raises(InvalidArgument) as refused:
        Appeal.file(
            appeal_id="appeal-1",
            record=make_record("illegal_charging"),
            appellant_company_id="company-1",
            filed_by="company-staff-1",
            grounds="grounds",
            now=dt.datetime(2026, 5, 10, 10, 0),
            appeals_of_record=(),
        )
    assert (refused.value.field, refused.value.rule) == ("now", "R6")
