"""Company and service contract rows ⇄ domain values and protobuf."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import registry_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.proto_values import enum_number
from wuye_chassis.validation import iso_or_empty
from wuye_registry.adapters.orm import companies, company_party_org_modes, service_contracts
from wuye_registry.adapters.scope import within
from wuye_registry.domain.companies import (
    ContractMode,
    PartyOrgMode,
    PartyOrgModeChange,
    PropertyCompany,
    ServiceContract,
)


async def get(session: AsyncSession, company_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(companies).where(companies.c.id == company_id))).mappings().first()


async def list_companies(session: AsyncSession, path: str, after: str | None, limit: int) -> list[sa.RowMapping]:
    query = sa.select(companies).where(within(companies.c.jurisdiction_path, path)).order_by(companies.c.id)
    if after is not None:
        query = query.where(companies.c.id > after)
    return list((await session.execute(query.limit(limit))).mappings().all())


async def uscc_taken(session: AsyncSession, uscc: str) -> bool:
    return (await session.scalar(sa.select(companies.c.id).where(companies.c.uscc == uscc))) is not None


async def add(session: AsyncSession, company_id: str, company: PropertyCompany, *, jurisdiction_path: str) -> None:
    await session.execute(
        companies.insert().values(
            id=company_id,
            uscc=company.uscc,
            name=company.name,
            jurisdiction_path=jurisdiction_path,
            state_owned=company.state_owned,
            party_org_required=company.party_org_required,
            party_org_mode=company.party_org_mode.value,
            created_at=utcnow(),
        )
    )


async def party_org_history(session: AsyncSession, company_id: str) -> list[PartyOrgModeChange]:
    query = (
        sa.select(company_party_org_modes)
        .where(company_party_org_modes.c.company_id == company_id)
        .order_by(company_party_org_modes.c.effective_from)
    )
    return [
        PartyOrgModeChange(mode=PartyOrgMode(row["mode"]), effective_from=row["effective_from"])
        for row in (await session.execute(query)).mappings()
    ]


async def add_party_org_change(
    session: AsyncSession, company_id: str, change: PartyOrgModeChange, *, mode_today: PartyOrgMode
) -> None:
    await session.execute(
        company_party_org_modes.insert().values(
            company_id=company_id, effective_from=change.effective_from, mode=change.mode.value, created_at=utcnow()
        )
    )
    await session.execute(
        companies.update().where(companies.c.id == company_id).values(party_org_mode=mode_today.value)
    )


def company_message(row: sa.RowMapping) -> registry_pb2.Company:
    return registry_pb2.Company(
        id=row["id"],
        uscc=row["uscc"],
        name=row["name"],
        jurisdiction_path=row["jurisdiction_path"],
        state_owned=row["state_owned"],
        party_org_required=row["party_org_required"],
        party_org_mode=enum_number(registry_pb2.PartyOrgMode, PartyOrgMode(row["party_org_mode"])),
    )


def _contract(row: sa.RowMapping, compound_code: str, company_uscc: str) -> ServiceContract:
    return ServiceContract(
        key=row["id"],
        compound_code=compound_code,
        company_uscc=company_uscc,
        mode=ContractMode(row["mode"]),
        start=row["start_on"],
        end=row["end_on"],
        bundle_key=row["bundle_key"],
        terminated_on=row["terminated_on"],
    )


async def contracts_of_compound(session: AsyncSession, compound_id: str, compound_code: str) -> list[ServiceContract]:
    """The compound's contracts as domain values (keyed by contract id), oldest first."""
    query = (
        sa.select(service_contracts, companies.c.uscc)
        .join(companies, companies.c.id == service_contracts.c.company_id)
        .where(service_contracts.c.compound_id == compound_id)
        .order_by(service_contracts.c.start_on)
    )
    rows = (await session.execute(query)).mappings().all()
    return [_contract(row, compound_code, row["uscc"]) for row in rows]


async def get_contract(session: AsyncSession, contract_id: str) -> sa.RowMapping | None:
    query = sa.select(service_contracts).where(service_contracts.c.id == contract_id)
    return (await session.execute(query)).mappings().first()


async def company_by_uscc(session: AsyncSession, uscc: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(companies).where(companies.c.uscc == uscc))).mappings().first()


async def add_contract(session: AsyncSession, contract: ServiceContract, *, compound_id: str, company_id: str) -> None:
    await session.execute(
        service_contracts.insert().values(
            id=contract.key,
            compound_id=compound_id,
            company_id=company_id,
            mode=contract.mode.value,
            start_on=contract.start,
            end_on=contract.end,
            terminated_on=contract.terminated_on,
            bundle_key=contract.bundle_key,
            created_at=utcnow(),
        )
    )


async def save_termination(session: AsyncSession, contract: ServiceContract) -> None:
    await session.execute(
        service_contracts.update()
        .where(service_contracts.c.id == contract.key)
        .values(terminated_on=contract.terminated_on)
    )


def contract_message(contract: ServiceContract, *, compound_id: str, company_id: str) -> registry_pb2.ServiceContract:
    return registry_pb2.ServiceContract(
        id=contract.key,
        compound_id=compound_id,
        company_id=company_id,
        mode=enum_number(registry_pb2.ContractMode, contract.mode),
        start_on=contract.start.isoformat(),
        end_on=iso_or_empty(contract.end),
        terminated_on=iso_or_empty(contract.terminated_on),
        bundle_key=contract.bundle_key or "",
    )
