"""Disclosure snapshots (stored once as published, read back unchanged), overdue reports and audits.

A snapshot is stored as JSON in the form the rows have always had (the JSON mapping of
``wuye.funds.v1.Disclosure``: camelCase names, RFC 3339 times, amounts as numbers or numeric text), so
snapshots written by any version read alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import changed_rows, dialect_insert, utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_funds.adapters.orm import (
    audits,
    compounds,
    disclosure_overdue_notices,
    disclosures,
    ledgers,
    maintenance_accounts,
)
from wuye_funds.domain.accounts import committee_ledger_id
from wuye_funds.domain.disclosure import AccountTotals, Disclosure, HouseholdMovements
from wuye_funds.domain.disclosure_schedule import Audit, DisclosureSchedule, Subject
from wuye_funds.domain.ledger import Anchor


class DisclosureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def exists(self, compound_id: str, period: str) -> bool:
        query = sa.select(disclosures.c.disclosure_id).where(
            disclosures.c.compound_id == compound_id, disclosures.c.period == period
        )
        return (await self.session.execute(query)).first() is not None

    async def add(self, disclosure: Disclosure) -> None:
        await self.session.execute(
            disclosures.insert().values(
                disclosure_id=disclosure.disclosure_id,
                compound_id=disclosure.compound_id,
                period=disclosure.period,
                published_at=disclosure.published_at,
                snapshot=json.dumps(_disclosure_json(disclosure), ensure_ascii=False),
            )
        )

    async def latest(self, compound_id: str) -> Disclosure | None:
        query = (
            sa.select(disclosures.c.snapshot)
            .where(disclosures.c.compound_id == compound_id)
            .order_by(disclosures.c.disclosure_id.desc())
            .limit(1)
        )
        snapshot = (await self.session.execute(query)).scalar()
        return None if snapshot is None else _disclosure(json.loads(snapshot))

    async def schedules(self, jurisdiction_path: str | None) -> list[DisclosureSchedule]:
        """Per compound at or below the path (every compound for None): when its maintenance fund account
        and its committee (common-parts income) ledger started, and its last disclosure."""
        query = sa.select(compounds.c.compound_id, compounds.c.jurisdiction_path).order_by(compounds.c.compound_id)
        if jurisdiction_path is not None:
            query = query.where(at_or_below(compounds.c.jurisdiction_path, jurisdiction_path))
        found = {compound_id: path for compound_id, path in (await self.session.execute(query)).all()}
        opened: dict[str, dt.datetime] = {
            compound_id: opened_at
            for compound_id, opened_at in (await self.session.execute(
                sa.select(maintenance_accounts.c.compound_id, maintenance_accounts.c.opened_at)
                .where(maintenance_accounts.c.compound_id.in_(list(found)))
            )).all()
        }
        committee_ledgers = {committee_ledger_id(compound_id): compound_id for compound_id in found}
        income_started = {
            committee_ledgers[ledger_id]: created
            for ledger_id, created in (await self.session.execute(
                sa.select(ledgers.c.ledger_id, ledgers.c.created_at).where(ledgers.c.ledger_id.in_(list(committee_ledgers)))
            )).all()
        }
        last: dict[str, dt.datetime] = {
            compound_id: published_at
            for compound_id, published_at in (await self.session.execute(
                sa.select(disclosures.c.compound_id, sa.func.max(disclosures.c.published_at))
                .where(disclosures.c.compound_id.in_(list(found)))
                .group_by(disclosures.c.compound_id)
            )).all()
        }
        return [
            DisclosureSchedule(
                compound_id=compound_id,
                jurisdiction_path=path,
                maintenance_started=opened.get(compound_id),
                income_started=income_started.get(compound_id),
                last_published=last.get(compound_id),
            )
            for compound_id, path in found.items()
        ]

    async def add_overdue_notice(self, *, compound_id: str, subject: Subject, due_at: dt.datetime) -> bool:
        """Record an overdue report; False when this compound, subject and due moment were reported before,
        by this replica or another at the same moment (the insert waits for the other's and skips)."""
        statement = dialect_insert(self.session, disclosure_overdue_notices).values(
            compound_id=compound_id, subject=subject.value, due_at=due_at, reported_at=utcnow()
        ).on_conflict_do_nothing()
        return await changed_rows(self.session, statement) == 1

    async def add_audit(self, audit: Audit, *, recorded_by: str) -> None:
        await self.session.execute(
            audits.insert().values(
                audit_id=audit.audit_id, compound_id=audit.compound_id, jurisdiction_path=audit.jurisdiction_path,
                period=audit.period, auditor=audit.auditor,
                findings=json.dumps(
                    [{"text": finding.text, "amount_fen": finding.amount_fen} for finding in audit.findings],
                    ensure_ascii=False,
                ),
                recorded_by=recorded_by, recorded_at=audit.recorded_at,
            )
        )

    async def audited_compounds(self, jurisdiction_path: str, period: str) -> set[str]:
        query = sa.select(audits.c.compound_id).where(
            at_or_below(audits.c.jurisdiction_path, jurisdiction_path), audits.c.period == period
        )
        return set((await self.session.execute(query)).scalars().all())


# --- the stored snapshot --------------------------------------------------------------------------


def _moment_json(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _totals_json(totals: AccountTotals) -> dict[str, Any]:
    return {
        "ledgerId": totals.ledger_id, "receivedFen": totals.received_fen, "spentFen": totals.spent_fen,
        "gainsFen": totals.gains_fen, "balanceFen": totals.balance_fen,
    }


def _totals(data: Mapping[str, Any]) -> AccountTotals:
    return AccountTotals(
        ledger_id=data.get("ledgerId", ""), received_fen=int(data.get("receivedFen", 0)),
        spent_fen=int(data.get("spentFen", 0)), gains_fen=int(data.get("gainsFen", 0)),
        balance_fen=int(data.get("balanceFen", 0)),
    )


def _disclosure_json(disclosure: Disclosure) -> dict[str, Any]:
    stored: dict[str, Any] = {
        "disclosureId": disclosure.disclosure_id,
        "compoundId": disclosure.compound_id,
        "period": disclosure.period,
        "publishedAt": _moment_json(disclosure.published_at),
        "maintenance": _totals_json(disclosure.maintenance),
        "committee": _totals_json(disclosure.committee),
        "households": [
            {
                "householdId": household.household_id, "depositedFen": household.deposited_fen,
                "chargedFen": household.charged_fen, "gainsFen": household.gains_fen,
                "balanceFen": household.balance_fen,
            }
            for household in disclosure.households
        ],
        "maintenanceHeadHash": disclosure.maintenance_head.hash,
        "committeeHeadHash": disclosure.committee_head.hash,
        "maintenanceHeadSequence": disclosure.maintenance_head.sequence,
        "committeeHeadSequence": disclosure.committee_head.sequence,
    }
    if disclosure.posted_until is not None:
        stored["postedUntil"] = _moment_json(disclosure.posted_until)
    return stored


def _disclosure(data: Mapping[str, Any]) -> Disclosure:
    """The stored snapshot; absent fields are their defaults (earlier rows left them out)."""
    return Disclosure(
        disclosure_id=data["disclosureId"],
        compound_id=data["compoundId"],
        period=data["period"],
        published_at=dt.datetime.fromisoformat(data["publishedAt"]),
        posted_until=dt.datetime.fromisoformat(data["postedUntil"]) if "postedUntil" in data else None,
        maintenance=_totals(data.get("maintenance", {})),
        committee=_totals(data.get("committee", {})),
        households=tuple(
            HouseholdMovements(
                household_id=household["householdId"], deposited_fen=int(household.get("depositedFen", 0)),
                charged_fen=int(household.get("chargedFen", 0)), gains_fen=int(household.get("gainsFen", 0)),
                balance_fen=int(household.get("balanceFen", 0)),
            )
            for household in data.get("households", [])
        ),
        # snapshots stored before anchors had a sequence name none (0: not compared by verification)
        maintenance_head=Anchor(int(data.get("maintenanceHeadSequence", 0)), data.get("maintenanceHeadHash", "")),
        committee_head=Anchor(int(data.get("committeeHeadSequence", 0)), data.get("committeeHeadHash", "")),
    )
