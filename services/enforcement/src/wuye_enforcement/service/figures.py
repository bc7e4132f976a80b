"""The E5 figures handler for a jurisdiction, optionally one department, over a period of local
(Asia/Shanghai) days: SQL counts fed into the domain's rates."""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.periods import parse_period
from wuye_chassis.validation import optional_text
from wuye_enforcement.adapters.figures import FigureScope
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.figures import EnforcementCounts, EnforcementRates, rates
from wuye_enforcement.service.access import READERS, scoped_path
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork


@dataclass(frozen=True)
class Figures:
    counts: EnforcementCounts
    rates: EnforcementRates


async def get_enforcement_figures(query: commands.GetEnforcementFigures, uow: EnforcementUnitOfWork) -> Figures:
    auth.require_role(READERS, action="read enforcement figures")
    path = scoped_path(query.jurisdiction_path, action="read enforcement figures")
    period = parse_period(query.start_date, query.end_date, rule="E5")
    scope = FigureScope(
        path=path,
        department=optional_text(query.department, field="department", rule="E5", max_length=40),
        start=period.start,
        end=period.end,
    )
    async with uow.reading():
        counts = await uow.figures.counts(scope, utcnow())
    return Figures(counts, rates(counts))
