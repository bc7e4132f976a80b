"""The service's own gauges (wuye_business): rectification orders open and overdue, by severity."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye_enforcement.adapters.gauges import open_orders, overdue_orders
from wuye_enforcement.adapters.orm import rectification_orders

from .conftest import Enforcement

NONE = {"minor": 0, "major": 0, "serious": 0}


async def sampled(enforcement: Enforcement) -> tuple[dict[str, float], dict[str, float]]:
    async with enforcement.app.runtime.db.reads() as session:
        opened = {labels["severity"]: value for labels, value in await open_orders(session)}
        overdue = {labels["severity"]: value for labels, value in await overdue_orders(session)}
    return opened, overdue


async def test_gauges_count_an_unrectified_order_as_open_and_as_overdue_once_its_deadline_passed(
    enforcement: Enforcement,
) -> None:
    assert await sampled(enforcement) == (NONE, NONE)
    inspection_id = await enforcement.inspected_with_failure()
    [order] = (await enforcement.complete(
        inspection_id, api.OrderSpec(item_code="FIRE-01", addressee=api.ADDRESSEE_COMPANY, deadline_working_days=5)
    )).orders
    assert await sampled(enforcement) == ({**NONE, "major": 1}, NONE)

    # the deadline passes before the overdue sweep has marked the order: the gauge already counts it
    async with enforcement.app.runtime.db.sessions() as session, session.begin():
        await session.execute(
            sa.update(rectification_orders).where(rectification_orders.c.order_id == order.order_id)
            .values(deadline=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
    assert await sampled(enforcement) == ({**NONE, "major": 1}, {**NONE, "major": 1})
