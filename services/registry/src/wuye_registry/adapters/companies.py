"""Company, party organisation mode and service contract rows ⇄ domain values and records."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_registry.adapters.orm import companies, company_party_org_modes, compounds, service_contracts
from wuye_registry.domain.companies import (
    ContractMode,
    PartyOrgMode,
    PartyOrgModeChange,
    PropertyCompany,
    ServiceContract,
)


@dataclass(frozen=True)
class CompanyRecord:
    """A registered company; ``party_org_mode`` is the mode in force today."""

    company_id: str
    uscc: str
    name: str
    jurisdiction_path: str
    state_owned: bool
    party_org_required: bool
    party_org_mode: PartyOrgMode


@dataclass(frozen=True)
class PlacedContract:
    """A contract with the ids of the compound it serves and the company serving it."""

    contract: ServiceContract
    compound_id: str
    company_id: str


def company_record(row: sa.RowMapping) -> CompanyRecord:
    return CompanyRecord(
        company_id=row["id"],
        uscc=row["uscc"],
        name=row["name"],
        jurisdiction_path=row["jurisdiction_path"],
        state_owned=row["state_owned"],
        party_org_required=row["party_org_required"],
        party_org_mode=PartyOrgMode(row["party_org_mode"]),
    )


def _contract(row: sa.RowMapping) -> ServiceContract:
    """A ``_CONTRACTS`` row as the domain value (keyed by contract id)."""
    return ServiceContract(
        key=row["id"],
        compound_code=row["compound_code"],
        company_uscc=row["uscc"],
        mode=ContractMode(row["mode"]),
        start=row["start_on"],
        end=row["end_on"],
        bundle_key=row["bundle_key"],
        terminated_on=row["terminated_on"],
    )


#: contracts with the codes the domain knows them by: the compound's code and the company's USCC
_CONTRACTS = (
    sa.select(service_contracts, companies.c.uscc, compounds.c.code.label("compound_code"))
    .join(companies, companies.c.id == service_contracts.c.company_id)
    .join(compounds, compounds.c.id == service_contracts.c.compound_id)
)


class CompanyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- companies ---------------------------------------------------------------------------------

    async def get(self, company_id: str) -> CompanyRecord | None:
        return await self._one(companies.c.id == company_id)

    async def by_uscc(self, uscc: str) -> CompanyRecord | None:
        return await self._one(companies.c.uscc == uscc)

    async def uscc_taken(self, uscc: str) -> bool:
        return (await self.session.scalar(sa.select(companies.c.id).where(companies.c.uscc == uscc))) is not None

    async def companies_in(self, path: str, *, after: str, limit: int) -> list[CompanyRecord]:
        """The companies registered at or below ``path``, in id order."""
        query = sa.select(companies).where(at_or_below(companies.c.jurisdiction_path, path)).order_by(companies.c.id)
        if after:
            query = query.where(companies.c.id > after)
        return [company_record(row) for row in (await self.session.execute(query.limit(limit))).mappings()]

    async def add(self, company_id: str, company: PropertyCompany, *, jurisdiction_path: str) -> None:
        await self.session.execute(
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

    async def party_org_history(self, company_id: str) -> list[PartyOrgModeChange]:
        query = (
            sa.select(company_party_org_modes)
            .where(company_party_org_modes.c.company_id == company_id)
            .order_by(company_party_org_modes.c.effective_from)
        )
        return [
            PartyOrgModeChange(mode=PartyOrgMode(row["mode"]), effective_from=row["effective_from"])
            for row in (await self.session.execute(query)).mappings()
        ]

    async def add_party_org_change(
        self, company_id: str, change: PartyOrgModeChange, *, mode_today: PartyOrgMode
    ) -> None:
        await self.session.execute(
            company_party_org_modes.insert().values(
                company_id=company_id, effective_from=change.effective_from, mode=change.mode.value, created_at=utcnow()
            )
        )
        await self.session.execute(
            companies.update().where(companies.c.id == company_id).values(party_org_mode=mode_today.value)
        )

    async def _one(self, condition: sa.ColumnElement[bool]) -> CompanyRecord | None:
        row = (await self.session.execute(sa.select(companies).where(condition))).mappings().first()
        return None if row is None else company_record(row)

    # --- contracts ---------------------------------------------------------------------------------

    async def contract(self, contract_id: str) -> PlacedContract | None:
        row = (await self.session.execute(_CONTRACTS.where(service_contracts.c.id == contract_id))).mappings().first()
        return None if row is None else PlacedContract(_contract(row), row["compound_id"], row["company_id"])

    async def contracts_of_compound(self, compound_id: str) -> list[ServiceContract]:
        """The compound's contracts, oldest first."""
        query = _CONTRACTS.where(service_contracts.c.compound_id == compound_id).order_by(service_contracts.c.start_on)
        return [_contract(row) for row in (await self.session.execute(query)).mappings()]

    async def add_contract(self, placed: PlacedContract) -> None:
        contract = placed.contract
        await self.session.execute(
            service_contracts.insert().values(
                id=contract.key,
                compound_id=placed.compound_id,
                company_id=placed.company_id,
                mode=contract.mode.value,
                start_on=contract.start,
                end_on=contract.end,
                terminated_on=contract.terminated_on,
                bundle_key=contract.bundle_key,
                created_at=utcnow(),
            )
        )

    async def save_termination(self, contract: ServiceContract) -> None:
        await self.session.execute(
            service_contracts.update()
            .where(service_contracts.c.id == contract.key)
            .values(terminated_on=contract.terminated_on)
        )
