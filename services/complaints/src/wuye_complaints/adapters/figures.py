"""The counts behind the figures (C4, C5), counted in SQL, never a case loaded into Python. What the counts
mean (rates, shares, targets) is ``domain.rates``.

A place's figures over every case are sums over the daily counters (``figures_daily_*``), which the case
repository keeps in the transaction that changes a case (``FigureChanges``): a county's half year reads
a few thousand counter rows however many cases it holds. Figures of one category or one company are
counted over the cases and callbacks themselves, one grouped scan per question (``FigureCounts``
answers both ways alike, and the tests hold the two to each other). ``rebuild`` recounts the counters
from the cases (the migration that added them, and ``python -m wuye_complaints rebuild-figures``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.aggregates import count_if, total
from wuye_chassis.db import accumulate, local_date
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.periods import Period, local_day
from wuye_complaints.adapters.orm import (
    case_callbacks,
    cases,
    figures_daily_callbacks,
    figures_daily_closed,
    figures_daily_submitted,
)
from wuye_complaints.domain.case import Callback
from wuye_complaints.domain.rates import CallbackCounts
from wuye_complaints.domain.vocabulary import Satisfaction, Tier

#: ``superseded_on`` of a case's latest callback, which no callback has followed yet
NOT_SUPERSEDED = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class FigureScope:
    path: JurisdictionPath
    period: Period
    category: str | None
    company_id: str | None

    @property
    def start(self) -> dt.datetime:
        return self.period.start

    @property
    def end(self) -> dt.datetime:
        return self.period.end

    @property
    def every_case(self) -> bool:
        """Whether the scope is all of a place's cases, which the daily counters answer."""
        return self.category is None and self.company_id is None


@dataclass(frozen=True)
class ClosedCounts:
    by_tier: dict[Tier, int]
    overdue: int
    handled: int  # closed cases with a handling time
    handling_working_days: int  # their sum



def _closed_counts() -> list[sa.ColumnElement[int]]:
    """Over closed cases: how many, resolved late, with a handling time, and its sum (the closed counters)."""
    return [sa.func.count(), count_if(cases.c.resolved_late), sa.func.count(cases.c.handling_working_days),
            total(cases.c.handling_working_days)]


def _answer_counts(callback: sa.ColumnCollection[str, Any]) -> list[sa.ColumnElement[int]]:
    """Over callbacks: the valid ones, and of those contacted, solved, satisfied, basically satisfied (C5)."""
    valid = callback.valid.is_(True)
    return [
        count_if(valid),
        count_if(sa.and_(valid, callback.contacted.is_(True))),
        count_if(sa.and_(valid, callback.solved.is_(True))),
        count_if(sa.and_(valid, callback.satisfaction == Satisfaction.SATISFIED.value)),
        count_if(sa.and_(valid, callback.satisfaction == Satisfaction.BASICALLY_SATISFIED.value)),
    ]


def _counts_of(table: sa.Table) -> list[sa.Column[Any]]:
    """A counter table's counts: every column outside its key."""
    return [column for column in table.columns if not column.primary_key]


def _filters(table: sa.Table, scope: FigureScope, moment: sa.Column) -> list[sa.ColumnElement[bool]]:
    where = [at_or_below(table.c.jurisdiction_path, str(scope.path)), moment >= scope.start, moment < scope.end]
    if scope.category is not None:
        where.append(table.c.category == scope.category)
    if scope.company_id is not None:
        where.append(table.c.company_id == scope.company_id)
    return where


def _days(table: sa.Table, scope: FigureScope) -> list[sa.ColumnElement[bool]]:
    return [at_or_below(table.c.jurisdiction_path, str(scope.path)),
            table.c.day >= scope.period.first, table.c.day <= scope.period.last]


def submitted_filters(scope: FigureScope) -> list[sa.ColumnElement[bool]]:
    """The cases submitted in the scope and period."""
    return _filters(cases, scope, cases.c.submitted_at)


class FigureCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def submitted(self, scope: FigureScope) -> int:
        if scope.every_case:
            daily = figures_daily_submitted
            query = sa.select(total(daily.c.submitted)).where(*_days(daily, scope))
        else:
            query = sa.select(sa.func.count()).select_from(cases).where(*submitted_filters(scope))
        return int(await self.session.scalar(query) or 0)

    async def closed(self, scope: FigureScope) -> ClosedCounts:
        if scope.every_case:
            daily = figures_daily_closed
            query = (
                sa.select(daily.c.tier, *(total(count) for count in _counts_of(daily)))
                .where(*_days(daily, scope)).group_by(daily.c.tier)
            )
        else:
            query = (
                sa.select(cases.c.tier, *_closed_counts())
                .where(*_filters(cases, scope, cases.c.closed_at))
                .group_by(cases.c.tier)
            )
        by_tier: dict[Tier, int] = {}
        overdue = handled = days = 0
        for tier, count, late, with_time, time_sum in (await self.session.execute(query)).all():
            if count:
                by_tier[Tier(tier)] = int(count)
            overdue, handled, days = overdue + int(late), handled + int(with_time), days + int(time_sum)
        return ClosedCounts(by_tier, overdue, handled, days)

    async def callbacks(self, scope: FigureScope) -> CallbackCounts:
        """C5 over cases, not callback rows: each case counts once, by its final callback in the period (a
        case unsatisfied, reopened and then satisfied is one satisfied case), where that callback was made."""
        if scope.every_case:
            daily = figures_daily_callbacks
            query = sa.select(*(total(count) for count in _counts_of(daily))).where(
                *_days(daily, scope), daily.c.superseded_on > scope.period.last)
        else:
            callback, later = case_callbacks.c, case_callbacks.alias("later").c
            query = sa.select(*_answer_counts(callback)).where(
                *_filters(case_callbacks, scope, callback.at),
                # the case's final callback in the period: none of its later ones falls before the period ends
                ~sa.exists().where(later.case_id == callback.case_id, later.position > callback.position,
                                   later.at < scope.end),
            )
        row = (await self.session.execute(query)).one()
        return CallbackCounts(*(int(value) for value in row))

    async def rebuild(self) -> None:
        """Recount every daily counter from the cases, in the caller's transaction."""
        for statement in rebuild():
            await self.session.execute(statement)


# --- keeping the daily counters -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedFigure:
    """What one closed case adds to the closed counters."""

    jurisdiction_path: str
    day: dt.date
    tier: str
    resolved_late: bool
    handling_working_days: int | None


def closed_figure(values: Mapping[Any, Any]) -> ClosedFigure | None:
    """A case's part of the closed counters, from its stored column values; None while it is not closed."""
    closed_at = values["closed_at"]
    if closed_at is None:
        return None
    assert isinstance(closed_at, dt.datetime)
    days = values["handling_working_days"]
    return ClosedFigure(str(values["jurisdiction_path"]), local_day(closed_at), str(values["tier"]),
                        bool(values["resolved_late"]), None if days is None else int(days))


def _callback_counts(callback: Callback) -> dict[str, int]:
    valid = callback.valid
    return {
        "valid": int(valid),
        "contacted": int(valid and bool(callback.contacted)),
        "solved": int(valid and bool(callback.solved)),
        "satisfied": int(valid and callback.satisfaction is Satisfaction.SATISFIED),
        "basically_satisfied": int(valid and callback.satisfaction is Satisfaction.BASICALLY_SATISFIED),
    }


class FigureChanges:
    """The counter changes of one unit of work, summed per counter row and written at its commit in key
    order, so that concurrent transactions lock the shared rows in one order and hold them briefly."""

    def __init__(self) -> None:
        self._changes: dict[sa.Table, dict[tuple[object, ...], dict[str, int]]] = defaultdict(dict)

    def _add(self, table: sa.Table, key: tuple[object, ...], counts: dict[str, int], sign: int) -> None:
        row = self._changes[table].setdefault(key, dict.fromkeys(counts, 0))
        for name, count in counts.items():
            row[name] += sign * count

    def submitted(self, jurisdiction_path: str, moment: dt.datetime) -> None:
        self._add(figures_daily_submitted, (jurisdiction_path, local_day(moment)), {"submitted": 1}, 1)

    def closed(self, before: ClosedFigure | None, after: ClosedFigure | None) -> None:
        """A case's part moves from what it was to what it is (closed, reopened, closed again)."""
        if before == after:
            return
        for figure, sign in ((before, -1), (after, 1)):
            if figure is not None:
                self._add(figures_daily_closed, (figure.jurisdiction_path, figure.day, figure.tier), {
                    "closed": 1, "resolved_late": int(figure.resolved_late),
                    "handled": int(figure.handling_working_days is not None),
                    "handling_working_days": figure.handling_working_days or 0,
                }, sign)

    def callback(self, jurisdiction_path: str, callback: Callback, previous: tuple[str, Callback] | None) -> None:
        """A new callback counts as its case's latest; the one before it (with the path it was made at) is
        from now on superseded on the new one's day."""
        day = local_day(callback.at)
        if previous is not None:
            previous_path, earlier = previous
            counts, earlier_day = _callback_counts(earlier), local_day(earlier.at)
            self._add(figures_daily_callbacks, (previous_path, earlier_day, NOT_SUPERSEDED), counts, -1)
            self._add(figures_daily_callbacks, (previous_path, earlier_day, day), counts, 1)
        self._add(figures_daily_callbacks, (jurisdiction_path, day, NOT_SUPERSEDED), _callback_counts(callback), 1)

    async def write(self, session: AsyncSession) -> None:
        for table in (figures_daily_submitted, figures_daily_closed, figures_daily_callbacks):
            keys = [column.name for column in table.primary_key.columns]
            changes = self._changes.pop(table, {})
            rows = [{**dict(zip(keys, key)), **counts} for key, counts in sorted(changes.items(), key=_order)
                    if any(counts.values())]
            await accumulate(session, table, rows)


def _order(item: tuple[tuple[object, ...], dict[str, int]]) -> tuple[str, ...]:
    return tuple(str(part) for part in item[0])


# --- recounting the counters from the cases -------------------------------------------------------------


def rebuild() -> list[sa.Executable]:
    """The statements that recount every daily counter from the cases and callbacks, in order (one
    transaction; the migration that added the counters runs them, and so does ``rebuild-figures``)."""
    submitted_day = local_date(cases.c.submitted_at)
    closed_day = local_date(cases.c.closed_at)
    callback = case_callbacks.c
    following = (
        sa.select(
            callback.jurisdiction_path, local_date(callback.at).label("day"),
            sa.func.coalesce(
                local_date(sa.func.lead(callback.at).over(partition_by=callback.case_id, order_by=callback.position)),
                NOT_SUPERSEDED,
            ).label("superseded_on"),
            callback.valid, callback.contacted, callback.solved, callback.satisfaction,
        ).subquery("following")
    )
    return [
        *(table.delete() for table in (figures_daily_submitted, figures_daily_closed, figures_daily_callbacks)),
        figures_daily_submitted.insert().from_select(
            list(figures_daily_submitted.columns),
            sa.select(cases.c.jurisdiction_path, submitted_day, sa.func.count())
            .group_by(cases.c.jurisdiction_path, submitted_day),
        ),
        figures_daily_closed.insert().from_select(
            list(figures_daily_closed.columns),
            sa.select(cases.c.jurisdiction_path, closed_day, cases.c.tier, *_closed_counts())
            .where(cases.c.closed_at.is_not(None)).group_by(cases.c.jurisdiction_path, closed_day, cases.c.tier),
        ),
        figures_daily_callbacks.insert().from_select(
            list(figures_daily_callbacks.columns),
            sa.select(
                following.c.jurisdiction_path, following.c.day, following.c.superseded_on,
                *_answer_counts(following.c),
            ).group_by(following.c.jurisdiction_path, following.c.day, following.c.superseded_on),
        ),
    ]
