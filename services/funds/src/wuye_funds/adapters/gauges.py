"""The funds service's own gauges (``wuye_business``): owners' votes open now."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.metrics import BusinessGauge, Labels
from wuye_funds.adapters.orm import votes
from wuye_funds.domain.voting import VoteState


async def open_votes(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
    count = await session.scalar(sa.select(sa.func.count()).where(votes.c.state == VoteState.OPEN.value))
    return [({}, float(count or 0))]


GAUGES = (BusinessGauge("open_votes", "owners' votes open now", open_votes),)
