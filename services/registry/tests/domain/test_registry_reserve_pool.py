from datetime import date

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_registry.domain.reserve_pool import (
    DEFAULT_NEGATIVE_LIST,
    CandidateFacts,
    CompanyTie,
    NegativeList,
    NegativeListRule,
    ReservePosition,
    propose_candidate,
    screen,
)

COMPANY = "914403001922038216"
TODAY = date(2025, 6, 1)


def _screen(facts, **options):
    return screen(facts, as_of=options.pop("as_of", TODAY), compound_company_uscc=COMPANY, **options)


def test_O5_default_list_has_five_labelled_rules():
    assert len(DEFAULT_NEGATIVE_LIST.rules) == 5
    assert all(rule.label_zh and rule.label_en for rule in DEFAULT_NEGATIVE_LIST.rules)


def test_O5_clean_candidate_passes():
    assert _screen(CandidateFacts(person_key="p1")).passed


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"uncorrected_illegal_construction": True}, "illegal_construction"),
        ({"unpaid_property_fees": True}, "arrears"),
        ({"unpaid_fund_deposits": True}, "arrears"),
        ({"listed_judgment_defaulter": True}, "judgment_defaulter"),
        ({"serving_sentence": True}, "criminal_sentence"),
    ],
)
def test_O5_each_condition_screens_out(facts, code):
    result = _screen(CandidateFacts(person_key="p1", **facts))
    assert not result.passed
    assert [reason.code for reason in result.reasons] == [code]


@pytest.mark.parametrize("relation", ["self", "spouse", "direct_relative"])
def test_O5_tie_to_compound_company_screens_out(relation):
    tie = CompanyTie.create(company_uscc=COMPANY, relation=relation, kind="employment")
    result = _screen(CandidateFacts(person_key="p1", company_ties=(tie,)))
    assert [reason.code for reason in result.reasons] == ["company_tie"]


def test_O5_tie_to_another_company_passes():
    tie = CompanyTie.create(company_uscc="91330100716105852F", relation="self", kind="stake")
    assert _screen(CandidateFacts(person_key="p1", company_ties=(tie,))).passed


def test_O5_sentence_ended_less_than_5_years_ago_screens_out():
    facts = CandidateFacts(person_key="p1", sentence_completed_on=date(2020, 6, 2))
    assert not _screen(facts).passed


def test_O5_sentence_ended_exactly_5_years_ago_passes():
    facts = CandidateFacts(person_key="p1", sentence_completed_on=date(2020, 6, 1))
    assert _screen(facts).passed


def test_O5_all_reasons_kept():
    facts = CandidateFacts(
        person_key="p1",
        uncorrected_illegal_construction=True,
        unpaid_property_fees=True,
        listed_judgment_defaulter=True,
    )
    result = _screen(facts)
    assert [reason.code for reason in result.reasons] == ["illegal_construction", "arrears", "judgment_defaulter"]
    assert result.reasons[0].label_zh == "存在违法建设或破坏房屋结构且未整改"


def test_O5_rule_set_configurable_by_code():
    without_arrears = NegativeList.from_codes(["illegal_construction", "judgment_defaulter"])
    assert _screen(CandidateFacts(person_key="p1", unpaid_property_fees=True), negative_list=without_arrears).passed


def test_O5_cooling_off_years_configurable():
    three_years = NegativeList.from_codes(["criminal_sentence"], sentence_cooling_off_years=3)
    facts = CandidateFacts(person_key="p1", sentence_completed_on=date(2022, 6, 1))
    assert _screen(facts, negative_list=three_years).passed
    assert not _screen(facts).passed


def test_O5_unknown_rule_code_refused():
    with pytest.raises(InvalidArgument) as caught:
        NegativeList.from_codes(["smoker"])
    assert (caught.value.field, caught.value.rule) == ("rules", "O5")


def test_O5_custom_rule_added():
    absent = NegativeListRule("absent", "长期不在小区居住", "does not live in the compound", lambda facts, context: True)
    result = _screen(CandidateFacts(person_key="p1"), negative_list=DEFAULT_NEGATIVE_LIST.with_rule(absent))
    assert [reason.code for reason in result.reasons] == ["absent"]


def test_O5_duplicate_rule_codes_refused():
    with pytest.raises(InvalidArgument):
        DEFAULT_NEGATIVE_LIST.with_rule(DEFAULT_NEGATIVE_LIST.rules[0])


def test_O5_screened_out_candidate_recorded_with_reasons():
    entry = propose_candidate(
        CandidateFacts(person_key="p1", listed_judgment_defaulter=True),
        compound_code="HA-FHC",
        positions=["owners_committee_chair", ReservePosition.BRANCH_SECRETARY],
        as_of=TODAY,
        compound_company_uscc=COMPANY,
    )
    assert not entry.eligible
    assert entry.positions == (ReservePosition.OWNERS_COMMITTEE_CHAIR, ReservePosition.BRANCH_SECRETARY)
    assert [reason.code for reason in entry.screening.reasons] == ["judgment_defaulter"]


def test_reserve_candidate_needs_a_position():
    with pytest.raises(InvalidArgument) as caught:
        propose_candidate(
            CandidateFacts(person_key="p1"), compound_code="HA-FHC", positions=[], as_of=TODAY,
            compound_company_uscc=None,
        )
    assert caught.value.field == "positions"
