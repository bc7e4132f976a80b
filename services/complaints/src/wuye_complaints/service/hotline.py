"""Handlers for the hotline analysis (H1) and a compound's service list (H2)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.periods import Period, parse_period
from wuye_chassis.validation import require_text
from wuye_complaints.adapters.figures import FigureScope
from wuye_complaints.domain import commands
from wuye_complaints.domain.hotline import (
    DEFAULT_TOP,
    MAX_TOP,
    Count,
    ServiceListItem,
    breakdown,
    most_frequent,
    service_list,
    top,
)
from wuye_complaints.domain.rates import year_on_year_change
from wuye_complaints.service.figures import FIGURE_READERS, MAX_PERIOD_DAYS
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork


@dataclass(frozen=True)
class Hotspot:
    """A compound ranked by its complaints in the period, with its name and its most frequent problem."""

    line: Count
    compound_name: str
    top_category: str


@dataclass(frozen=True)
class HotlineAnalysis:
    period: Period
    total: int
    total_last_year: int
    by_category: list[Count]
    by_channel: list[Count]
    by_tier: list[Count]
    by_company: list[Count]
    top_problems: list[Count]
    hotspots: list[Hotspot]

    @property
    def change(self) -> Fraction | None:
        return year_on_year_change(self.total, self.total_last_year)


@dataclass(frozen=True)
class ServiceList:
    compound_id: str
    compound_name: str
    period: Period
    items: list[ServiceListItem]


def _limit(value: int) -> int:
    if not 0 <= value <= MAX_TOP:
        raise InvalidArgument(f"top must be between 1 and {MAX_TOP} (0 for {DEFAULT_TOP})", field="top", rule="H1")
    return value or DEFAULT_TOP


def _scopes(path: JurisdictionPath, period: Period) -> tuple[FigureScope, FigureScope]:
    """The period's scope and the same period a year before."""
    now = FigureScope(path=path, period=period, category=None, company_id=None)
    return now, replace(now, period=period.a_year_before())


async def get_hotline_analysis(query: commands.GetHotlineAnalysis, uow: ComplaintsUnitOfWork) -> HotlineAnalysis:
    auth.require_role(FIGURE_READERS, action="read the hotline analysis")
    path = JurisdictionPath.parse(query.jurisdiction_path)
    auth.require_access(str(path), action="read the hotline analysis")
    period = parse_period(query.start_date, query.end_date, rule="H1", max_days=MAX_PERIOD_DAYS)
    limit = _limit(query.top)
    now, before = _scopes(path, period)
    async with uow.reading():
        lines = {name: breakdown(await uow.hotline.by(now, name), await uow.hotline.by(before, name))
                 for name in ("category", "channel", "tier", "company", "compound")}
        hot = top(lines["compound"], limit)
        hot_ids = [line.key for line in hot]
        names = await uow.hotline.compound_names(hot_ids)
        categories_of = await uow.hotline.categories_of(now, hot_ids)
    hotspots = [Hotspot(line, names.get(line.key, ""), most_frequent(categories_of[line.key])) for line in hot]
    categories = lines["category"]
    return HotlineAnalysis(
        period=period,
        total=sum(line.count for line in categories),
        total_last_year=sum(line.last_year for line in categories),
        by_category=categories,
        by_channel=lines["channel"],
        by_tier=lines["tier"],
        by_company=top(lines["company"], limit),
        top_problems=top(categories, limit),
        hotspots=hotspots,
    )


async def get_service_list(query: commands.GetServiceList, uow: ComplaintsUnitOfWork) -> ServiceList:
    auth.require_role(FIGURE_READERS, action="read a compound's service list")
    compound_id = require_text(query.compound_id, field="compound_id", max_length=64)
    period = parse_period(query.start_date, query.end_date, rule="H2", max_days=MAX_PERIOD_DAYS)
    async with uow.reading():
        compound = await uow.compound(compound_id)
        auth.require_access(str(compound.jurisdiction_path), action="read a compound's service list")
        now, _ = _scopes(JurisdictionPath.parse(str(compound.jurisdiction_path)), period)
        items = service_list(await uow.hotline.held(now, compound_id), _limit(query.top))
        names = await uow.hotline.compound_names([compound_id])
    return ServiceList(compound_id, names.get(compound_id, ""), period, items)
