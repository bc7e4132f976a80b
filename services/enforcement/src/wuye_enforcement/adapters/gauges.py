"""The enforcement service's own gauges (``wuye_business``): rectification orders open and overdue.

An order is open until it is rectified; it is overdue once its deadline has passed unrectified, whether or
not the overdue sweep has marked it yet (E4) — the gauge shows what the sweep will find.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.metrics import BusinessGauge, Labels, count_by
from wuye_enforcement.adapters.orm import rectification_orders as orders
from wuye_enforcement.domain.rectification import OrderState
from wuye_enforcement.domain.vocabulary import Severity

_open = orders.c.state != OrderState.RECTIFIED.value


async def _by_severity(session: AsyncSession, condition: sa.ColumnElement[bool]) -> Sequence[tuple[Labels, float]]:
    return await count_by(session, orders.c.severity, condition, (severity.value for severity in Severity))


async def open_orders(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
    return await _by_severity(session, _open)


async def overdue_orders(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
    return await _by_severity(session, sa.and_(_open, orders.c.deadline < dt.datetime.now(dt.UTC)))


GAUGES = (
    BusinessGauge("open_orders", "rectification orders not yet rectified, by severity", open_orders),
    BusinessGauge("overdue_orders", "unrectified orders past their deadline, by severity", overdue_orders),
)
