"""SQL filters for "this jurisdiction and everything below it"."""

from __future__ import annotations

import sqlalchemy as sa

from wuye_chassis.jurisdiction import below_path_range


def within(column: sa.ColumnElement[str], path: str) -> sa.ColumnElement[bool]:
    """``column = path`` or below it, as an index range instead of ``LIKE 'path/%'``: SQLite's LIKE is
    case-insensitive and cannot use the index, while a byte-ordered range uses it on both backends."""
    low, high = below_path_range(path)
    return sa.or_(column == path, sa.and_(column >= low, column < high))
