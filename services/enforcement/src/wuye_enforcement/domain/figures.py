"""Enforcement figures (E5) as exact formulas over counts; a rate over nothing is ``None``, never 0 or 100 %.

Counts, for one jurisdiction, department or period:

- inspections: completed inspections (one per compound visited);
- items checked: their passed and failed lines (not-applicable lines were not checked);
- problems found: their findings;
- rectified: orders rectified (on time, late, or as the outcome of an escalation);
- overdue: orders overdue and not yet escalated (``rectification.overdue_orders``);
- visits saved: per completed inspection, its departments minus the one joint visit.

Rates: rectification = rectified ÷ problems found (seed 001: 94 of 96 illegal constructions dealt with
→ 94/96); overdue = overdue ÷ problems found; problems per item = problems found ÷ items checked.

The service counts in SQL for large periods; ``tally`` fixes what each count means over domain objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import require_count
from wuye_enforcement.domain.inspections import Inspection, InspectionState
from wuye_enforcement.domain.rectification import OrderState, RectificationOrder, overdue_orders


@dataclass(frozen=True)
class EnforcementCounts:
    inspections: int = 0
    items_checked: int = 0
    problems_found: int = 0
    rectified: int = 0
    overdue: int = 0
    visits_saved: int = 0

    def __post_init__(self) -> None:
        for count in fields(self):
            require_count(getattr(self, count.name), field=count.name, rule="E5")
        if self.rectified + self.overdue > self.problems_found:
            # a problem is rectified or overdue, never both, and only a found problem is either
            raise InvalidArgument(
                f"rectified ({self.rectified}) + overdue ({self.overdue}) cannot exceed "
                f"problems_found ({self.problems_found})",
                field="rectified",
                rule="E5",
            )

    def __add__(self, other: EnforcementCounts) -> EnforcementCounts:
        """Counts of two disjoint groups (two periods, two counties) added up."""
        return EnforcementCounts(
            **{count.name: getattr(self, count.name) + getattr(other, count.name) for count in fields(self)}
        )


@dataclass(frozen=True)
class EnforcementRates:
    rectification: Fraction | None
    overdue: Fraction | None
    problems_per_item: Fraction | None


def rate(part: int, whole: int) -> Fraction | None:
    return None if whole == 0 else Fraction(part, whole)


def rates(counts: EnforcementCounts) -> EnforcementRates:
    return EnforcementRates(
        rectification=rate(counts.rectified, counts.problems_found),
        overdue=rate(counts.overdue, counts.problems_found),
        problems_per_item=rate(counts.problems_found, counts.items_checked),
    )


def tally(
    inspections: Iterable[Inspection], orders: Iterable[RectificationOrder], now: dt.datetime
) -> EnforcementCounts:
    """The counts over some inspections and the orders issued on their findings, as they stand at ``now``."""
    completed = [inspection for inspection in inspections if inspection.state is InspectionState.COMPLETED]
    order_list = list(orders)
    return EnforcementCounts(
        inspections=len(completed),
        items_checked=sum(inspection.items_checked for inspection in completed),
        problems_found=sum(len(inspection.findings) for inspection in completed),
        rectified=sum(1 for order in order_list if order.state is OrderState.RECTIFIED),
        overdue=len(overdue_orders(order_list, now)),
        visits_saved=sum(inspection.separate_visits_saved for inspection in completed),
    )
