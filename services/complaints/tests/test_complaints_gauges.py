"""The service's own gauges (wuye_business): open and overdue cases by tier, every tier reported."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from wuye_complaints.adapters.gauges import open_cases, overdue_cases
from wuye_complaints.adapters.orm import cases

from .conftest import Complaints


async def sampled(complaints: Complaints) -> tuple[dict[str, float], dict[str, float]]:
    async with complaints.app.runtime.db.reads() as session:
        opened = {labels["tier"]: value for labels, value in await open_cases(session)}
        overdue = {labels["tier"]: value for labels, value in await overdue_cases(session)}
    return opened, overdue


async def test_gauges_count_open_and_overdue_cases_by_tier_with_zero_for_an_empty_tier(complaints: Complaints) -> None:
    assert await sampled(complaints) == ({"community": 0, "street": 0, "county": 0},) * 2

    waiting = (await complaints.submit()).case
    dispatched = await complaints.dispatched(description="5号楼漏水")
    await complaints.closed(description="绿化带垃圾")
    opened, overdue = await sampled(complaints)
    assert opened == {"community": 2, "street": 0, "county": 0}  # the closed case is not open
    assert overdue == {"community": 0, "street": 0, "county": 0}

    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    async with complaints.app.runtime.db.sessions() as session, session.begin():
        await session.execute(sa.update(cases).where(cases.c.case_id == waiting.case_id).values(accept_due_at=past))
        await session.execute(sa.update(cases).where(cases.c.case_id == dispatched.case_id).values(resolve_due_at=past))
    assert (await sampled(complaints))[1] == {"community": 2, "street": 0, "county": 0}
