"""Who may change what in the registry, and the lookups every use case starts with.

Each lookup refuses an unknown id with NOT_FOUND naming the request field, then checks that the
record lies in the caller's jurisdiction scope.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.validation import require_text
from wuye_chassis.workdays import SHANGHAI
from wuye_registry.adapters import companies, jurisdictions, people, places
from wuye_registry.domain.companies import ServiceContract

#: keep places, households, people, committees, party organisation, reserve pool and cadre links
REGISTRY_KEEPERS = ("city_admin", "county_officer", "street_officer", "community_worker")
#: register companies and their contracts with compounds (a street or county decision)
COMPANY_REGISTRARS = ("city_admin", "county_officer", "street_officer")


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


async def jurisdiction(session: AsyncSession, code: str, *, field: str, action: str) -> sa.RowMapping:
    wanted = require_text(code, field=field, max_length=12)
    row = await jurisdictions.get(session, wanted)
    if row is None:
        raise NotFound(f"jurisdiction {wanted} does not exist", field=field)
    auth.require_access(row["path"], action=action)
    return row


async def compound(
    session: AsyncSession, compound_id: str, *, action: str, field: str = "compound_id"
) -> sa.RowMapping:
    wanted = require_text(compound_id, field=field, max_length=36)
    row = await places.get_compound(session, wanted)
    if row is None:
        raise NotFound(f"compound {wanted} does not exist", field=field)
    auth.require_access(row["jurisdiction_path"], action=action)
    return row


async def person(session: AsyncSession, person_id: str, *, action: str, field: str = "person_id") -> sa.RowMapping:
    wanted = require_text(person_id, field=field, max_length=36)
    row = await people.get(session, wanted)
    if row is None:
        raise NotFound(f"person {wanted} does not exist", field=field)
    auth.require_access(row["jurisdiction_path"], action=action)
    return row


async def require_people(session: AsyncSession, person_ids: list[str], *, field: str) -> None:
    missing = sorted(set(person_ids) - await people.existing_ids(session, person_ids))
    if missing:
        raise NotFound(f"unknown person(s): {', '.join(missing)}", field=field)


async def serving_contract(session: AsyncSession, compound_row: sa.RowMapping, day: dt.date) -> ServiceContract | None:
    """The contract under which a company serves the compound on ``day`` (one at most, by the domain rule)."""
    contracts = await companies.contracts_of_compound(session, compound_row["id"], compound_row["code"])
    return next((contract for contract in contracts if contract.is_active_on(day)), None)
