"""E5 figures for a jurisdiction, optionally one department, over a period of local (Asia/Shanghai) days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.db import utcnow
from wuye_chassis.validation import optional_text
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.adapters import figures
from wuye_enforcement.domain.figures import EnforcementCounts, EnforcementRates, rates
from wuye_enforcement.service.inspections import READERS, parse_period, scoped_path


@dataclass(frozen=True)
class Figures:
    counts: EnforcementCounts
    rates: EnforcementRates


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


class FigureService:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def figures(self, *, jurisdiction_path: str, department: str, start_date: str, end_date: str) -> Figures:
        auth.require_role(READERS, action="read enforcement figures")
        path = scoped_path(jurisdiction_path, action="read enforcement figures")
        start, end = parse_period(start_date, end_date, rule="E5")
        scope = figures.FigureScope(
            path=path,
            department=optional_text(department, field="department", rule="E5", max_length=40),
            start=_local_midnight(start),
            end=_local_midnight(end),
        )
        async with self.runtime.db.sessions() as session:
            counts = await figures.counts(session, scope, utcnow())
        return Figures(counts, rates(counts))
