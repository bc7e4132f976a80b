"""Jurisdiction rows ⇄ protobuf messages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.common.v1 import common_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.errors import AlreadyExists
from wuye_registry.adapters.orm import jurisdictions


def to_message(row: sa.RowMapping) -> common_pb2.Jurisdiction:
    return common_pb2.Jurisdiction(
        code=row["code"],
        name=row["name"],
        level=row["level"],
        path=row["path"],
        parent_code=row["parent_code"] or "",
    )


async def get(session: AsyncSession, code: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(jurisdictions).where(jurisdictions.c.code == code))).mappings().first()


async def add(session: AsyncSession, jurisdiction: common_pb2.Jurisdiction) -> None:
    try:
        await session.execute(
            jurisdictions.insert().values(
                code=jurisdiction.code,
                name=jurisdiction.name,
                level=jurisdiction.level,
                path=jurisdiction.path,
                parent_code=jurisdiction.parent_code or None,
                created_at=utcnow(),
            )
        )
    except IntegrityError:
        # a concurrent registration of the same code won the race
        raise AlreadyExists(f"jurisdiction {jurisdiction.code} already exists", field="code") from None


async def children(
    session: AsyncSession, parent_code: str | None, after: str | None, limit: int
) -> list[sa.RowMapping]:
    query = sa.select(jurisdictions).order_by(jurisdictions.c.code).limit(limit)
    query = query.where(
        jurisdictions.c.parent_code.is_(None) if parent_code is None else jurisdictions.c.parent_code == parent_code
    )
    if after is not None:
        query = query.where(jurisdictions.c.code > after)
    return list((await session.execute(query)).mappings().all())


async def along_path(session: AsyncSession, path: str) -> list[common_pb2.Jurisdiction]:
    """The jurisdictions named by a path, from the city down."""
    codes = path.split("/")
    query = sa.select(jurisdictions).where(jurisdictions.c.code.in_(codes)).order_by(jurisdictions.c.level)
    return [to_message(row) for row in (await session.execute(query)).mappings()]
