"""Credit records and their appeals: rows ⇄ domain objects (R1, R6)."""

from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition, NotFound
from wuye_chassis.validation import require_text
from wuye_ratings.adapters.orm import appeals, credit_records
from wuye_ratings.domain.appeals import Appeal, AppealStep
from wuye_ratings.domain.credit import CreditRecord, RecordSource, RecordStatus, SourceKind
from wuye_ratings.domain.vocabulary import AppealOutcome, RecordKind


def _record(row: sa.RowMapping) -> CreditRecord:
    return CreditRecord(
        record_id=row["record_id"],
        company_id=row["company_id"],
        kind=RecordKind(row["kind"]),
        points=Fraction(row["points"]),
        forces_c=row["forces_c"],
        source=RecordSource(SourceKind(row["source_kind"]), row["source_reference"]),
        occurred_on=row["occurred_on"],
        valid_until=row["valid_until"],
        rule_version=row["rule_version"],
        note=row["note"],
        status=RecordStatus(row["status"]),
        withdrawn_on=row["withdrawn_on"],
        withdrawn_by_appeal=row["withdrawn_by_appeal"],
    )


def _appeal(row: sa.RowMapping) -> Appeal:
    appeal = Appeal(
        appeal_id=row["appeal_id"],
        record_id=row["record_id"],
        company_id=row["company_id"],
        filed_by=row["filed_by"],
        grounds=row["grounds"],
        filed_at=row["filed_at"],
        outcome=None if row["outcome"] is None else AppealOutcome(row["outcome"]),
        reviewer_id=row["reviewer_id"],
        decision_reason=row["decision_reason"],
        decided_at=row["decided_at"],
    )
    # the history is the filing and the decision, both kept on the row
    appeal.history.append(AppealStep(appeal.filed_at, appeal.filed_by, "filed", appeal.grounds))
    if appeal.outcome is not None:
        appeal.history.append(
            AppealStep(row["decided_at"], row["reviewer_id"], appeal.outcome.value, row["decision_reason"])
        )
    return appeal


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, record: CreditRecord) -> None:
        await self.session.execute(
            credit_records.insert().values(
                record_id=record.record_id,
                company_id=record.company_id,
                kind=record.kind.value,
                points=str(record.points),
                forces_c=record.forces_c,
                source_kind=record.source.kind.value,
                source_reference=record.source.reference,
                occurred_on=record.occurred_on,
                valid_until=record.valid_until,
                rule_version=record.rule_version,
                note=record.note,
                status=record.status.value,
                withdrawn_on=None,
                withdrawn_by_appeal=None,
                created_at=utcnow(),
            )
        )

    async def get(self, record_id: str) -> CreditRecord:
        wanted = require_text(record_id, field="record_id", max_length=36)
        row = (
            await self.session.execute(sa.select(credit_records).where(credit_records.c.record_id == wanted))
        ).mappings().first()
        if row is None:
            raise NotFound(f"credit record {wanted} does not exist", field="record_id")
        return _record(row)

    async def of_companies(self, company_ids: list[str]) -> dict[str, list[CreditRecord]]:
        """Every record of each company, oldest first."""
        rows = (
            await self.session.execute(
                sa.select(credit_records)
                .where(credit_records.c.company_id.in_(company_ids))
                .order_by(credit_records.c.occurred_on, credit_records.c.record_id)
            )
        ).mappings()
        found: dict[str, list[CreditRecord]] = {company_id: [] for company_id in company_ids}
        for row in rows:
            found[row["company_id"]].append(_record(row))
        return found

    async def page(self, company_id: str, *, after: str | None, size: int) -> list[CreditRecord]:
        query = sa.select(credit_records).where(credit_records.c.company_id == company_id)
        if after is not None:
            query = query.where(credit_records.c.record_id > after)
        rows = await self.session.execute(query.order_by(credit_records.c.record_id).limit(size))
        return [_record(row) for row in rows.mappings()]

    async def save_withdrawal(self, record: CreditRecord) -> None:
        await self.session.execute(
            credit_records.update()
            .where(credit_records.c.record_id == record.record_id)
            .values(status=record.status.value, withdrawn_on=record.withdrawn_on, withdrawn_by_appeal=record.withdrawn_by_appeal)
        )

    async def appeals_of(self, record_ids: list[str]) -> dict[str, list[Appeal]]:
        rows = (
            await self.session.execute(
                sa.select(appeals).where(appeals.c.record_id.in_(record_ids)).order_by(appeals.c.filed_at)
            )
        ).mappings()
        found: dict[str, list[Appeal]] = {record_id: [] for record_id in record_ids}
        for row in rows:
            found[row["record_id"]].append(_appeal(row))
        return found

    async def get_appeal(self, appeal_id: str) -> Appeal:
        wanted = require_text(appeal_id, field="appeal_id", max_length=36)
        row = (await self.session.execute(sa.select(appeals).where(appeals.c.appeal_id == wanted))).mappings().first()
        if row is None:
            raise NotFound(f"appeal {wanted} does not exist", field="appeal_id")
        return _appeal(row)

    async def add_appeal(self, appeal: Appeal) -> None:
        await self.session.execute(
            appeals.insert().values(
                appeal_id=appeal.appeal_id,
                record_id=appeal.record_id,
                company_id=appeal.company_id,
                filed_by=appeal.filed_by,
                grounds=appeal.grounds,
                filed_at=appeal.filed_at,
            )
        )

    async def save_decision(self, appeal: Appeal) -> None:
        # the undecided guard makes a concurrent second decision change nothing
        decided = await self.session.execute(
            appeals.update()
            .where(appeals.c.appeal_id == appeal.appeal_id, appeals.c.outcome.is_(None))
            .values(
                outcome=appeal.outcome.value if appeal.outcome else None,
                reviewer_id=appeal.reviewer_id,
                decision_reason=appeal.decision_reason,
                decided_at=appeal.decided_at,
            )
            .returning(appeals.c.appeal_id)
        )
        if decided.first() is None:
            raise FailedPrecondition(f"appeal {appeal.appeal_id} was decided meanwhile", field="appeal_id", rule="R6")
