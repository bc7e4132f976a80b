"""What every ratings use case shares: today's date and the credit score of a company on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.validation import optional_iso_date
from wuye_chassis.workdays import SHANGHAI
from wuye_ratings.adapters.records import RecordRepository
from wuye_ratings.adapters.rules import load_rule_book
from wuye_ratings.domain.credit import CreditRecord, CreditScore, score_on
from wuye_ratings.domain.rules import RuleBook

#: puts an event in the outbox of the open transaction (``UnitOfWork.publish`` or the consumer's outbox)
Publish = Callable[..., Awaitable[str]]


def today() -> dt.date:
    """Days are Asia/Shanghai calendar days."""
    return utcnow().astimezone(SHANGHAI).date()


def day_or_today(text: str, *, field: str) -> dt.date:
    return optional_iso_date(text, field=field) or today()


def score_with_book(
    book: RuleBook, records: list[CreditRecord], company_id: str, day: dt.date, *, known_on: dt.date | None = None
) -> CreditScore:
    """The score under the base and bands of the rules in effect on ``day`` (records keep their pricing)."""
    return score_on(records, book.in_effect_on(day), day, company_id=company_id, known_on=known_on)


async def scores_on(
    session: AsyncSession, company_ids: list[str], day: dt.date, *, known_on: dt.date
) -> dict[str, CreditScore]:
    book = await load_rule_book(session)
    records = await RecordRepository(session).of_companies(company_ids)
    return {
        company_id: score_with_book(book, records[company_id], company_id, day, known_on=known_on)
        for company_id in company_ids
    }

