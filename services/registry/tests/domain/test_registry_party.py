from datetime import date

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_registry.domain.party import PartyLevel, PartyNode

ESTABLISHED = date(2021, 7, 1)


def _node(key, level, parent):
    return PartyNode.create(
        key=key, level=level, name=key, attached_to=key, parent=parent, established_on=ESTABLISHED
    )


@pytest.fixture
def four_levels():
    committee = _node("committee", PartyLevel.COMMUNITY_COMMITTEE, None)
    branch = _node("branch", PartyLevel.COMPOUND_BRANCH, committee)
    group = _node("group", PartyLevel.BUILDING_GROUP, branch)
    household = _node("household", PartyLevel.MEMBER_HOUSEHOLD, group)
    return committee, branch, group, household


def test_party_four_levels_chain(four_levels):
    committee, branch, group, household = four_levels
    assert (branch.parent_key, group.parent_key, household.parent_key) == ("committee", "branch", "group")
    assert committee.parent_key is None


def test_party_level_given_as_number():
    assert _node("c", 1, None).level is PartyLevel.COMMUNITY_COMMITTEE


def test_party_branch_directly_under_committee_only(four_levels):
    committee, branch, group, household = four_levels
    with pytest.raises(InvalidArgument) as caught:
        _node("group2", PartyLevel.BUILDING_GROUP, committee)  # skips the branch level
    assert (caught.value.field, caught.value.rule) == ("parent_key", "party_levels")


def test_party_parent_at_same_level_refused(four_levels):
    _, branch, _, _ = four_levels
    with pytest.raises(InvalidArgument) as caught:
        _node("branch2", PartyLevel.COMPOUND_BRANCH, branch)
    assert caught.value.rule == "party_levels"


def test_party_parent_below_refused(four_levels):
    _, _, _, household = four_levels
    with pytest.raises(InvalidArgument):
        _node("group2", PartyLevel.BUILDING_GROUP, household)


def test_party_committee_with_parent_refused(four_levels):
    committee = four_levels[0]
    with pytest.raises(InvalidArgument) as caught:
        _node("committee2", PartyLevel.COMMUNITY_COMMITTEE, committee)
    assert caught.value.field == "parent_key"


def test_party_node_without_parent_refused():
    with pytest.raises(InvalidArgument) as caught:
        _node("branch", PartyLevel.COMPOUND_BRANCH, None)
    assert caught.value.field == "parent_key"


def test_party_unknown_level_refused():
    with pytest.raises(InvalidArgument) as caught:
        _node("x", 5, None)
    assert (caught.value.field, caught.value.rule) == ("level", "one_of")


def test_party_establishment_date_required():
    with pytest.raises(InvalidArgument) as caught:
        PartyNode.create(key="c", level=1, name="c", attached_to="c", parent=None, established_on="2021-07-01")
    assert caught.value.field == "established_on"


def test_party_secretary_set_and_vacated(four_levels):
    branch = four_levels[1]
    with_secretary = branch.with_secretary("person-1")
    assert with_secretary.secretary_person_key == "person-1"
    assert with_secretary.with_secretary(None).secretary_person_key is None
    with pytest.raises(InvalidArgument) as caught:
        branch.with_secretary(" ")
    assert caught.value.field == "secretary_person_key"
