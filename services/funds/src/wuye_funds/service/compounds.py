"""A compound's funds settings: where it lies (for scoping) and its V5 follow-the-majority setting."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import compounds as repository

#: roles that manage a compound's funds and run its votes (inside their own scope)
MANAGERS = ("community_worker", "street_officer", "county_officer", "city_admin")


async def configure(uow: UnitOfWork, compound: funds_pb2.Compound) -> funds_pb2.Compound:
    auth.require_role(MANAGERS, action="configure a compound's funds")
    settings = funds_pb2.Compound(
        compound_id=require_text(compound.compound_id, field="compound.compound_id", max_length=64),
        jurisdiction_path=str(
            JurisdictionPath.parse(compound.jurisdiction_path, field="compound.jurisdiction_path")
        ),
        follow_majority=compound.follow_majority,
    )
    auth.require_access(settings.jurisdiction_path, action="configure a compound's funds")
    async with uow:
        existing = await repository.get(uow.session, settings.compound_id)
        if existing is not None:
            # moving a compound out of the caller's scope would be a way round the scope check
            auth.require_access(existing["jurisdiction_path"], action="configure a compound's funds")
        await repository.save(uow.session, settings)
        await uow.commit()
    return settings


async def compound_in_scope(session: AsyncSession, compound_id: str, *, action: str) -> sa.RowMapping:
    """The compound's settings row, once the caller's scope is known to cover it."""
    require_text(compound_id, field="compound_id", max_length=64)
    row = await repository.get(session, compound_id)
    if row is None:
        raise NotFound(f"compound {compound_id} has no funds settings", field="compound_id")
    auth.require_access(row["jurisdiction_path"], action=action)
    return row


async def get(session: AsyncSession, compound_id: str) -> funds_pb2.Compound:
    return repository.to_message(await compound_in_scope(session, compound_id, action="read a compound's funds"))
