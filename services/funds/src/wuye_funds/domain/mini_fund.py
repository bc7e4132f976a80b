"""Compound mini maintenance fund (小公维金, P4; seed 001).

Households pay a surcharge per m² per month on top of the property fee (e.g. 30 fen on a 130 fen fee);
the fund pays small repairs, and its income, repairs paid and surplus are published.

Rounding: each month's surcharge is billed on its own, so ``rate × area`` is rounded half up to the fen
once per month, and a period of several months is that monthly amount times the months; a collection from
several households is the sum of their own bills.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wuye_chassis.bounds import MAX_SURCHARGE_MONTHS
from wuye_chassis.errors import FailedPrecondition
from wuye_chassis.money import Fen, require_fen
from wuye_chassis.validation import require_whole
from wuye_funds.domain.arithmetic import per_m2_times_area, require_area


def monthly_surcharge_fen(rate_fen_per_m2_month: int, area_dm2: int) -> Fen:
    """One household's surcharge for one month, rounded half up to the fen."""
    rate = require_fen(rate_fen_per_m2_month, field="rate_fen_per_m2_month", rule="P4")
    return per_m2_times_area(rate, require_area(area_dm2, rule="P4"))


def surcharge_for_months(rate_fen_per_m2_month: int, area_dm2: int, months: int) -> Fen:
    return monthly_surcharge_fen(rate_fen_per_m2_month, area_dm2) * require_whole(
        months, field="months", rule="P4", minimum=1, maximum=MAX_SURCHARGE_MONTHS
    )


def surcharge_of_households(rate_fen_per_m2_month: int, areas_dm2: Iterable[int], months: int) -> Fen:
    """What a collection from several households brings in: each household's own bill, rounded to the fen
    on its own area, summed (not the rate times their total area, which no household is billed)."""
    return sum(surcharge_for_months(rate_fen_per_m2_month, area_dm2, months) for area_dm2 in areas_dm2)


@dataclass(frozen=True)
class MiniFundSummary:
    """What is published: income, repairs paid (count and total) and the surplus left."""

    income_fen: Fen
    repair_count: int
    repairs_paid_fen: Fen
    surplus_fen: Fen


def summarise(collections_fen: Iterable[Fen], repairs_paid_fen: Iterable[Fen]) -> MiniFundSummary:
    """The published summary; repairs can never have cost more than was collected."""
    income = sum(require_fen(amount, field="collections_fen", rule="P4") for amount in collections_fen)
    repairs = [require_fen(amount, field="repairs_paid_fen", rule="P4") for amount in repairs_paid_fen]
    paid = sum(repairs)
    if paid > income:
        raise FailedPrecondition(
            f"repairs paid ({paid} fen) exceed the income collected ({income} fen)", field="repairs_paid_fen", rule="P4"
        )
    return MiniFundSummary(
        income_fen=income, repair_count=len(repairs), repairs_paid_fen=paid, surplus_fen=income - paid
    )


def require_surplus_covers(summary: MiniFundSummary, amount_fen: Fen) -> Fen:
    """A repair is paid only out of the surplus: the fund never owes more than it collected."""
    amount = require_fen(amount_fen, field="amount_fen", rule="P4")
    if amount > summary.surplus_fen:
        raise FailedPrecondition(
            f"the mini fund's surplus is {summary.surplus_fen} fen, less than the repair's {amount} fen",
            field="amount_fen",
            rule="P4",
        )
    return amount
