import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.money import yuan_to_fen
from wuye_funds.domain.mini_fund import (
    monthly_surcharge_fen,
    require_surplus_covers,
    summarise,
    surcharge_for_months,
    surcharge_of_households,
)


def test_P4_monthly_surcharge_is_rate_times_area_rounded_half_up():
    assert monthly_surcharge_fen(30, 10_000) == 3000  # 0.30 yuan × 100 m²
    assert monthly_surcharge_fen(30, 8957) == 2687  # 2,687.1 fen
    assert monthly_surcharge_fen(30, 8955) == 2687  # 2,686.5 fen, a half → up
    assert monthly_surcharge_fen(30, 8954) == 2686  # 2,686.2 fen


def test_P4_period_is_rounded_monthly_then_multiplied():
    assert surcharge_for_months(30, 8957, 12) == 12 * 2687


def test_P4_households_charged_together_pay_their_own_bills_summed():
    # 2,686.5 → 2,687 and 2,686.5 → 2,687 fen: 5,374, where 30 fen × 179.10 m² would be 5,373
    assert surcharge_of_households(30, [8955, 8955], 1) == 5374
    assert surcharge_of_households(30, [8955, 8955], 3) == 3 * 5374
    assert surcharge_of_households(30, [], 1) == 0


@pytest.mark.parametrize(
    ("rate", "area", "months", "field"),
    [(0, 8957, 1, "rate_fen_per_m2_month"), (30, 0, 1, "area_dm2"), (30, 8957, 0, "months"), (30, 8957, 121, "months")],
)
def test_P4_bad_surcharge_inputs_refused(rate, area, months, field):
    with pytest.raises(InvalidArgument) as caught:
        surcharge_for_months(rate, area, months)
    assert (caught.value.field, caught.value.rule) == (field, "P4")


def test_P4_a_surcharge_covers_at_most_ten_years_at_once():
    assert surcharge_for_months(30, 8957, 120) == 120 * 2687


def test_P4_seed_figures_5_1_million_collected_1_04_million_surplus_means_4_06_million_spent():
    collected = yuan_to_fen("5100000")
    # 15 repairs adding up to the ¥4.06 M the seed figures imply
    repairs = [yuan_to_fen("270666.67")] * 14 + [yuan_to_fen("4060000") - 14 * yuan_to_fen("270666.67")]
    summary = summarise([collected], repairs)
    assert summary.repair_count == 15
    assert summary.repairs_paid_fen == 406_000_000
    assert summary.surplus_fen == yuan_to_fen("1040000")
    assert summary.income_fen == summary.repairs_paid_fen + summary.surplus_fen


def test_P4_repairs_cannot_exceed_income():
    with pytest.raises(FailedPrecondition) as caught:
        summarise([1000], [600, 401])
    assert (caught.value.field, caught.value.rule) == ("repairs_paid_fen", "P4")
    assert summarise([1000], [600, 400]).surplus_fen == 0


def test_P4_no_repairs_all_surplus():
    assert summarise([3000, 2687], []).surplus_fen == 5687


def test_P4_a_repair_is_paid_only_out_of_the_surplus():
    summary = summarise([10_000], [6_000])
    assert require_surplus_covers(summary, 4_000) == 4_000
    with pytest.raises(FailedPrecondition) as refusal:
        require_surplus_covers(summary, 4_001)
    assert refusal.value.field == "amount_fen"
