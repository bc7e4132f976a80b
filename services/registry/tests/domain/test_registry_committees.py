from datetime import date

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_registry.domain.committees import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeStatus,
    Term,
    check_pmc_dissolution,
    dissolve,
    form_committee,
    overdue_if_filed_before,
    party_share_warnings,
    pmc_dissolution_deadline,
    re_elect,
    record_filing,
)

OC = CommitteeKind.OWNERS_COMMITTEE
PMC = CommitteeKind.PROPERTY_MANAGEMENT_COMMITTEE
START = date(2024, 3, 1)


def members(count, *, party=0, owners=None, chair_is_secretary=False, two_committee=0):
    """``count`` members; the first ``party`` are party members, the first ``owners`` are owners."""
    owners = count if owners is None else owners
    return [
        CommitteeMember.create(
            person_key=f"p{index}",
            role="chair" if index == 0 else "member",
            is_party_member=index < party or (index == 0 and chair_is_secretary),
            is_branch_secretary=index == 0 and chair_is_secretary,
            is_community_two_committee_member=index < two_committee,
            is_owner=index < owners,
        )
        for index in range(count)
    ]


def form(kind=OC, *, size=5, households=500, end=date(2029, 3, 1), active=(), **member_options):
    return form_committee(
        key=f"{kind.value}-1",
        compound_code="HA-FHC",
        kind=kind,
        members=members(size, **member_options),
        term_start=START,
        term_end=end,
        household_count=households,
        active_committees=active,
    )


def _refusal(**arguments):
    with pytest.raises(InvalidArgument) as caught:
        form(**arguments)
    return caught.value


# O1 — owners' committee size, odd count, term


@pytest.mark.parametrize("size", [5, 7, 9, 11])
def test_O1_odd_size_between_5_and_11_accepted(size):
    assert form(size=size, party=size).committee.size == size


def test_O1_even_committee_refused():
    error = _refusal(size=6)
    assert (error.field, error.rule, error.metadata["constraint"]) == ("members", "O1", "odd")


def test_O1_four_members_refused_even_in_small_compound():
    error = _refusal(size=4, households=50)
    assert (error.rule, error.metadata["constraint"]) == ("O1", "size")


@pytest.mark.parametrize("size", [1, 13])
def test_O1_size_outside_5_to_11_refused(size):
    error = _refusal(size=size)
    assert (error.field, error.rule) == ("members", "O1")


def test_O1_three_members_allowed_at_100_households():
    assert form(size=3, households=100).committee.size == 3


def test_O1_three_members_refused_at_101_households():
    error = _refusal(size=3, households=101)
    assert (error.field, error.rule, error.metadata["constraint"]) == ("members", "O1", "size")


def test_O1_term_of_exactly_5_years_accepted():
    assert form(end=date(2029, 3, 1)).committee.term.end == date(2029, 3, 1)


def test_O1_term_one_day_over_5_years_refused():
    error = _refusal(end=date(2029, 3, 2))
    assert (error.field, error.rule) == ("term_end", "O1")


def test_O1_term_from_29_february_ends_by_28_february():
    base = dict(
        key="oc",
        compound_code="HA-FHC",
        kind=OC,
        members=members(5),
        term_start=date(2024, 2, 29),
        household_count=500,
    )
    assert form_committee(**base, term_end=date(2029, 2, 28)).committee
    with pytest.raises(InvalidArgument):
        form_committee(**base, term_end=date(2029, 3, 1))


def test_O1_term_ending_before_start_refused():
    error = _refusal(end=START)
    assert (error.field, error.rule) == ("term_end", "term_order")


def test_O1_owners_committee_members_must_be_owners():
    error = _refusal(size=5, owners=4)
    assert (error.rule, error.metadata["constraint"]) == ("O1", "members_are_owners")


def test_committee_needs_exactly_one_chair():
    no_chair = [CommitteeMember.create(person_key=f"p{index}") for index in range(5)]
    with pytest.raises(InvalidArgument) as caught:
        form_committee(
            key="oc",
            compound_code="HA-FHC",
            kind=OC,
            members=no_chair,
            term_start=START,
            term_end=date(2027, 3, 1),
            household_count=500,
        )
    assert caught.value.rule == "one_chair"


def test_committee_person_only_once():
    repeated = members(5)
    repeated[4] = CommitteeMember.create(person_key="p1")
    with pytest.raises(InvalidArgument) as caught:
        form_committee(
            key="oc",
            compound_code="HA-FHC",
            kind=OC,
            members=repeated,
            term_start=START,
            term_end=date(2027, 3, 1),
            household_count=500,
        )
    assert caught.value.rule == "unique_member"


def test_branch_secretary_must_be_party_member():
    with pytest.raises(InvalidArgument) as caught:
        CommitteeMember.create(person_key="p1", is_branch_secretary=True, is_party_member=False)
    assert (caught.value.field, caught.value.rule) == ("is_party_member", "secretary_is_party_member")


def test_member_role_must_be_known():
    with pytest.raises(InvalidArgument) as caught:
        CommitteeMember.create(person_key="p1", role="secretary")
    assert (caught.value.field, caught.value.rule) == ("role", "one_of")


# O2 — property management committee


def test_O2_seven_members_with_four_owners_accepted():
    formed = form(PMC, size=7, owners=4, end=date(2027, 3, 1))
    assert formed.committee.owner_count == 4


def test_O2_owners_below_half_refused():
    error = _refusal(kind=PMC, size=7, owners=3, end=date(2027, 3, 1))
    assert (error.field, error.rule, error.metadata["constraint"]) == ("members", "O2", "owner_share")


def test_O2_exactly_half_owners_meets_the_owner_rule():
    # eight members fail only because the count is even: four owners of eight is "at least half"
    error = _refusal(kind=PMC, size=8, owners=4, end=date(2027, 3, 1))
    assert error.metadata["constraint"] == "odd"


def test_O2_five_members_refused():
    error = _refusal(kind=PMC, size=5, end=date(2027, 3, 1))
    assert (error.rule, error.metadata["constraint"]) == ("O2", "size")


def test_O2_even_committee_refused():
    error = _refusal(kind=PMC, size=8, end=date(2027, 3, 1))
    assert (error.rule, error.metadata["constraint"]) == ("O2", "odd")


def test_O2_term_of_exactly_3_years_accepted():
    assert form(PMC, size=7, end=date(2027, 3, 1)).committee


def test_O2_term_one_day_over_3_years_refused():
    error = _refusal(kind=PMC, size=7, end=date(2027, 3, 2))
    assert (error.field, error.rule) == ("term_end", "O2")


def test_O2_not_formed_where_owners_committee_active():
    owners_committee = form().committee
    with pytest.raises(FailedPrecondition) as caught:
        form(PMC, size=7, end=date(2027, 3, 1), active=[owners_committee])
    assert (caught.value.field, caught.value.rule) == ("compound_code", "O2")


def test_O2_owners_committee_may_form_while_pmc_active():
    pmc = form(PMC, size=7, end=date(2027, 3, 1)).committee
    assert form(active=[pmc]).committee.kind is OC


def test_O2_dissolution_deadline_is_30_days_after_filing():
    assert pmc_dissolution_deadline(date(2024, 1, 15)) == date(2024, 2, 14)


def _pmc_and_filed_owners_committee(filed_on):
    pmc = form(PMC, size=7, end=date(2027, 3, 1)).committee
    owners_committee = record_filing(form(active=[pmc]).committee, filed_on=filed_on)
    return pmc, owners_committee


def test_O2_pmc_active_on_day_30_is_not_overdue():
    pmc, owners_committee = _pmc_and_filed_owners_committee(date(2024, 4, 1))
    check = check_pmc_dissolution(pmc, owners_committee=owners_committee, as_of=date(2024, 5, 1))
    assert (check.deadline, check.overdue) == (date(2024, 5, 1), False)


def test_O2_pmc_active_on_day_31_is_overdue():
    pmc, owners_committee = _pmc_and_filed_owners_committee(date(2024, 4, 1))
    assert check_pmc_dissolution(pmc, owners_committee=owners_committee, as_of=date(2024, 5, 2)).overdue


def test_O2_pmc_dissolved_on_deadline_is_in_time():
    pmc, owners_committee = _pmc_and_filed_owners_committee(date(2024, 4, 1))
    dissolved = dissolve(pmc, on=date(2024, 5, 1))
    assert not check_pmc_dissolution(dissolved, owners_committee=owners_committee, as_of=date(2025, 1, 1)).overdue


def test_O2_pmc_dissolved_after_deadline_stays_overdue():
    pmc, owners_committee = _pmc_and_filed_owners_committee(date(2024, 4, 1))
    dissolved = dissolve(pmc, on=date(2024, 5, 2))
    assert check_pmc_dissolution(dissolved, owners_committee=owners_committee, as_of=date(2025, 1, 1)).overdue


def test_O2_dissolution_check_needs_filed_owners_committee():
    pmc = form(PMC, size=7, end=date(2027, 3, 1)).committee
    unfiled = form(active=[pmc]).committee
    with pytest.raises(FailedPrecondition) as caught:
        check_pmc_dissolution(pmc, owners_committee=unfiled, as_of=START)
    assert (caught.value.field, caught.value.rule) == ("filed_on", "O2")


# O3 / O4 / dual role / two committees


def test_O3_party_majority_is_red():
    assert form(size=5, party=3).committee.is_red


def _committee_after_a_resignation(party):
    """Six members: a committee of seven after one member left, as stored, so the count is even."""
    return Committee(
        key="oc",
        compound_code="HA-FHC",
        kind=OC,
        members=tuple(members(6, party=party)),
        term=Term(START, date(2029, 3, 1)),
    )


def test_O3_exactly_half_is_not_red():
    assert not _committee_after_a_resignation(party=3).is_red


def test_O3_one_more_than_half_is_red():
    assert _committee_after_a_resignation(party=4).is_red


def test_O3_two_of_five_is_not_red():
    assert not form(size=5, party=2).committee.is_red


def test_O3_pmc_is_never_red():
    assert not form(PMC, size=7, party=7, end=date(2027, 3, 1)).committee.is_red


def test_O4_below_half_party_members_warns_but_forms():
    formed = form(size=5, party=2)
    assert formed.committee.is_active
    assert [warning.rule for warning in formed.warnings] == ["O4"]


def test_O4_exactly_half_party_members_no_warning():
    assert party_share_warnings(members(6, party=3)) == ()


def test_O4_one_below_half_party_members_warns():
    assert [warning.rule for warning in party_share_warnings(members(6, party=2))] == ["O4"]


def test_O4_majority_party_members_no_warning():
    assert form(size=5, party=3).warnings == ()


def test_O4_re_election_below_half_warns():
    committee = form(size=5, party=5).committee
    renewed = re_elect(
        committee,
        members=members(7, party=3),
        term_start=date(2029, 3, 1),
        term_end=date(2034, 3, 1),
        household_count=500,
    )
    assert [warning.rule for warning in renewed.warnings] == ["O4"]


def test_dual_role_when_chair_is_branch_secretary():
    assert form(size=5, chair_is_secretary=True).committee.is_dual_role
    assert not form(size=5, party=5).committee.is_dual_role


def test_two_committee_members_counted():
    assert form(size=7, two_committee=2).committee.two_committee_member_count == 2


# lifecycle


def test_second_active_owners_committee_refused():
    first = form().committee
    with pytest.raises(FailedPrecondition) as caught:
        form(active=[first])
    assert (caught.value.field, caught.value.rule) == ("compound_code", "one_active_committee")
    assert caught.value.metadata["existing_committee"] == first.key


def test_new_committee_allowed_after_dissolution():
    first = dissolve(form().committee, on=date(2025, 1, 1))
    assert form(active=[first]).committee.is_active


def test_re_election_starts_next_term_and_needs_filing_again():
    committee = record_filing(form().committee, filed_on=date(2024, 3, 10))
    renewed = re_elect(
        committee,
        members=members(7, party=4),
        term_start=date(2029, 3, 1),
        term_end=date(2034, 3, 1),
        household_count=500,
    ).committee
    assert (renewed.term_number, renewed.size, renewed.filed_on) == (2, 7, None)
    assert renewed.key == committee.key


def test_re_election_term_must_start_after_current():
    committee = form().committee
    with pytest.raises(InvalidArgument) as caught:
        re_elect(committee, members=members(5), term_start=START, term_end=date(2029, 3, 1), household_count=500)
    assert (caught.value.field, caught.value.rule) == ("term_start", "term_order")


def test_re_election_applies_O1():
    committee = form().committee
    with pytest.raises(InvalidArgument) as caught:
        re_elect(
            committee,
            members=members(6),
            term_start=date(2029, 3, 1),
            term_end=date(2034, 3, 1),
            household_count=500,
        )
    assert caught.value.rule == "O1"


def test_dissolved_committee_cannot_be_re_elected_or_dissolved_again():
    dissolved = dissolve(form().committee, on=date(2025, 1, 1))
    assert dissolved.status is CommitteeStatus.DISSOLVED
    with pytest.raises(FailedPrecondition):
        dissolve(dissolved, on=date(2025, 2, 1))
    with pytest.raises(FailedPrecondition):
        re_elect(
            dissolved, members=members(5), term_start=date(2029, 3, 1), term_end=date(2034, 3, 1), household_count=500
        )


def test_dissolution_before_term_start_refused():
    with pytest.raises(InvalidArgument) as caught:
        dissolve(form().committee, on=date(2024, 2, 29))
    assert caught.value.field == "dissolved_on"


def test_filing_twice_refused():
    filed = record_filing(form().committee, filed_on=START)
    with pytest.raises(FailedPrecondition) as caught:
        record_filing(filed, filed_on=date(2024, 3, 2))
    assert caught.value.field == "filed_on"


def test_O2_overdue_if_filed_before_agrees_with_the_thirty_day_deadline() -> None:
    filed = date(2024, 1, 15)  # deadline 2024-02-14
    assert not filed < overdue_if_filed_before(date(2024, 2, 14))
    assert filed < overdue_if_filed_before(date(2024, 2, 15))
