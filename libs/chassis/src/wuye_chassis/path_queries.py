"""SQL conditions over jurisdiction path columns (index-friendly, see ``jurisdiction.below_path_range``)."""

from __future__ import annotations

import sqlalchemy as sa

from wuye_chassis.jurisdiction import below_path_range


def at_or_below(column: sa.ColumnElement[str], path: str) -> sa.ColumnElement[bool]:
    """Rows whose jurisdiction path is ``path`` or lies below it, as comparisons a B-tree index serves."""
    stem = path.strip().strip("/")
    low, high = below_path_range(stem)
    return sa.or_(column == stem, sa.and_(column >= low, column < high))
