"""The companies known to ratings and the compounds they serve, fed by the registry's events.

A rated company is one the registry announced (``CompanyRegistered``); ``ContractStarted`` and
``ContractEnded`` say which compounds it serves now, hence the streets where it is a peer (R3), the
compounds a contract-end advice names (R4) and the companies a jurisdiction ranks.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis import auth
from wuye_chassis.bus import event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.errors import NotFound, PermissionDenied, Unauthenticated
from wuye_chassis.inbox import ReceivedEvent, Subscription, session_handler
from wuye_chassis.jurisdiction import JurisdictionPath, below_path_range, in_scope
from wuye_chassis.validation import require_text
from wuye_ratings.adapters.orm import rated_companies, served_compounds


@dataclass(frozen=True)
class RatedCompany:
    company_id: str
    jurisdiction_path: str
    #: where the company serves now: the paths of its compounds
    compound_paths: dict[str, str]

    @property
    def paths(self) -> list[str]:
        return [self.jurisdiction_path, *self.compound_paths.values()]

    def require_access(self, *, action: str) -> auth.AuthContext:
        """The caller's scope must cover the company's registration or one of the compounds it serves."""
        caller = auth.current()
        if not caller.authenticated:
            raise Unauthenticated(f"{action} needs an authenticated caller")
        if not any(caller.can_access(path) for path in self.paths):
            raise PermissionDenied(
                f"{action}: company {self.company_id} lies outside the caller's jurisdiction",
                field="company_id",
                rule="scope",
            )
        return caller

    def streets(self) -> set[str]:
        """The streets the company serves in (its compounds' streets)."""
        return {str(_street_of(path)) for path in self.compound_paths.values()}

    def compounds_in(self, jurisdiction_path: str) -> list[str]:
        return sorted(
            compound for compound, path in self.compound_paths.items() if in_scope(jurisdiction_path, path)
        )


@dataclass(frozen=True)
class ServedCompound:
    compound_id: str
    company_id: str
    jurisdiction_path: str

    @property
    def street_path(self) -> str:
        return str(_street_of(self.jurisdiction_path))


def _street_of(path: str) -> JurisdictionPath:
    return JurisdictionPath(JurisdictionPath.parse(path).codes[:3])


def _at_or_below(column: sa.ColumnElement[str], path: str) -> sa.ColumnElement[bool]:
    low, high = below_path_range(path)
    return sa.or_(column == path.strip("/"), sa.and_(column >= low, column < high))


async def require_company(session: AsyncSession, company_id: str, *, field: str = "company_id") -> RatedCompany:
    """The company as the registry announced it; NOT_FOUND naming ``field`` when ratings does not know it."""
    wanted = require_text(company_id, field=field, max_length=64)
    path = await session.scalar(
        sa.select(rated_companies.c.jurisdiction_path).where(rated_companies.c.company_id == wanted)
    )
    if path is None:
        raise NotFound(f"company {wanted} is not known to ratings (no CompanyRegistered from the registry)", field=field)
    rows = await session.execute(
        sa.select(served_compounds.c.compound_id, served_compounds.c.jurisdiction_path).where(
            served_compounds.c.company_id == wanted
        )
    )
    return RatedCompany(wanted, path, {row.compound_id: row.jurisdiction_path for row in rows})


async def require_served_compound(session: AsyncSession, compound_id: str) -> ServedCompound:
    wanted = require_text(compound_id, field="compound_id", max_length=64)
    row = (
        await session.execute(sa.select(served_compounds).where(served_compounds.c.compound_id == wanted))
    ).mappings().first()
    if row is None:
        raise NotFound(f"compound {wanted} has no property company known to ratings", field="compound_id")
    return ServedCompound(row["compound_id"], row["company_id"], row["jurisdiction_path"])


async def companies_in(session: AsyncSession, jurisdiction_path: str) -> list[RatedCompany]:
    """Companies registered in the jurisdiction or serving a compound there."""
    serving = sa.select(served_compounds.c.company_id).where(
        _at_or_below(served_compounds.c.jurisdiction_path, jurisdiction_path)
    )
    ids = await session.scalars(
        sa.select(rated_companies.c.company_id)
        .where(
            sa.or_(
                _at_or_below(rated_companies.c.jurisdiction_path, jurisdiction_path),
                rated_companies.c.company_id.in_(serving),
            )
        )
        .order_by(rated_companies.c.company_id)
    )
    return [await require_company(session, company_id) for company_id in ids]


async def on_company_registered(session: AsyncSession, event: ReceivedEvent) -> None:
    company = event.parse(registry_events.CompanyRegistered)
    values = {"name": company.name, "jurisdiction_path": company.jurisdiction_path, "updated_at": utcnow()}
    changed = await session.execute(
        rated_companies.update().where(rated_companies.c.company_id == company.company_id).values(**values)
    )
    if changed.rowcount == 0:
        await session.execute(rated_companies.insert().values(company_id=company.company_id, **values))


async def on_contract_started(session: AsyncSession, event: ReceivedEvent) -> None:
    contract = event.parse(registry_events.ContractStarted)
    values = {
        "company_id": contract.company_id,
        "contract_id": contract.contract_id,
        "jurisdiction_path": contract.jurisdiction_path,
        "updated_at": utcnow(),
    }
    changed = await session.execute(
        served_compounds.update().where(served_compounds.c.compound_id == contract.compound_id).values(**values)
    )
    if changed.rowcount == 0:
        await session.execute(served_compounds.insert().values(compound_id=contract.compound_id, **values))


async def on_contract_ended(session: AsyncSession, event: ReceivedEvent) -> None:
    contract = event.parse(registry_events.ContractEnded)
    # only the contract's own end frees the compound: a successor may already serve it
    await session.execute(
        served_compounds.delete().where(
            served_compounds.c.compound_id == contract.compound_id,
            served_compounds.c.contract_id == contract.contract_id,
        )
    )


def subscription(service_name: str) -> Subscription:
    return Subscription(
        durable=f"{service_name}-companies",
        handlers={
            event_type_of(registry_events.CompanyRegistered): session_handler(on_company_registered),
            event_type_of(registry_events.ContractStarted): session_handler(on_contract_started),
            event_type_of(registry_events.ContractEnded): session_handler(on_contract_ended),
        },
    )
