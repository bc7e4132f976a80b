"""The complaints service's own gauges (``wuye_business``): open and overdue cases by tier.

A case is open until it is closed or rejected; it is overdue while it is open past the deadline of the
step it waits for: acceptance (C2) before it is accepted, resolution (C3) once dispatched and unresolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.metrics import BusinessGauge, Labels, count_by
from wuye_complaints.adapters.orm import cases
from wuye_complaints.domain.vocabulary import CaseState, Tier

#: the open states named (not "neither closed nor rejected"), so the index on state reads only open cases
_open = cases.c.state.in_([state.value for state in CaseState if state not in (CaseState.CLOSED, CaseState.REJECTED)])


async def _by_tier(session: AsyncSession, condition: sa.ColumnElement[bool]) -> Sequence[tuple[Labels, float]]:
    return await count_by(session, cases.c.tier, condition, (tier.value for tier in Tier))


async def open_cases(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
    return await _by_tier(session, _open)


async def overdue_cases(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
    now = dt.datetime.now(dt.UTC)
    waits_for_acceptance = sa.and_(cases.c.accepted_at.is_(None), cases.c.accept_due_at < now)
    waits_for_resolution = sa.and_(
        cases.c.resolved_at.is_(None), cases.c.resolve_due_at.is_not(None), cases.c.resolve_due_at < now
    )
    return await _by_tier(session, sa.and_(_open, sa.or_(waits_for_acceptance, waits_for_resolution)))


GAUGES = (
    BusinessGauge("open_cases", "cases not yet closed or rejected, by tier", open_cases),
    BusinessGauge("overdue_cases", "open cases past the deadline of the step they wait for, by tier", overdue_cases),
)
