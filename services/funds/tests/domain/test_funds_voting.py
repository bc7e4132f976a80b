import random
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.money import allocate
from wuye_funds.domain.voting import (
    DEVELOPER_OWNER_KEY,
    Ballot,
    Choice,
    Matter,
    Outcome,
    RosterUnit,
    Vote,
    VoteCount,
    VoteState,
    ballot_electorate,
    build_electorate,
    tally,
)

M2 = 100  # dm² per m²


def spread(total_dm2, count):
    """``count`` positive areas adding up exactly to ``total_dm2``."""
    return allocate(total_dm2, [1] * count)


def one_unit_each(groups):
    """Units for owners in named groups: {"yes": (count, area_dm2), ...}; keys like ``yes-0``."""
    units = []
    for group, (count, area) in groups.items():
        for index, owner_area in enumerate(spread(area, count)):
            key = f"{group}-{index}"
            units.append(RosterUnit(unit_id=f"u-{key}", owner_key=key, area_dm2=owner_area, building_id="B1"))
    return units


def run(groups, matter, choices, *, follow_majority=False):
    """Tally a vote where every owner of group G votes ``choices[G]`` (absent group: no ballot)."""
    electorate = build_electorate(one_unit_each(groups))
    vote = Vote(vote_id="v1", matter=matter, electorate=electorate, follow_majority=follow_majority)
    for owner in electorate.owners:
        group = owner.owner_key.split("-")[0]
        if group in choices:
            vote.cast(owner.owner_key, choices[group])
    return vote.close()


def worked_case(matter, yes_owners, yes_m2_dm2, *, rest=Choice.NO):
    """V3 worked case: 300 owners / 30,000 m²; exactly 200 owners / 20,000 m² take part."""
    groups = {
        "yes": (yes_owners, yes_m2_dm2),
        "rest": (200 - yes_owners, 20_000 * M2 - yes_m2_dm2),
        "away": (100, 10_000 * M2),
    }
    return run(groups, matter, {"yes": Choice.YES, "rest": rest})


# V1 ----------------------------------------------------------------------------------------------


def test_V1_nine_matters_numbered_with_chinese_labels():
    assert [matter.value for matter in Matter] == list(range(1, 10))
    assert Matter.PROPERTY_COMPANY.label == "选聘和解聘物业服务企业或者其他管理人"
    assert Matter.RAISE_MAINTENANCE_FUND.label == "筹集建筑物及其附属设施的维修资金"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in matter.label) for matter in Matter)


def test_V3_only_matters_six_to_eight_need_supermajority():
    assert {matter.value for matter in Matter if matter.needs_supermajority} == {6, 7, 8}


# V2 ----------------------------------------------------------------------------------------------


def test_V2_quorum_exactly_two_thirds_passes():
    result = worked_case(Matter.PROPERTY_COMPANY, 101, 1_000_001)
    assert result.participating == VoteCount(owners=200, area_dm2=2_000_000)
    assert result.participating_area_share == Fraction(2, 3)
    assert result.participating_owner_share == Fraction(2, 3)
    assert result.reason is Outcome.APPROVED


def test_V2_quorum_fails_one_owner_short_even_with_enough_area():
    groups = {"yes": (199, 2_000_000), "away": (101, 1_000_000)}
    result = run(groups, Matter.PROPERTY_COMPANY, {"yes": Choice.YES})
    assert result.participating_area_share == Fraction(2, 3)
    assert result.reason is Outcome.QUORUM_FAILED
    assert result.passed is False


def test_V2_quorum_fails_one_dm2_short_even_with_enough_owners():
    groups = {"yes": (200, 1_999_999), "away": (100, 1_000_001)}
    result = run(groups, Matter.PROPERTY_COMPANY, {"yes": Choice.YES})
    assert result.participating_owner_share == Fraction(2, 3)
    assert result.reason is Outcome.QUORUM_FAILED


def test_V2_abstentions_count_towards_quorum():
    groups = {"yes": (150, 1_500_000), "abstain": (50, 500_000), "away": (100, 1_000_000)}
    result = run(groups, Matter.PROPERTY_COMPANY, {"yes": Choice.YES, "abstain": Choice.ABSTAIN})
    assert result.participating == VoteCount(200, 2_000_000)
    assert result.reason is Outcome.APPROVED


# V3 worked case ----------------------------------------------------------------------------------


def test_V3_matter4_passes_with_101_owners_and_10000_01_m2():
    result = worked_case(Matter.PROPERTY_COMPANY, 101, 1_000_001)
    assert result.passed is True
    assert result.yes == VoteCount(101, 1_000_001)
    assert result.yes_area_share == Fraction(1_000_001, 2_000_000)
    assert result.yes_owner_share == Fraction(101, 200)


def test_V3_matter4_fails_with_exactly_half_the_owners():
    result = worked_case(Matter.PROPERTY_COMPANY, 100, 1_000_001)
    assert result.reason is Outcome.REJECTED
    assert result.yes_owner_share == Fraction(1, 2)


def test_V3_matter4_fails_with_exactly_10000_m2():
    result = worked_case(Matter.PROPERTY_COMPANY, 101, 1_000_000)
    assert result.reason is Outcome.REJECTED
    assert result.yes_area_share == Fraction(1, 2)


def test_V3_matter6_needs_three_quarters_passes_at_exactly_150_owners_and_15000_m2():
    result = worked_case(Matter.RAISE_MAINTENANCE_FUND, 150, 1_500_000)
    assert result.yes_owner_share == Fraction(3, 4)
    assert result.yes_area_share == Fraction(3, 4)
    assert result.passed is True


@pytest.mark.parametrize(("yes_owners", "yes_area"), [(149, 1_500_000), (150, 1_499_999)])
def test_V3_matter6_needs_three_quarters_one_short_fails(yes_owners, yes_area):
    assert worked_case(Matter.RAISE_MAINTENANCE_FUND, yes_owners, yes_area).reason is Outcome.REJECTED


@pytest.mark.parametrize("matter", [Matter.REBUILD, Matter.COMMON_PARTS_USE])
def test_V3_matters7_and_8_need_three_quarters_too(matter):
    assert worked_case(matter, 149, 1_600_000).passed is False
    assert worked_case(matter, 150, 1_500_000).passed is True


def test_V3_matter4_passes_where_matter6_fails():
    assert worked_case(Matter.PROPERTY_COMPANY, 120, 1_200_000).passed is True
    assert worked_case(Matter.RAISE_MAINTENANCE_FUND, 120, 1_200_000).passed is False


def test_V3_abstentions_are_in_the_base_but_not_yes():
    with_no = worked_case(Matter.PROPERTY_COMPANY, 100, 1_200_000, rest=Choice.NO)
    with_abstain = worked_case(Matter.PROPERTY_COMPANY, 100, 1_200_000, rest=Choice.ABSTAIN)
    assert with_abstain.abstain == VoteCount(100, 800_000)
    assert with_abstain.no == VoteCount(0, 0)
    assert with_abstain.reason is with_no.reason is Outcome.REJECTED


# V4 ----------------------------------------------------------------------------------------------


def test_V4_one_person_with_several_units_is_one_owner_with_areas_summed():
    units = [
        RosterUnit("101", "p-wang", 8957, "B1"),
        RosterUnit("102", "p-wang", 6000, "B2"),
        RosterUnit("201", "p-li", 9000, "B1"),
    ]
    electorate = build_electorate(units)
    assert electorate.owner_count == 2
    wang = electorate.owner("p-wang")
    assert (wang.area_dm2, wang.unit_ids) == (14957, ("101", "102"))
    assert electorate.total_area_dm2 == 23957


def test_V4_developer_unsold_units_together_are_one_owner():
    units = [
        RosterUnit("101", "", 8000, "B1", is_developer_unsold=True),
        RosterUnit("102", "ignored", 7000, "B2", is_developer_unsold=True),
        RosterUnit("103", "p-li", 9000, "B1"),
        RosterUnit("104", "p-zhao", 9000, "B1"),
    ]
    electorate = build_electorate(units)
    assert electorate.owner_count == 3
    developer = electorate.owner(DEVELOPER_OWNER_KEY)
    assert developer.is_developer and developer.area_dm2 == 15000
    assert developer.unit_ids == ("101", "102")


def test_V4_developer_key_is_reserved_for_unsold_units():
    with pytest.raises(InvalidArgument) as caught:
        build_electorate([RosterUnit("101", DEVELOPER_OWNER_KEY, 8000, "B1")])
    assert (caught.value.field, caught.value.rule) == ("owner_key", "V4")


@pytest.mark.parametrize(
    ("unit", "field"),
    [
        (RosterUnit("101", "p-li", 0, "B1"), "area_dm2"),
        (RosterUnit("101", "p-li", 89.57, "B1"), "area_dm2"),
        (RosterUnit("101", " ", 8957, "B1"), "owner_key"),
        (RosterUnit("", "p-li", 8957, "B1"), "unit_id"),
    ],
)
def test_V4_bad_units_refused_naming_field(unit, field):
    with pytest.raises(InvalidArgument) as caught:
        build_electorate([unit])
    assert (caught.value.field, caught.value.rule) == (field, "V4")


def test_V4_same_unit_twice_refused():
    with pytest.raises(InvalidArgument) as caught:
        build_electorate([RosterUnit("101", "p-li", 8957, "B1"), RosterUnit("101", "p-wu", 8957, "B1")])
    assert (caught.value.field, caught.value.rule) == ("unit_id", "V4")


def test_V4_ballot_from_outside_the_electorate_refused():
    vote = Vote("v1", Matter.PROPERTY_COMPANY, build_electorate([RosterUnit("101", "p-li", 8957, "B1")]))
    with pytest.raises(FailedPrecondition) as caught:
        vote.cast("p-stranger", Choice.YES)
    assert (caught.value.field, caught.value.rule) == ("owner_key", "V4")
    assert vote.ballots == []


# V6 ----------------------------------------------------------------------------------------------

SCOPED_UNITS = [
    RosterUnit("1-101", "p-wang", 8000, "B1"),
    RosterUnit("2-101", "p-wang", 6000, "B2"),
    RosterUnit("2-102", "p-li", 9000, "B2"),
    RosterUnit("3-101", "p-zhao", 7000, "B3"),
]


def test_V6_scope_keeps_only_units_in_the_buildings():
    electorate = build_electorate(SCOPED_UNITS, building_ids=["B1", "B3"])
    assert [owner.owner_key for owner in electorate.owners] == ["p-wang", "p-zhao"]
    assert electorate.owner("p-wang").area_dm2 == 8000  # the B2 unit is outside the scope
    assert electorate.total_area_dm2 == 15000
    assert electorate.building_scope == frozenset({"B1", "B3"})


def test_V6_owner_outside_scope_cannot_vote():
    vote = Vote("v1", Matter.USE_MAINTENANCE_FUND, build_electorate(SCOPED_UNITS, building_ids=["B1"]))
    with pytest.raises(FailedPrecondition) as caught:
        vote.cast("p-li", Choice.YES)
    assert (caught.value.field, caught.value.rule) == ("owner_key", "V6")


@pytest.mark.parametrize("buildings", [[], ["B9"], ["B1", "B9"]])
def test_V6_scope_must_name_known_buildings(buildings):
    with pytest.raises(InvalidArgument) as caught:
        build_electorate(SCOPED_UNITS, building_ids=buildings)
    assert (caught.value.field, caught.value.rule) == ("building_ids", "V6")


def test_V6_scoped_result_records_its_scope():
    vote = Vote("v1", Matter.USE_MAINTENANCE_FUND, build_electorate(SCOPED_UNITS, building_ids=["B2"]))
    vote.cast("p-wang", Choice.YES)
    vote.cast("p-li", Choice.YES)
    result = vote.close()
    assert result.building_scope == frozenset({"B2"})
    assert result.electorate == VoteCount(2, 15000)
    assert result.passed is True


# V7 ----------------------------------------------------------------------------------------------


def small_vote(follow_majority=False):
    units = [RosterUnit(f"u{i}", f"p{i}", 10000, "B1") for i in range(4)]
    return Vote("v1", Matter.PROPERTY_COMPANY, build_electorate(units), follow_majority=follow_majority)


def test_V7_changed_ballot_last_one_counts():
    vote = small_vote()
    for key in ("p0", "p1", "p2"):
        vote.cast(key, Choice.YES)
    vote.cast("p0", Choice.NO)
    vote.cast("p1", "no")
    assert vote.choice_of("p0") is Choice.NO
    result = vote.close()
    assert result.yes == VoteCount(1, 10000)
    assert result.no == VoteCount(2, 20000)
    assert result.participating.owners == 3  # changing a ballot does not add a participant
    assert result.passed is False


def test_V7_voting_after_close_refused():
    vote = small_vote()
    vote.cast("p0", Choice.YES)
    vote.close()
    assert vote.state is VoteState.CLOSED
    with pytest.raises(FailedPrecondition) as caught:
        vote.cast("p1", Choice.YES)
    assert (caught.value.field, caught.value.rule) == ("state", "V7")
    assert "closed" in caught.value.message
    assert len(vote.ballots) == 1


def test_V7_closing_twice_refused():
    vote = small_vote()
    vote.close()
    with pytest.raises(FailedPrecondition) as caught:
        vote.close()
    assert caught.value.rule == "V7"


def test_V7_tally_reproducible_from_stored_ballots_in_any_order():
    vote = small_vote()
    for key, choice in [("p0", "yes"), ("p1", "no"), ("p2", "yes"), ("p1", "yes"), ("p3", "abstain")]:
        vote.cast(key, choice)
    closed = vote.close()
    stored = list(vote.ballots)
    random.Random(7).shuffle(stored)
    assert tally(vote.electorate, vote.matter, stored) == closed
    assert closed.yes == VoteCount(3, 30000)


def test_V7_tally_refuses_ballots_sharing_a_sequence():
    vote = small_vote()
    ballots = [Ballot(1, "p0", Choice.YES), Ballot(1, "p1", Choice.NO)]
    with pytest.raises(InvalidArgument) as caught:
        tally(vote.electorate, vote.matter, ballots)
    assert (caught.value.field, caught.value.rule) == ("sequence", "V7")


def test_V7_tally_refuses_stored_ballot_from_outside_electorate():
    vote = small_vote()
    with pytest.raises(FailedPrecondition) as caught:
        tally(vote.electorate, vote.matter, [Ballot(1, "p-stranger", Choice.YES)])
    assert caught.value.rule == "V4"


def test_V7_unknown_choice_refused():
    with pytest.raises(InvalidArgument) as caught:
        small_vote().cast("p0", "maybe")
    assert (caught.value.field, caught.value.rule) == ("choice", "V7")


# V5 ----------------------------------------------------------------------------------------------


def test_V5_follow_majority_off_by_default_adds_nothing():
    vote = small_vote()
    assert vote.follow_majority is False
    for key in ("p0", "p1", "p2"):
        vote.cast(key, Choice.YES)
    result = vote.close()
    assert (result.added_side, result.added) == (None, VoteCount(0, 0))
    assert result.counted_participating == result.participating


def test_V5_quorum_counts_real_voters_only():
    groups = {"yes": (199, 1_990_000), "away": (101, 1_010_000)}
    result = run(groups, Matter.PROPERTY_COMPANY, {"yes": Choice.YES}, follow_majority=True)
    assert result.reason is Outcome.QUORUM_FAILED
    assert result.added == VoteCount(0, 0)
    assert result.added_side is None


SIXTY_FIVE_PERCENT = {"yes": (130, 1_300_000), "no": (70, 700_000), "away": (100, 1_000_000)}


def test_V5_added_votes_can_carry_a_matter6_vote_real_ballots_reject():
    choices = {"yes": Choice.YES, "no": Choice.NO}
    real_only = run(SIXTY_FIVE_PERCENT, Matter.RAISE_MAINTENANCE_FUND, choices)
    with_clause = run(SIXTY_FIVE_PERCENT, Matter.RAISE_MAINTENANCE_FUND, choices, follow_majority=True)
    assert real_only.reason is Outcome.REJECTED
    assert with_clause.reason is Outcome.APPROVED
    # real and added votes are kept apart
    assert with_clause.yes == VoteCount(130, 1_300_000)
    assert with_clause.added_side is Choice.YES
    assert with_clause.added == VoteCount(100, 1_000_000)
    assert with_clause.counted_yes == VoteCount(230, 2_300_000)
    assert with_clause.counted_participating == VoteCount(300, 3_000_000)
    assert with_clause.yes_owner_share == Fraction(230, 300)
    # the quorum is still the real one
    assert with_clause.participating_owner_share == Fraction(2, 3)


def test_V5_non_voters_follow_a_no_majority():
    groups = {"yes": (80, 800_000), "no": (120, 1_200_000), "away": (100, 1_000_000)}
    result = run(groups, Matter.PROPERTY_COMPANY, {"yes": Choice.YES, "no": Choice.NO}, follow_majority=True)
    assert result.added_side is Choice.NO
    assert result.added == VoteCount(100, 1_000_000)
    assert result.counted_yes == VoteCount(80, 800_000)
    assert result.yes_area_share == Fraction(800_000, 3_000_000)
    assert result.reason is Outcome.REJECTED


def test_V5_split_majority_adds_nothing():
    # yes leads in owners, no leads in area: there is no majority to follow
    groups = {"yes": (110, 900_000), "no": (90, 1_100_000), "away": (100, 1_000_000)}
    result = run(groups, Matter.PROPERTY_COMPANY, {"yes": Choice.YES, "no": Choice.NO}, follow_majority=True)
    assert result.added_side is None
    assert result.added == VoteCount(0, 0)
    assert result.reason is Outcome.REJECTED


def test_V5_abstainers_are_not_added_and_do_not_form_a_side():
    groups = {"yes": (60, 600_000), "no": (40, 400_000), "abstain": (100, 1_000_000), "away": (100, 1_000_000)}
    choices = {"yes": Choice.YES, "no": Choice.NO, "abstain": Choice.ABSTAIN}
    result = run(groups, Matter.PROPERTY_COMPANY, choices, follow_majority=True)
    assert result.abstain == VoteCount(100, 1_000_000)
    assert result.added == VoteCount(100, 1_000_000)  # only the 100 who cast nothing
    assert result.counted_yes == VoteCount(160, 1_600_000)
    assert result.passed is True  # 160/300 > 1/2 where real ballots gave 60/200


@pytest.mark.parametrize(
    ("matter", "yes_owners", "yes_area"),
    [
        (Matter.PROPERTY_COMPANY, 101, 1_000_001),
        (Matter.RAISE_MAINTENANCE_FUND, 150, 1_500_000),
        (Matter.REBUILD, 199, 1_999_999),
    ],
)
def test_V5_clause_never_turns_a_real_pass_into_rejection(matter, yes_owners, yes_area):
    groups = {"yes": (yes_owners, yes_area), "no": (200 - yes_owners, 2_000_000 - yes_area), "away": (100, 1_000_000)}
    choices = {"yes": Choice.YES, "no": Choice.NO}
    assert run(groups, matter, choices).passed is True
    assert run(groups, matter, choices, follow_majority=True).passed is True


def test_V4_V6_a_ballot_finds_its_owner_from_their_units_alone_as_the_whole_electorate_does():
    units = [
        RosterUnit("u1", "zhang", 9_000, "b1"), RosterUnit("u2", "zhang", 11_000, "b2"),
        RosterUnit("u3", "li", 10_000, "b1"), RosterUnit("u4", "", 7_000, "b1", is_developer_unsold=True),
        RosterUnit("u5", "wang", 8_000, "b2", is_developer_unsold=True),  # sold, not delivered: still stock
    ]
    for scope in (None, ["b1"], ["b2"]):
        whole = build_electorate(units, building_ids=scope)
        for owner in whole.owners:
            owned = [u for u in units if (u.is_developer_unsold if owner.is_developer else
                                           u.owner_key == owner.owner_key and not u.is_developer_unsold)]
            assert ballot_electorate(owned, building_ids=scope).owner(owner.owner_key) == owner
    with pytest.raises(FailedPrecondition) as stranger:
        ballot_electorate([]).owner("stranger")
    assert (stranger.value.field, stranger.value.rule) == ("owner_key", "V4")
    with pytest.raises(FailedPrecondition) as outside:  # li owns only in b1
        ballot_electorate([units[2]], building_ids=["b2"]).owner("li")
    assert (outside.value.field, outside.value.rule) == ("owner_key", "V6")


def test_V7_a_ballot_cast_on_the_owner_alone_follows_the_stored_ballots_in_sequence():
    vote = Vote("v1", Matter.OTHER_MAJOR, ballot_electorate([RosterUnit("u3", "li", 10_000, "b1")]), ballots_before=41)
    assert vote.cast("li", Choice.YES).sequence == 42


def test_V2_turnout_grows_with_an_owners_first_ballot_only_and_matches_the_tally():
    units = [RosterUnit("u1", "zhang", 9_000, "b1"), RosterUnit("u2", "zhang", 11_000, "b2"),
             RosterUnit("u3", "li", 10_000, "b1"), RosterUnit("u4", "wang", 7_000, "b1")]
    vote = Vote("v1", Matter.OTHER_MAJOR, build_electorate(units))
    vote.cast("zhang", Choice.NO)
    assert vote.turnout == VoteCount(1, 20_000)  # both of zhang's units: one owner (V4)
    vote.cast("zhang", Choice.YES)  # a changed ballot (V7) brings no one new
    vote.cast("li", Choice.ABSTAIN)  # abstaining is taking part (V2)
    assert vote.turnout == VoteCount(2, 30_000)
    assert vote.close().participating == vote.turnout


def test_V2_an_owner_who_voted_before_the_loaded_ballots_is_not_counted_again():
    electorate = ballot_electorate([RosterUnit("u3", "li", 10_000, "b1")])
    again = Vote("v1", Matter.OTHER_MAJOR, electorate, ballots_before=5, turnout=VoteCount(3, 31_000),
                 voted_before=frozenset({"li"}))
    again.cast("li", Choice.NO)
    assert again.turnout == VoteCount(3, 31_000)
    first = Vote("v1", Matter.OTHER_MAJOR, electorate, ballots_before=5, turnout=VoteCount(3, 31_000))
    first.cast("li", Choice.NO)
    assert first.turnout == VoteCount(4, 41_000)
