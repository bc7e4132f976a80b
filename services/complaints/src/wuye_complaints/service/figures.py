"""The figures handler for a jurisdiction and period (C4, C5): SQL counts fed into the domain's rates."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from wuye_chassis import auth
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.periods import parse_period
from wuye_chassis.validation import optional_text
from wuye_complaints.adapters.figures import FigureScope
from wuye_complaints.domain import commands
from wuye_complaints.domain.rates import (
    CallbackCounts,
    Rates,
    TierSplit,
    meets_year_on_year_target,
    rates,
    tier_split,
    year_on_year_change,
)
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork

FIGURE_READERS = ("community_worker", "street_officer", "county_officer", "auditor", "city_admin")
#: a longer period would be a different question (trend), and an unbounded one a full-table scan
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Figures:
    submitted: int
    submitted_last_year: int
    year_on_year_change: Fraction | None
    meets_year_on_year_target: bool | None
    closed: int
    closed_overdue: int
    callbacks: CallbackCounts
    rates: Rates
    tier_split: TierSplit | None
    average_handling_working_days: Fraction | None


async def rebuild_figures(uow: ComplaintsUnitOfWork) -> None:
    """Recount the daily figure counters from the cases (after restoring or correcting case rows by hand)."""
    auth.require_role((auth.SYSTEM_ROLE,), action="recount the complaint figures")
    async with uow:
        await uow.figures.rebuild()
        await uow.commit()


async def get_complaint_figures(query: commands.GetComplaintFigures, uow: ComplaintsUnitOfWork) -> Figures:
    auth.require_role(FIGURE_READERS, action="read complaint figures")
    path = JurisdictionPath.parse(query.jurisdiction_path)
    auth.require_access(str(path), action="read complaint figures")
    period = parse_period(query.start_date, query.end_date, max_days=MAX_PERIOD_DAYS)
    scope = FigureScope(
        path=path,
        period=period,
        category=None if not query.category.strip() else uow.catalogue.get(query.category).code,
        company_id=optional_text(query.company_id, field="company_id", max_length=64),
    )
    last_year = replace(scope, period=period.a_year_before())
    async with uow.reading():
        submitted = await uow.figures.submitted(scope)
        submitted_before = await uow.figures.submitted(last_year)
        closed = await uow.figures.closed(scope)
        answered = await uow.figures.callbacks(scope)
    closed_total = sum(closed.by_tier.values())
    return Figures(
        submitted=submitted,
        submitted_last_year=submitted_before,
        year_on_year_change=year_on_year_change(submitted, submitted_before),
        meets_year_on_year_target=meets_year_on_year_target(submitted, submitted_before),
        closed=closed_total,
        closed_overdue=closed.overdue,
        callbacks=answered,
        rates=rates(answered),
        tier_split=tier_split(closed.by_tier),
        average_handling_working_days=(
            Fraction(closed.handling_working_days, closed.handled) if closed.handled else None
        ),
    )
