"""The counts behind the figures (C4, C5), counted in SQL: one grouped scan per question, never a case
loaded into Python. What the counts mean (rates, shares, targets) is ``domain.rates``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.path_queries import at_or_below
from wuye_complaints.adapters.orm import case_callbacks, cases
from wuye_complaints.domain.rates import CallbackCounts
from wuye_complaints.domain.vocabulary import Satisfaction, Tier


@dataclass(frozen=True)
class FigureScope:
    path: JurisdictionPath
    start: dt.datetime  # inclusive, UTC
    end: dt.datetime  # exclusive, UTC
    category: str | None
    company_id: str | None


@dataclass(frozen=True)
class ClosedCounts:
    by_tier: dict[Tier, int]
    overdue: int
    handled: int  # closed cases with a handling time
    handling_working_days: int  # their sum


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _filters(table: sa.Table, scope: FigureScope, moment: sa.Column) -> list[sa.ColumnElement[bool]]:
    where = [at_or_below(table.c.jurisdiction_path, str(scope.path)), moment >= scope.start, moment < scope.end]
    if scope.category is not None:
        where.append(table.c.category == scope.category)
    if scope.company_id is not None:
        where.append(table.c.company_id == scope.company_id)
    return where


def submitted_filters(scope: FigureScope) -> list[sa.ColumnElement[bool]]:
    """The cases submitted in the scope and period."""
    return _filters(cases, scope, cases.c.submitted_at)


class FigureCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def submitted(self, scope: FigureScope) -> int:
        query = sa.select(sa.func.count()).select_from(cases).where(*submitted_filters(scope))
        return int(await self.session.scalar(query) or 0)

    async def closed(self, scope: FigureScope) -> ClosedCounts:
        query = (
            sa.select(
                cases.c.tier,
                sa.func.count(),
                _count_if(cases.c.resolved_late),
                sa.func.count(cases.c.handling_working_days),
                sa.func.coalesce(sa.func.sum(cases.c.handling_working_days), 0),
            )
            .where(*_filters(cases, scope, cases.c.closed_at))
            .group_by(cases.c.tier)
        )
        by_tier: dict[Tier, int] = {}
        overdue = handled = days = 0
        for tier, count, late, with_time, time_sum in (await self.session.execute(query)).all():
            by_tier[Tier(tier)] = int(count)
            overdue, handled, days = overdue + int(late), handled + int(with_time), days + int(time_sum)
        return ClosedCounts(by_tier, overdue, handled, days)

    async def callbacks(self, scope: FigureScope) -> CallbackCounts:
        """C5 over cases, not callback rows: each case counts once, by its final callback in the period (a
        case unsatisfied, reopened and then satisfied is one satisfied case)."""
        final = (
            sa.select(case_callbacks.c.case_id, sa.func.max(case_callbacks.c.position).label("position"))
            .where(*_filters(case_callbacks, scope, case_callbacks.c.at))
            .group_by(case_callbacks.c.case_id)
            .subquery("final")
        )
        valid = case_callbacks.c.valid.is_(True)
        query = sa.select(
            _count_if(valid),
            _count_if(sa.and_(valid, case_callbacks.c.contacted.is_(True))),
            _count_if(sa.and_(valid, case_callbacks.c.solved.is_(True))),
            _count_if(sa.and_(valid, case_callbacks.c.satisfaction == Satisfaction.SATISFIED.value)),
            _count_if(sa.and_(valid, case_callbacks.c.satisfaction == Satisfaction.BASICALLY_SATISFIED.value)),
        ).select_from(
            case_callbacks.join(
                final,
                sa.and_(case_callbacks.c.case_id == final.c.case_id, case_callbacks.c.position == final.c.position),
            )
        )
        row = (await self.session.execute(query)).one()
        return CallbackCounts(*(int(value) for value in row))
