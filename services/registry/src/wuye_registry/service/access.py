"""Who may change what in the registry, and the lookups every handler starts with.

Each lookup refuses an unknown id with NOT_FOUND naming the request field, then checks that the
record lies in the caller's jurisdiction scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, TypeVar

from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.validation import require_text
from wuye_chassis.workdays import SHANGHAI
from wuye_registry.adapters.committees import PlacedCommittee
from wuye_registry.adapters.companies import CompanyRecord
from wuye_registry.adapters.people import PersonRecord
from wuye_registry.adapters.places import CompoundRecord
from wuye_registry.domain.companies import ServiceContract
from wuye_registry.domain.places import Jurisdiction
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: keep places, households, people, committees, party organisation, reserve pool and cadre links
REGISTRY_KEEPERS = ("city_admin", "county_officer", "street_officer", "community_worker")
#: register companies and their contracts with compounds (a street or county decision)
COMPANY_REGISTRARS = ("city_admin", "county_officer", "street_officer")


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


class _Placed(Protocol):
    @property
    def jurisdiction_path(self) -> str: ...


P = TypeVar("P", bound=_Placed)


def _in_scope(found: P | None, *, what: str, field: str, action: str) -> P:
    if found is None:
        raise NotFound(f"{what} does not exist", field=field)
    auth.require_access(found.jurisdiction_path, action=action)
    return found


async def jurisdiction(uow: RegistryUnitOfWork, code: str, *, field: str, action: str) -> Jurisdiction:
    wanted = require_text(code, field=field, max_length=12)
    found = await uow.jurisdictions.get(wanted)
    if found is None:
        raise NotFound(f"jurisdiction {wanted} does not exist", field=field)
    auth.require_access(str(found.path), action=action)
    return found


async def compound(
    uow: RegistryUnitOfWork, compound_id: str, *, action: str, field: str = "compound_id"
) -> CompoundRecord:
    wanted = require_text(compound_id, field=field, max_length=36)
    return _in_scope(await uow.places.compound(wanted), what=f"compound {wanted}", field=field, action=action)


async def person(uow: RegistryUnitOfWork, person_id: str, *, action: str, field: str = "person_id") -> PersonRecord:
    wanted = require_text(person_id, field=field, max_length=36)
    return _in_scope(await uow.people.get(wanted), what=f"person {wanted}", field=field, action=action)


async def committee(uow: RegistryUnitOfWork, committee_id: str, *, action: str) -> PlacedCommittee:
    wanted = require_text(committee_id, field="committee_id", max_length=36)
    found = await uow.committees.get(wanted)
    return _in_scope(found, what=f"committee {wanted}", field="committee_id", action=action)


async def company(uow: RegistryUnitOfWork, company_id: str, *, action: str) -> CompanyRecord:
    wanted = require_text(company_id, field="company_id", max_length=36)
    return _in_scope(await uow.companies.get(wanted), what=f"company {wanted}", field="company_id", action=action)


async def require_people(uow: RegistryUnitOfWork, person_ids: list[str], *, field: str) -> None:
    missing = sorted(set(person_ids) - await uow.people.existing_ids(person_ids))
    if missing:
        raise NotFound(f"unknown person(s): {', '.join(missing)}", field=field)


async def serving_contract(uow: RegistryUnitOfWork, compound_id: str, day: dt.date) -> ServiceContract | None:
    """The contract under which a company serves the compound on ``day`` (one at most, by the domain rule)."""
    contracts = await uow.companies.contracts_of_compound(compound_id)
    return next((contract for contract in contracts if contract.is_active_on(day)), None)
