import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_enforcement.domain.figures import EnforcementCounts, rates, tally

NOW = dt.datetime(2026, 9, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_E5_rectification_rate_seed_figures():
    # seed 001: 96 illegal constructions found, 94 dealt with
    figures = rates(EnforcementCounts(problems_found=96, rectified=94))
    assert figures.rectification == Fraction(94, 96)
    assert figures.overdue == 0
    assert figures.problems_per_item is None


def test_E5_zero_denominators_give_none():
    figures = rates(EnforcementCounts())
    assert (figures.rectification, figures.overdue, figures.problems_per_item) == (None, None, None)


def test_E5_rates_exact():
    figures = rates(EnforcementCounts(inspections=3, items_checked=30, problems_found=9, rectified=6, overdue=3))
    assert (figures.rectification, figures.overdue, figures.problems_per_item) == (
        Fraction(2, 3),
        Fraction(1, 3),
        Fraction(3, 10),
    )


@pytest.mark.parametrize("field", ["inspections", "items_checked", "problems_found", "rectified", "overdue", "visits_saved"])
def test_E5_negative_count_refused(field):
    with pytest.raises(InvalidArgument) as refused:
        EnforcementCounts(**{field: -1})
    assert (refused.value.field, refused.value.rule) == (field, "E5")


def test_E5_rectified_and_overdue_cannot_exceed_problems_found():
    EnforcementCounts(problems_found=96, rectified=94, overdue=2)
    with pytest.raises(InvalidArgument) as refused:
        EnforcementCounts(problems_found=96, rectified=94, overdue=3)
    assert (refused.value.field, refused.value.rule) == ("rectified", "E5")


def test_E5_counts_of_two_periods_add_up():
    total = EnforcementCounts(problems_found=50, rectified=49) + EnforcementCounts(problems_found=46, rectified=45)
    assert total == EnforcementCounts(problems_found=96, rectified=94)


def test_E5_tally_over_inspections_and_orders(completed_inspection, new_order):
    inspection, _ = completed_inspection({"FR-01": "major", "UM-01": "minor"})
    on_time = new_order()
    late = new_order(order_id="order-2")
    on_time.record_recheck(inspection_id="follow-up-1", passed=True, now=on_time.deadline)
    after_deadline = late.deadline + dt.timedelta(seconds=1)
    counts = tally([inspection], [on_time, late], after_deadline)
    assert counts == EnforcementCounts(
        inspections=1, items_checked=4, problems_found=2, rectified=1, overdue=1, visits_saved=2
    )
    assert rates(counts).rectification == Fraction(1, 2)
    assert tally([inspection], [on_time, late], late.deadline).overdue == 0
