"""Disclosure snapshots: stored once as published, read back unchanged."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from google.protobuf import json_format
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_funds.adapters.orm import disclosures


async def exists(session: AsyncSession, compound_id: str, period: str) -> bool:
    query = sa.select(disclosures.c.disclosure_id).where(
        disclosures.c.compound_id == compound_id, disclosures.c.period == period
    )
    return (await session.execute(query)).first() is not None


async def add(session: AsyncSession, disclosure: funds_pb2.Disclosure) -> None:
    await session.execute(
        disclosures.insert().values(
            disclosure_id=disclosure.disclosure_id,
            compound_id=disclosure.compound_id,
            period=disclosure.period,
            published_at=disclosure.published_at.ToDatetime(tzinfo=dt.UTC),
            snapshot=json_format.MessageToJson(disclosure),
        )
    )


async def latest(session: AsyncSession, compound_id: str) -> funds_pb2.Disclosure | None:
    query = (
        sa.select(disclosures.c.snapshot)
        .where(disclosures.c.compound_id == compound_id)
        .order_by(disclosures.c.disclosure_id.desc())
        .limit(1)
    )
    snapshot = (await session.execute(query)).scalar()
    return None if snapshot is None else json_format.Parse(snapshot, funds_pb2.Disclosure())
