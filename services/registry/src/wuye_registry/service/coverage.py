"""The O6 coverage handler: counted in SQL, turned into figures by the domain formulas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_chassis.validation import optional_iso_date
from wuye_registry.domain import commands
from wuye_registry.domain.coverage import CoverageCounts, CoverageFigures, coverage_figures
from wuye_registry.service import access
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


@dataclass(frozen=True)
class Coverage:
    jurisdiction_path: str
    as_of: dt.date
    counts: CoverageCounts
    figures: CoverageFigures


async def get_coverage(query: commands.GetCoverage, uow: RegistryUnitOfWork) -> Coverage:
    as_of = optional_iso_date(query.as_of, field="as_of") or access.today()
    async with uow.reading():
        place = await access.jurisdiction(uow, query.jurisdiction_code, field="jurisdiction_code", action="read coverage")
        counts = await uow.coverage.counts(str(place.path), as_of=as_of)
    return Coverage(str(place.path), as_of, counts, coverage_figures(counts))
