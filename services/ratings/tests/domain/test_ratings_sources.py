import datetime as dt

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_ratings.domain import sources
from wuye_ratings.domain.vocabulary import RecordKind

COMPANY = "company-1"


def test_R2_an_unsatisfied_overdue_complaint_round_makes_two_records():
    kinds = sources.complaint_record_kinds(company_id=COMPANY, satisfaction="unsatisfied", overdue=True)
    assert kinds == (RecordKind.COMPLAINT_UNSATISFIED, RecordKind.COMPLAINT_OVERDUE)
    assert sources.complaint_record_kinds(company_id=COMPANY, satisfaction="satisfied", overdue=False) == ()


def test_R2_events_without_a_company_make_no_record():
    assert sources.complaint_record_kinds(company_id="", satisfaction="unsatisfied", overdue=True) == ()
    assert sources.finding_record_kinds(company_id="", severity="serious") == ()
    assert sources.rectification_overdue_record_kinds(company_id="") == ()
    assert sources.referral_record_kinds(company_id="") == ()


def test_R2_a_finding_counts_by_its_severity_and_an_unknown_one_is_refused():
    assert sources.finding_record_kinds(company_id=COMPANY, severity="major") == (RecordKind.FINDING_GENERAL,)
    with pytest.raises(InvalidArgument) as refused:
        sources.finding_record_kinds(company_id=COMPANY, severity="")
    assert (refused.value.field, refused.value.rule) == ("severity", "R2")


def test_R5_only_a_serious_finding_against_a_company_withdraws_stars():
    assert sources.finding_withdraws_stars(company_id=COMPANY, severity="serious")
    assert not sources.finding_withdraws_stars(company_id=COMPANY, severity="major")
    assert not sources.finding_withdraws_stars(company_id="", severity="serious")


def test_R2_an_event_counts_on_its_day_in_Shanghai():
    assert sources.day_of(dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.UTC)) == dt.date(2025, 4, 1)
