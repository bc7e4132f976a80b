import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_complaints.domain.mediation import (
    MediationCase,
    MediationOutcome,
    Party,
    PartyKind,
    PartyRole,
    mediation_success_rate,
)

OPENED = dt.datetime(2026, 9, 14, 1, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def owner(party_id="owner-1", role="applicant"):
    return Party.create(party_id=party_id, kind="owner", role=role)


def company(party_id="company-1", role="respondent"):
    return Party.create(party_id=party_id, kind="company", role=role)


def open_mediation(**overrides):
    values = dict(
        mediation_id="med-1",
        parties=[owner(), company()],
        mediator_id="mediator-1",
        now=OPENED,
        actor_id="worker-1",
        complaint_case_id="case-1",
    )
    values.update(overrides)
    return MediationCase.open(**values)


def with_outcome(outcome):
    mediation = open_mediation()
    mediation.record_outcome(outcome=outcome, now=OPENED + DAY, actor_id="mediator-1", note="双方签订调解协议")
    return mediation


def test_C7_mediation_records_parties_mediator_and_the_complaint():
    mediation = open_mediation()
    assert [(p.party_id, p.kind, p.role) for p in mediation.parties] == [
        ("owner-1", PartyKind.OWNER, PartyRole.APPLICANT),
        ("company-1", PartyKind.COMPANY, PartyRole.RESPONDENT),
    ]
    assert (mediation.mediator_id, mediation.complaint_case_id, mediation.is_open) == ("mediator-1", "case-1", True)
    assert [step.action for step in mediation.history] == ["opened"]


def test_A1_the_history_names_who_opened_the_mediation_not_the_mediator_named():
    mediation = open_mediation(mediator_id="mediator-1", actor_id="worker-1")
    assert mediation.mediator_id == "mediator-1"
    assert [(step.actor_id, step.action) for step in mediation.history] == [("worker-1", "opened")]


@pytest.mark.parametrize(
    "parties",
    [[owner()], [owner(), owner("owner-2")], [company(), company("company-2")], []],
)
def test_C7_mediation_needs_an_applicant_and_a_respondent(parties):
    with pytest.raises(InvalidArgument) as caught:
        open_mediation(parties=parties)
    assert (caught.value.field, caught.value.rule) == ("parties", "C7")


def test_C7_a_party_appears_once():
    with pytest.raises(InvalidArgument) as caught:
        open_mediation(parties=[owner("p-1"), company("p-1")])
    assert (caught.value.field, caught.value.rule) == ("parties", "C7")


def test_C7_mediator_cannot_be_a_party():
    with pytest.raises(InvalidArgument) as caught:
        open_mediation(mediator_id="company-1")
    assert (caught.value.field, caught.value.rule) == ("mediator_id", "C7")


@pytest.mark.parametrize(
    ("field", "kind", "role"), [("party_kind", "alien", "applicant"), ("party_role", "owner", "judge")]
)
def test_C7_unknown_party_kind_or_role_refused(field, kind, role):
    with pytest.raises(InvalidArgument) as caught:
        Party.create(party_id="p", kind=kind, role=role)
    assert (caught.value.field, caught.value.rule) == (field, "C7")


@pytest.mark.parametrize("outcome", ["mediated", "failed", "withdrawn"])
def test_C7_outcome_is_recorded_once(outcome):
    mediation = with_outcome(outcome)
    assert (mediation.outcome, mediation.is_open) == (MediationOutcome(outcome), False)
    with pytest.raises(FailedPrecondition) as caught:
        mediation.record_outcome(outcome="mediated", now=OPENED + 2 * DAY, actor_id="mediator-1")
    assert (caught.value.field, caught.value.rule) == ("outcome", "C7")
    assert mediation.outcome is MediationOutcome(outcome)


def test_C7_unknown_outcome_or_early_date_refused():
    mediation = open_mediation()
    with pytest.raises(InvalidArgument) as caught:
        mediation.record_outcome(outcome="postponed", now=OPENED + DAY, actor_id="m")
    assert (caught.value.field, caught.value.rule) == ("outcome", "C7")
    with pytest.raises(InvalidArgument) as caught:
        mediation.record_outcome(outcome="failed", now=OPENED - DAY, actor_id="m")
    assert (caught.value.field, caught.value.rule) == ("now", "C7")
    assert mediation.is_open


def test_C7_failed_mediation_is_referred_to_court():
    mediation = with_outcome("failed")
    mediation.refer_to_court(now=OPENED + 2 * DAY, actor_id="mediator-1", court_id="court-350521")
    assert mediation.court_referral.court_id == "court-350521"
    assert [step.action for step in mediation.history] == ["opened", "failed", "referred_to_court"]


@pytest.mark.parametrize("outcome", [None, "mediated", "withdrawn"])
def test_C7_court_referral_only_after_failure(outcome):
    mediation = open_mediation() if outcome is None else with_outcome(outcome)
    with pytest.raises(FailedPrecondition) as caught:
        mediation.refer_to_court(now=OPENED + 2 * DAY, actor_id="mediator-1", court_id="court-350521")
    assert (caught.value.field, caught.value.rule) == ("outcome", "C7")
    assert mediation.court_referral is None


def test_C7_referred_to_court_only_once():
    mediation = with_outcome("failed")
    mediation.refer_to_court(now=OPENED + 2 * DAY, actor_id="mediator-1", court_id="court-1")
    with pytest.raises(FailedPrecondition) as caught:
        mediation.refer_to_court(now=OPENED + 3 * DAY, actor_id="mediator-1", court_id="court-2")
    assert (caught.value.field, caught.value.rule) == ("court_referral", "C7")
    assert mediation.court_referral.court_id == "court-1"


def test_C7_success_rate_matches_seed_figures():
    assert mediation_success_rate(811, 206) == Fraction(206, 811)
    assert mediation_success_rate(0, 0) is None
    with pytest.raises(InvalidArgument) as caught:
        mediation_success_rate(10, 11)
    assert (caught.value.field, caught.value.rule) == ("mediated", "C7")
