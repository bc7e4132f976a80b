"""Keyset pages: a list goes on after the last key of the previous page, never by an offset."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def after(first: sa.ColumnElement[Any], second: sa.ColumnElement[Any], key: tuple[object, str]) -> sa.ColumnElement[bool]:
    """Rows after the cursor key in (first, second) order; spelled out so each value binds with its
    column's type (a tuple comparison would send a date or moment untyped)."""
    return sa.or_(first > key[0], sa.and_(first == key[0], second > key[1]))


def before(first: sa.ColumnElement[Any], second: sa.ColumnElement[Any], key: tuple[object, str]) -> sa.ColumnElement[bool]:
    """Rows before the cursor key in (first, second) order: the next page of a newest-first list."""
    return sa.or_(first < key[0], sa.and_(first == key[0], second < key[1]))
