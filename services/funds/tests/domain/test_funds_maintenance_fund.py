import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_funds.domain.maintenance_fund import (
    HANGZHOU_EMERGENCY_CATEGORIES,
    EmergencyCategory,
    PaymentApprover,
    SubAccount,
    UseApplication,
    UseState,
    allocate_interest,
    charge_by_area,
    first_deposit_fen,
    needs_new_application,
    needs_replenishment,
    needs_settlement_audit,
    registered_owner,
    replenishment_due,
    require_rate_in_band,
    whole_balance_passing,
)
from wuye_funds.domain.voting import Choice, Matter, RosterUnit, Vote, build_electorate

# F1 ----------------------------------------------------------------------------------------------


def test_F1_first_deposit_is_rate_times_area_exactly():
    assert first_deposit_fen(4500, 8957) == 403_065  # ¥45/m² × 89.57 m² = ¥4,030.65


@pytest.mark.parametrize(
    ("rate", "area_dm2", "expected"),
    [
        (4501, 8957, 403_155),  # 403,154.57 → up
        (1, 149, 1),  # 1.49 → down
        (1, 150, 2),  # 1.50, a half → up
        (50, 8957, 4479),  # 4,478.5 → up
        (3, 8933, 268),  # 267.99 → up
    ],
)
def test_F1_first_deposit_rounds_half_up_to_the_fen(rate, area_dm2, expected):
    assert first_deposit_fen(rate, area_dm2) == expected


@pytest.mark.parametrize("rate", [0, -4500, 45.0, True])
def test_F1_rate_must_be_positive_whole_fen(rate):
    with pytest.raises(InvalidArgument) as caught:
        first_deposit_fen(rate, 8957)
    assert (caught.value.field, caught.value.rule) == ("rate_fen_per_m2", "F1")


def test_F1_area_must_be_positive():
    with pytest.raises(InvalidArgument) as caught:
        first_deposit_fen(4500, 0)
    assert (caught.value.field, caught.value.rule) == ("area_dm2", "F1")


@pytest.mark.parametrize("rate", [5000, 6500, 8000])
def test_F1_rate_within_five_to_eight_percent_of_construction_cost_accepted(rate):
    assert require_rate_in_band(rate, 100_000) == rate


@pytest.mark.parametrize("rate", [4999, 8001])
def test_F1_rate_outside_five_to_eight_percent_refused(rate):
    with pytest.raises(InvalidArgument) as caught:
        require_rate_in_band(rate, 100_000)
    assert (caught.value.field, caught.value.rule) == ("rate_fen_per_m2", "F1")


# F3 ----------------------------------------------------------------------------------------------


def test_F3_exactly_thirty_percent_is_not_below():
    assert needs_replenishment(3000, 10_000) is False
    assert needs_replenishment(2999, 10_000) is True


def test_F3_thirty_percent_of_an_odd_deposit_compared_exactly():
    # 30 % of 403,065 fen is 120,919.5 fen
    assert needs_replenishment(120_919, 403_065) is True
    assert needs_replenishment(120_920, 403_065) is False


def test_F3_notices_for_households_below_threshold_sorted():
    accounts = [
        SubAccount("h3", 8957, 10_000, 0),
        SubAccount("h1", 8957, 10_000, 2999),
        SubAccount("h2", 8957, 10_000, 3000),
    ]
    assert replenishment_due(accounts) == ["h1", "h3"]


def test_F3_negative_balance_refused():
    with pytest.raises(InvalidArgument) as caught:
        needs_replenishment(-1, 10_000)
    assert (caught.value.field, caught.value.rule) == ("balance_fen", "F3")


# F4 ----------------------------------------------------------------------------------------------


def test_F4_charge_by_area_shares_add_up_exactly():
    shares = charge_by_area(1_000_000, {"h1": 8957, "h2": 6000, "h3": 12033})
    assert sum(shares.values()) == 1_000_000
    # exact shares 331,863.65… / 222,304.55… / 445,831.78…: the two fen left over after the floors go to
    # the two largest remainders (h3, then h1)
    assert shares == {"h1": 331_864, "h2": 222_304, "h3": 445_832}


def test_F4_remainder_goes_to_same_household_whatever_the_input_order():
    forwards = charge_by_area(100, {"a": 1, "b": 1, "c": 1})
    backwards = charge_by_area(100, {"c": 1, "b": 1, "a": 1})
    assert forwards == backwards == {"a": 34, "b": 33, "c": 33}


def test_F4_charge_is_proportional_to_area():
    assert charge_by_area(30_000, {"small": 5000, "large": 10_000}) == {"small": 10_000, "large": 20_000}


@pytest.mark.parametrize(
    ("amount", "areas", "field"),
    [(0, {"h1": 1}, "amount_fen"), (100, {}, "households"), (100, {"h1": 0}, "area_dm2")],
)
def test_F4_bad_charge_refused(amount, areas, field):
    with pytest.raises(InvalidArgument) as caught:
        charge_by_area(amount, areas)
    assert (caught.value.field, caught.value.rule) == (field, "F4")


# F8 ----------------------------------------------------------------------------------------------


def test_F8_interest_pro_rata_to_balances_exactly():
    shares = allocate_interest(1001, {"h1": 300_000, "h2": 100_000, "h3": 0})
    assert shares == {"h1": 751, "h2": 250, "h3": 0}  # 750.75 / 250.25 / 0
    assert sum(shares.values()) == 1001


def test_F8_interest_needs_some_balance():
    with pytest.raises(InvalidArgument) as caught:
        allocate_interest(100, {"h1": 0})
    assert caught.value.rule == "F8"


def test_F8_negative_balance_refused():
    with pytest.raises(InvalidArgument) as caught:
        allocate_interest(100, {"h1": -5, "h2": 10})
    assert (caught.value.field, caught.value.rule) == ("balance_fen", "F8")


# F7 ----------------------------------------------------------------------------------------------


def test_F7_overrun_of_exactly_ten_percent_needs_new_application():
    assert needs_new_application(100_000, 110_000) is True
    assert needs_new_application(100_000, 109_999) is False


def test_F7_overrun_threshold_compared_exactly_on_odd_budget():
    # 110 % of 1,001 fen is 1,101.1 fen
    assert needs_new_application(1001, 1101) is False
    assert needs_new_application(1001, 1102) is True


def test_F7_works_of_exactly_30000_yuan_need_settlement_audit():
    assert needs_settlement_audit(3_000_000, 2_900_000) is True
    assert needs_settlement_audit(2_999_999, 2_999_999) is False
    assert needs_settlement_audit(2_999_999, 3_000_000) is True


# F5 / F6 state machine ---------------------------------------------------------------------------

UNITS = [RosterUnit(f"u{i}", f"p{i}", 10_000, "B1" if i < 3 else "B2") for i in range(4)]


def closed_vote(matter=Matter.USE_MAINTENANCE_FUND, yes=3, building_ids=None):
    vote = Vote("v1", matter, build_electorate(UNITS, building_ids=building_ids))
    keys = [owner.owner_key for owner in vote.electorate.owners]
    for index, key in enumerate(keys):
        vote.cast(key, Choice.YES if index < yes else Choice.NO)
    return vote.close()


def normal_application(budget=1_000_000, building_ids=None):
    return UseApplication.draft("a1", plan="更换水泵", budget_fen=budget, building_ids=building_ids)


def emergency_application():
    return UseApplication.draft("e1", plan="电梯抢修", budget_fen=500_000, emergency=EmergencyCategory.LIFT_FAILURE)


def test_F5_normal_use_full_path():
    application = normal_application()
    application.open_vote()
    application.record_vote(closed_vote())
    assert application.state is UseState.APPROVED
    application.start_works()
    application.request_payment(1_050_000)
    assert application.pay(PaymentApprover.HOUSING_AUTHORITY) == 1_050_000
    application.complete()
    assert application.state is UseState.COMPLETED
    assert application.payment_approved_by is PaymentApprover.HOUSING_AUTHORITY


def test_F5_failed_vote_rejects_and_blocks_works():
    application = normal_application()
    application.open_vote()
    application.record_vote(closed_vote(yes=2))
    assert application.state is UseState.REJECTED
    with pytest.raises(FailedPrecondition) as caught:
        application.start_works()
    assert (caught.value.field, caught.value.rule) == ("state", "F5")
    assert "rejected" in caught.value.message


@pytest.mark.parametrize(
    ("step", "current"),
    [
        (lambda a: a.start_works(), "draft"),
        (lambda a: a.request_payment(100), "draft"),
        (lambda a: a.pay(PaymentApprover.OWNERS_COMMITTEE), "draft"),
        (lambda a: a.complete(), "draft"),
    ],
)
def test_F5_illegal_transition_names_current_state(step, current):
    application = normal_application()
    with pytest.raises(FailedPrecondition) as caught:
        step(application)
    assert (caught.value.field, caught.value.rule) == ("state", "F5")
    assert caught.value.metadata["state"] == current
    assert application.state is UseState.DRAFT


def test_F5_opening_the_vote_twice_refused():
    application = normal_application()
    application.open_vote()
    with pytest.raises(FailedPrecondition) as caught:
        application.open_vote()
    assert caught.value.metadata["state"] == "voting"


def test_F5_no_payment_without_a_passed_vote():
    # a record that reached payment_requested without a passed vote (e.g. edited in storage)
    for stored_vote in (None, closed_vote(yes=1)):
        application = UseApplication(
            "a1", "更换水泵", 1_000_000, state=UseState.PAYMENT_REQUESTED, vote_result=stored_vote, actual_cost_fen=1
        )
        with pytest.raises(FailedPrecondition) as caught:
            application.pay(PaymentApprover.HOUSING_AUTHORITY)
        assert (caught.value.field, caught.value.rule) == ("vote_result", "F5")
        assert application.state is UseState.PAYMENT_REQUESTED


def test_F5_use_is_decided_by_matter_five_only():
    application = normal_application()
    application.open_vote()
    with pytest.raises(InvalidArgument) as caught:
        application.record_vote(closed_vote(matter=Matter.RAISE_MAINTENANCE_FUND))
    assert (caught.value.field, caught.value.rule) == ("matter", "F5")


def test_V6_use_vote_must_cover_the_benefiting_buildings():
    application = normal_application(building_ids=["B1"])
    application.open_vote()
    with pytest.raises(InvalidArgument) as caught:
        application.record_vote(closed_vote())  # whole-compound electorate
    assert caught.value.rule == "V6"
    application.record_vote(closed_vote(building_ids=["B1"]))
    assert application.state is UseState.APPROVED


def test_F5_unknown_payment_approver_refused():
    application = UseApplication(
        "a1", "p", 100, state=UseState.PAYMENT_REQUESTED, vote_result=closed_vote(), actual_cost_fen=100
    )
    with pytest.raises(InvalidArgument) as caught:
        application.pay("developer")
    assert (caught.value.field, caught.value.rule) == ("approved_by", "F5")


def test_F7_overrun_blocks_payment_request_and_needs_new_application():
    application = normal_application(budget=1_000_000)
    application.open_vote()
    application.record_vote(closed_vote())
    application.start_works()
    with pytest.raises(FailedPrecondition) as caught:
        application.request_payment(1_100_000)
    assert (caught.value.field, caught.value.rule) == ("actual_cost_fen", "F7")
    assert application.state is UseState.WORKS


def test_F7_payment_request_of_30000_yuan_needs_settlement_audit():
    application = normal_application(budget=3_000_000)
    application.open_vote()
    application.record_vote(closed_vote())
    application.start_works()
    with pytest.raises(FailedPrecondition) as caught:
        application.request_payment(2_950_000)
    assert (caught.value.field, caught.value.rule) == ("settlement_audit", "F7")
    application.request_payment(2_950_000, settlement_audit="审计报告 2025-07")
    assert application.state is UseState.PAYMENT_REQUESTED


def test_F7_payment_request_below_30000_yuan_needs_no_audit():
    application = normal_application(budget=2_999_999)
    application.open_vote()
    application.record_vote(closed_vote())
    application.start_works()
    application.request_payment(2_999_999)
    assert application.settlement_audit is None


# F6 ----------------------------------------------------------------------------------------------


def test_F6_hangzhou_list_has_six_categories_with_chinese_labels():
    assert HANGZHOU_EMERGENCY_CATEGORIES == frozenset(EmergencyCategory)
    assert len(EmergencyCategory) == 6
    assert EmergencyCategory.DRAIN_BLOCKAGE.label == "排水设施严重堵塞"


def test_F6_emergency_use_skips_the_vote_but_needs_review_confirmation_and_disclosure():
    application = emergency_application()
    application.record_committee_review("业委会审核 2025-03-01")
    assert application.state is UseState.DRAFT
    application.record_street_confirmation("街道确认 2025-03-01")
    assert application.state is UseState.APPROVED
    application.start_works()
    application.request_payment(480_000)
    application.pay(PaymentApprover.OWNERS_COMMITTEE)
    with pytest.raises(FailedPrecondition) as caught:
        application.complete()
    assert (caught.value.field, caught.value.rule) == ("disclosure", "F6")
    application.complete(disclosure="公示 2025-03-20")
    assert application.state is UseState.COMPLETED
    assert application.vote_result is None


def test_F6_emergency_use_is_not_put_to_a_vote():
    with pytest.raises(FailedPrecondition) as caught:
        emergency_application().open_vote()
    assert (caught.value.field, caught.value.rule) == ("emergency", "F6")


def test_F6_street_confirms_only_after_committee_review():
    application = emergency_application()
    with pytest.raises(FailedPrecondition) as caught:
        application.record_street_confirmation("街道确认")
    assert (caught.value.field, caught.value.rule) == ("committee_review", "F6")
    assert application.state is UseState.DRAFT


def test_F6_normal_use_cannot_take_the_emergency_path():
    with pytest.raises(FailedPrecondition) as caught:
        normal_application().record_committee_review("业委会审核")
    assert (caught.value.field, caught.value.rule) == ("emergency", "F6")


def test_F6_emergency_payment_needs_review_and_confirmation():
    application = UseApplication(
        "e1", "p", 100, emergency=EmergencyCategory.LIFT_FAILURE, state=UseState.PAYMENT_REQUESTED, actual_cost_fen=100
    )
    with pytest.raises(FailedPrecondition) as caught:
        application.pay(PaymentApprover.OWNERS_COMMITTEE)
    assert caught.value.rule == "F6"


def test_F6_city_list_setting_refuses_categories_not_on_it():
    city_list = frozenset({EmergencyCategory.LIFT_FAILURE})
    with pytest.raises(InvalidArgument) as caught:
        UseApplication.draft(
            "e1", plan="p", budget_fen=1, emergency=EmergencyCategory.ROOF_OR_WALL_LEAK, emergency_categories=city_list
        )
    assert (caught.value.field, caught.value.rule) == ("emergency", "F6")


def test_F8_the_whole_balance_passes_on_sale_or_demolition_only_from_an_open_sub_account():
    assert whole_balance_passing("h-1", 12_345, closed=False) == 12_345
    assert whole_balance_passing("h-1", 0, closed=False) == 0
    with pytest.raises(FailedPrecondition) as refusal:
        whole_balance_passing("h-1", 100, closed=True)
    assert (refusal.value.field, refusal.value.rule) == ("household_id", "F8")


ROSTER_OF_TWO = [
    RosterUnit(unit_id="h-1", owner_key="p-buyer", area_dm2=10_000, building_id="b1"),
    RosterUnit(unit_id="h-2", owner_key="developer", area_dm2=10_000, building_id="b1", is_developer_unsold=True),
]


def test_A4_the_balance_passes_to_the_registered_owner_only():
    assert registered_owner("h-1", ROSTER_OF_TWO, sent="p-buyer", field="buyer_owner_key", sale=True) == "p-buyer"
    assert registered_owner("h-1", ROSTER_OF_TWO, sent="", field="owner_key", sale=False) == "p-buyer"
    for sent, sale, error, rule in (
        ("p-other", True, InvalidArgument, "A4"),
        (" ", True, InvalidArgument, "F8"),
        ("p-other", False, InvalidArgument, "A4"),
    ):
        with pytest.raises(error) as refusal:
            registered_owner("h-1", ROSTER_OF_TWO, sent=sent, field="owner_key", sale=sale)
        assert (refusal.value.field, refusal.value.rule) == ("owner_key", rule)
    with pytest.raises(NotFound) as missing:
        registered_owner("h-9", ROSTER_OF_TWO, sent="p-buyer", field="buyer_owner_key", sale=True)
    assert (missing.value.field, missing.value.rule) == ("household_id", "A4")
    with pytest.raises(FailedPrecondition) as unsold:
        registered_owner("h-2", ROSTER_OF_TWO, sent="", field="owner_key", sale=False)
    assert (unsold.value.field, unsold.value.rule) == ("household_id", "A4")
