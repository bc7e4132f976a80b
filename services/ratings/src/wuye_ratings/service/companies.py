"""Handlers for the companies ratings rates, from the registry's events, and the scope rule every
handler reading or changing a company's ratings applies."""

from __future__ import annotations

from wuye_chassis import auth
from wuye_chassis.errors import PermissionDenied, Unauthenticated
from wuye_ratings.domain import commands
from wuye_ratings.domain.companies import RatedCompany
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

#: the officials who read any company's ratings in their scope; company staff read only their own (A5)
OFFICIAL_ROLES = (
    "community_worker", "street_officer", "county_officer", "city_admin", "department_inspector", "auditor",
)


def require_company_access(company: RatedCompany, *, action: str) -> None:
    """The caller's scope must cover the company's registration or one of the compounds it serves, and a
    company's staff reach only their own company's ratings (A5)."""
    caller = auth.current()
    if not caller.authenticated:
        raise Unauthenticated(f"{action} needs an authenticated caller")
    if not any(caller.can_access(path) for path in company.paths):
        raise PermissionDenied(
            f"{action}: company {company.company_id} lies outside the caller's jurisdiction",
            field="company_id",
            rule="scope",
        )
    require_own_company(company, action=action)


def require_own_company(company: RatedCompany, *, action: str) -> None:
    """A5: a caller acting for a property company sees that company's ratings only, not its competitors'."""
    caller = auth.current()
    acting_for_a_company = caller.has_role("company_staff") and not caller.has_role(auth.SYSTEM_ROLE, *OFFICIAL_ROLES)
    if acting_for_a_company and caller.company != company.company_id:
        raise PermissionDenied(
            f"{action}: a company's staff see their own company's ratings only, not company {company.company_id}'s",
            field="company_id",
            rule="A5",
        )


async def record_company(event: commands.CompanyRegistered, uow: RatingsUnitOfWork) -> None:
    async with uow:
        await uow.companies.save_registered(
            company_id=event.company_id, name=event.name, jurisdiction_path=event.jurisdiction_path
        )
        await uow.commit()


async def start_serving(event: commands.ContractStarted, uow: RatingsUnitOfWork) -> None:
    async with uow:
        await uow.companies.serve(
            compound_id=event.compound_id, company_id=event.company_id, contract_id=event.contract_id,
            jurisdiction_path=event.jurisdiction_path,
        )
        await uow.commit()


async def stop_serving(event: commands.ContractEnded, uow: RatingsUnitOfWork) -> None:
    async with uow:
        await uow.companies.stop_serving(compound_id=event.compound_id, contract_id=event.contract_id)
        await uow.commit()
