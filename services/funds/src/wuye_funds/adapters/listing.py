"""The console's queues: a table's rows of every compound at or below a jurisdiction, newest first, in pages."""

from __future__ import annotations

import sqlalchemy as sa

from wuye_chassis.jurisdiction import scope_like_pattern


def newest_under(table: sa.Table, key: sa.Column[str], path: str, *, state: str | None, before: str | None,
                 limit: int) -> sa.Select[tuple[object, ...]]:
    """Rows whose ``jurisdiction_path`` is ``path`` or below it (in ``state`` when given), by the UUIDv7
    ``key`` newest first, those older than ``before`` only when given."""
    paths = table.c.jurisdiction_path
    query = (
        sa.select(table).where(sa.or_(paths == path, paths.like(scope_like_pattern(path))))
        .order_by(key.desc()).limit(limit)
    )
    if state is not None:
        query = query.where(table.c.state == state)
    if before is not None:
        query = query.where(key < before)
    return query
