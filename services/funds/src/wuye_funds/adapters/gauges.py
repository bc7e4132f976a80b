"""The funds service's own gauges (``wuye_business``): owners' votes open now, and the compounds whose
disclosure is overdue (P3), per subject."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.metrics import BusinessGauge, Labels
from wuye_funds.adapters.disclosures import DisclosureRepository
from wuye_funds.adapters.orm import votes
from wuye_funds.domain.disclosure_schedule import Subject, overdue_disclosures
from wuye_funds.domain.voting import VoteState


async def open_votes(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
    count = await session.scalar(sa.select(sa.func.count()).where(votes.c.state == VoteState.OPEN.value))
    return [({}, float(count or 0))]


def overdue_disclosures_gauge(
    period_months: Mapping[Subject, int], clock: Callable[[], dt.datetime] = utcnow
) -> BusinessGauge:
    """Compounds with an overdue disclosure now, labelled by subject (every subject, zero included)."""

    async def sample(session: AsyncSession) -> Sequence[tuple[Labels, float]]:
        found = overdue_disclosures(await DisclosureRepository(session).schedules(None), period_months, clock())
        counts = Counter(item.overdue.subject for item in found)
        return [({"subject": subject.value}, float(counts[subject])) for subject in Subject]

    return BusinessGauge("overdue_disclosures", "compounds whose disclosure is overdue (P3), per subject", sample)


def gauges(period_months: Mapping[Subject, int]) -> tuple[BusinessGauge, ...]:
    return (BusinessGauge("open_votes", "owners' votes open now", open_votes), overdue_disclosures_gauge(period_months))
