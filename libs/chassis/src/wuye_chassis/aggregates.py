"""SQL aggregates every service's figures count with: 0, never NULL, over no rows."""

from __future__ import annotations

import sqlalchemy as sa


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """How many rows meet ``condition``."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def total(column: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The sum of ``column``."""
    return sa.func.coalesce(sa.func.sum(column), 0)
