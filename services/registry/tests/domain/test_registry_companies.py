from datetime import date

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_registry.domain.companies import (
    ContractMode,
    PartyOrgMode,
    PartyOrgModeChange,
    PropertyCompany,
    ServiceContract,
    change_party_org_mode,
    check_no_overlapping_contract,
    party_org_mode_on,
    terminate,
    uscc_check_character,
    validate_uscc,
)

# published codes of well-known companies, so the algorithm is checked against real data
REAL_CODES = ["914403001922038216", "91330100716105852F", "9144030071526726XG"]
USCC = REAL_CODES[0]
OTHER_USCC = REAL_CODES[1]


@pytest.mark.parametrize("code", REAL_CODES)
def test_uscc_check_character_matches_published_codes(code):
    assert uscc_check_character(code[:17]) == code[17]
    assert validate_uscc(code.lower()) == code


def test_uscc_sum_divisible_by_31_gives_check_zero():
    # all zeros: weighted sum 0, 31 − 0 = 31, which the standard maps to '0'
    assert uscc_check_character("0" * 17) == "0"


def test_uscc_wrong_check_character_refused():
    with pytest.raises(InvalidArgument) as caught:
        validate_uscc(USCC[:17] + "7")
    assert (caught.value.field, caught.value.rule) == ("uscc", "uscc_check_digit")


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382161", "9144030019220382I6", ""])
def test_uscc_bad_format_refused(code):
    with pytest.raises(InvalidArgument) as caught:
        validate_uscc(code)
    assert (caught.value.field, caught.value.rule) == ("uscc", "uscc_format")


def test_company_required_party_org_with_mode_none_is_uncovered():
    company = PropertyCompany.create(uscc=USCC, name="物业公司", party_org_required=True, party_org_mode="none")
    assert company.party_org_uncovered


@pytest.mark.parametrize("mode", ["standalone", "joint_branch", "instructor"])
def test_company_with_party_org_mode_is_covered(mode):
    company = PropertyCompany.create(uscc=USCC, name="物业公司", party_org_required=True, party_org_mode=mode)
    assert company.has_party_org and not company.party_org_uncovered


def test_company_not_required_is_never_uncovered():
    assert not PropertyCompany.create(uscc=USCC, name="物业公司").party_org_uncovered


def test_company_unknown_party_org_mode_refused():
    with pytest.raises(InvalidArgument) as caught:
        PropertyCompany.create(uscc=USCC, name="物业公司", party_org_mode="cell")
    assert caught.value.field == "party_org_mode"


def contract(key, start, end=None, *, compound="HA-FHC", mode=ContractMode.TENDER, bundle_key=None):
    return ServiceContract.create(
        key=key, compound_code=compound, company_uscc=USCC, mode=mode, start=start, end=end, bundle_key=bundle_key
    )


def test_contract_overlapping_existing_refused_naming_it():
    existing = contract("c1", date(2023, 1, 1), date(2025, 12, 31))
    new = contract("c2", date(2025, 6, 1), date(2028, 5, 31))
    with pytest.raises(FailedPrecondition) as caught:
        check_no_overlapping_contract(new, [existing])
    assert (caught.value.field, caught.value.rule) == ("start", "one_active_contract")
    assert "c1" in caught.value.message
    assert caught.value.metadata["existing_contract"] == "c1"


def test_contract_starting_day_after_previous_ends_accepted():
    existing = contract("c1", date(2023, 1, 1), date(2025, 12, 31))
    check_no_overlapping_contract(contract("c2", date(2026, 1, 1)), [existing])


def test_contract_starting_on_last_day_of_previous_refused():
    existing = contract("c1", date(2023, 1, 1), date(2025, 12, 31))
    with pytest.raises(FailedPrecondition):
        check_no_overlapping_contract(contract("c2", date(2025, 12, 31)), [existing])


def test_contract_open_ended_blocks_any_later_contract():
    existing = contract("c1", date(2023, 1, 1))
    with pytest.raises(FailedPrecondition):
        check_no_overlapping_contract(contract("c2", date(2040, 1, 1), date(2041, 1, 1)), [existing])


def test_contract_ending_before_existing_starts_accepted():
    existing = contract("c1", date(2025, 1, 1))
    check_no_overlapping_contract(contract("c0", date(2020, 1, 1), date(2024, 12, 31)), [existing])


def test_contract_ending_on_first_day_of_existing_refused():
    existing = contract("c1", date(2025, 1, 1))
    with pytest.raises(FailedPrecondition):
        check_no_overlapping_contract(contract("c0", date(2020, 1, 1), date(2025, 1, 1)), [existing])


def test_contract_of_other_compound_ignored():
    existing = contract("c1", date(2023, 1, 1), compound="HA-OLY")
    check_no_overlapping_contract(contract("c2", date(2024, 1, 1)), [existing])


def test_terminated_contract_frees_the_compound_from_the_next_day():
    existing = terminate(contract("c1", date(2023, 1, 1), date(2027, 12, 31)), on=date(2024, 6, 30))
    check_no_overlapping_contract(contract("c2", date(2024, 7, 1)), [existing])
    with pytest.raises(FailedPrecondition):
        check_no_overlapping_contract(contract("c3", date(2024, 6, 30)), [existing])


def test_contract_active_on_inclusive_dates():
    current = contract("c1", date(2023, 1, 1), date(2025, 12, 31))
    assert current.is_active_on(date(2023, 1, 1)) and current.is_active_on(date(2025, 12, 31))
    assert not current.is_active_on(date(2022, 12, 31)) and not current.is_active_on(date(2026, 1, 1))


def test_contract_end_before_start_refused():
    with pytest.raises(InvalidArgument) as caught:
        contract("c1", date(2025, 1, 1), date(2024, 12, 31))
    assert (caught.value.field, caught.value.rule) == ("end", "date_order")


def test_contract_bundled_needs_bundle_key():
    assert contract("c1", date(2025, 1, 1), mode="bundled", bundle_key="HA-1N-01").bundle_key == "HA-1N-01"
    with pytest.raises(InvalidArgument) as caught:
        contract("c2", date(2025, 1, 1), mode="bundled")
    assert caught.value.field == "bundle_key"


def test_contract_bundle_key_only_for_bundled():
    with pytest.raises(InvalidArgument) as caught:
        contract("c1", date(2025, 1, 1), mode="tender", bundle_key="HA-1N-01")
    assert caught.value.field == "bundle_key"


def test_contract_unknown_mode_refused():
    with pytest.raises(InvalidArgument) as caught:
        contract("c1", date(2025, 1, 1), mode="lease")
    assert (caught.value.field, caught.value.rule) == ("mode", "one_of")


def test_contract_company_code_checked():
    with pytest.raises(InvalidArgument) as caught:
        ServiceContract.create(
            key="c1", compound_code="HA-FHC", company_uscc=OTHER_USCC[:17] + "0", mode="tender", start=date(2025, 1, 1)
        )
    assert caught.value.field == "company_uscc"


def test_terminate_outside_contract_or_twice_refused():
    current = contract("c1", date(2023, 1, 1), date(2025, 12, 31))
    with pytest.raises(InvalidArgument):
        terminate(current, on=date(2026, 1, 1))
    ended = terminate(current, on=date(2024, 1, 1))
    with pytest.raises(FailedPrecondition):
        terminate(ended, on=date(2024, 2, 1))


def test_O6_party_org_mode_on_a_date_is_the_latest_change_by_then_else_none():
    history = [
        PartyOrgModeChange(PartyOrgMode.INSTRUCTOR, date(2024, 1, 1)),
        PartyOrgModeChange(PartyOrgMode.STANDALONE, date(2025, 6, 1)),
    ]
    assert party_org_mode_on(history, date(2023, 12, 31)) is PartyOrgMode.NONE
    assert party_org_mode_on(history, date(2025, 5, 31)) is PartyOrgMode.INSTRUCTOR
    assert party_org_mode_on(history, date(2025, 6, 1)) is PartyOrgMode.STANDALONE


def test_O6_party_org_mode_change_refuses_the_future_a_second_change_that_day_and_no_change():
    history = [PartyOrgModeChange(PartyOrgMode.INSTRUCTOR, date(2024, 1, 1))]
    today = date(2025, 1, 1)
    change = change_party_org_mode(history, mode="standalone", effective_from=today, today=today)
    assert change == PartyOrgModeChange(PartyOrgMode.STANDALONE, today)
    with pytest.raises(InvalidArgument) as future:
        change_party_org_mode(history, mode="standalone", effective_from=date(2025, 1, 2), today=today)
    assert future.value.field == "effective_from"
    with pytest.raises(FailedPrecondition) as same_day:
        change_party_org_mode(history, mode="standalone", effective_from=date(2024, 1, 1), today=today)
    assert same_day.value.field == "effective_from"
    with pytest.raises(FailedPrecondition) as unchanged:
        change_party_org_mode(history, mode="instructor", effective_from=date(2024, 6, 1), today=today)
    assert unchanged.value.field == "party_org_mode"
    with pytest.raises(FailedPrecondition):  # before the first change the mode is none already
        change_party_org_mode(history, mode="none", effective_from=date(2023, 6, 1), today=today)
