"""Builders for ratings domain tests: credit records priced by the default rules."""

from __future__ import annotations

import datetime as dt

import pytest

from wuye_ratings.domain.credit import CreditRecord
from wuye_ratings.domain.rules import DEFAULT_RULES

COMPANY = "company-1"
OCCURRED = dt.date(2026, 3, 1)


@pytest.fixture
def make_record():
    """``make_record(kind, **overrides)`` → a record of company-1 that occurred on 2026-03-01."""
    numbers = iter(range(1, 10_000))

    def build(kind: str, **overrides) -> CreditRecord:
        number = next(numbers)
        values = dict(
            record_id=f"record-{number}",
            company_id=COMPANY,
            kind=kind,
            ruleset=DEFAULT_RULES,
            source_kind="event",
            source_reference=f"event-{number}",
            occurred_on=OCCURRED,
        )
        values.update(overrides)
        return CreditRecord.create(**values)

    return build
