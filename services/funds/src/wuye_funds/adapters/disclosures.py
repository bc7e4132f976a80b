"""Disclosure snapshots (stored once as published, read back unchanged), overdue reports and audits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import sqlalchemy as sa
from google.protobuf import json_format
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_funds.adapters.orm import (
    audits,
    compounds,
    disclosure_overdue_notices,
    disclosures,
    ledgers,
    maintenance_accounts,
)


async def exists(session: AsyncSession, compound_id: str, period: str) -> bool:
    query = sa.select(disclosures.c.disclosure_id).where(
        disclosures.c.compound_id == compound_id, disclosures.c.period == period
    )
    return (await session.execute(query)).first() is not None


async def add(session: AsyncSession, disclosure: funds_pb2.Disclosure) -> None:
    await session.execute(
        disclosures.insert().values(
            disclosure_id=disclosure.disclosure_id,
            compound_id=disclosure.compound_id,
            period=disclosure.period,
            published_at=disclosure.published_at.ToDatetime(tzinfo=dt.UTC),
            snapshot=json_format.MessageToJson(disclosure),
        )
    )


async def latest(session: AsyncSession, compound_id: str) -> funds_pb2.Disclosure | None:
    query = (
        sa.select(disclosures.c.snapshot)
        .where(disclosures.c.compound_id == compound_id)
        .order_by(disclosures.c.disclosure_id.desc())
        .limit(1)
    )
    snapshot = (await session.execute(query)).scalar()
    return None if snapshot is None else json_format.Parse(snapshot, funds_pb2.Disclosure())


async def schedules(
    session: AsyncSession, jurisdiction_path: str | None, *, committee_ledger_id: Callable[[str], str]
) -> list[dict[str, object]]:
    """Per compound at or below the path (every compound for None): its path, when its maintenance fund
    account and its committee (common-parts income) ledger started, and its last disclosure."""
    query = sa.select(compounds.c.compound_id, compounds.c.jurisdiction_path).order_by(compounds.c.compound_id)
    if jurisdiction_path is not None:
        query = query.where(at_or_below(compounds.c.jurisdiction_path, jurisdiction_path))
    found = {compound_id: path for compound_id, path in (await session.execute(query)).all()}
    opened = dict(
        (await session.execute(
            sa.select(maintenance_accounts.c.compound_id, maintenance_accounts.c.opened_at)
            .where(maintenance_accounts.c.compound_id.in_(list(found)))
        )).all()
    )
    committee_ledgers = {committee_ledger_id(compound_id): compound_id for compound_id in found}
    income_started = {
        committee_ledgers[ledger_id]: created
        for ledger_id, created in (await session.execute(
            sa.select(ledgers.c.ledger_id, ledgers.c.created_at).where(ledgers.c.ledger_id.in_(list(committee_ledgers)))
        )).all()
    }
    last = dict(
        (await session.execute(
            sa.select(disclosures.c.compound_id, sa.func.max(disclosures.c.published_at))
            .where(disclosures.c.compound_id.in_(list(found)))
            .group_by(disclosures.c.compound_id)
        )).all()
    )
    return [
        {
            "compound_id": compound_id,
            "jurisdiction_path": path,
            "maintenance_started": opened.get(compound_id),
            "income_started": income_started.get(compound_id),
            "last_published": last.get(compound_id),
        }
        for compound_id, path in found.items()
    ]


async def add_overdue_notice(session: AsyncSession, *, compound_id: str, subject: str, due_at: dt.datetime) -> bool:
    """Record an overdue report; False when this compound, subject and due moment were reported before."""
    query = sa.select(disclosure_overdue_notices.c.compound_id).where(
        disclosure_overdue_notices.c.compound_id == compound_id,
        disclosure_overdue_notices.c.subject == subject,
        disclosure_overdue_notices.c.due_at == due_at,
    )
    if (await session.execute(query)).first() is not None:
        return False
    await session.execute(
        disclosure_overdue_notices.insert().values(
            compound_id=compound_id, subject=subject, due_at=due_at, reported_at=utcnow()
        )
    )
    return True


async def add_audit(session: AsyncSession, audit: funds_pb2.Audit, *, recorded_by: str) -> None:
    await session.execute(
        audits.insert().values(
            audit_id=audit.audit_id, compound_id=audit.compound_id, jurisdiction_path=audit.jurisdiction_path,
            period=audit.period, auditor=audit.auditor,
            findings=json.dumps(
                [{"text": finding.text, "amount_fen": finding.amount_fen} for finding in audit.findings],
                ensure_ascii=False,
            ),
            recorded_by=recorded_by, recorded_at=audit.recorded_at.ToDatetime(tzinfo=dt.UTC),
        )
    )


async def audited_compounds(session: AsyncSession, jurisdiction_path: str, period: str) -> set[str]:
    query = sa.select(audits.c.compound_id).where(
        at_or_below(audits.c.jurisdiction_path, jurisdiction_path), audits.c.period == period
    )
    return set((await session.execute(query)).scalars().all())
