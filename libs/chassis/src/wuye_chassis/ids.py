"""Time-ordered identifiers: UUIDv7 for rows and events, so primary keys sort by creation time."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    return str(uuid6.uuid7())
