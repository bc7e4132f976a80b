"""Handlers for the companies ratings rates, from the registry's events, and the scope rule every
handler reading or changing a company's ratings applies."""

from __future__ import annotations

from wuye_chassis import auth
from wuye_chassis.errors import PermissionDenied, Unauthenticated
from wuye_ratings.domain import commands
from wuye_ratings.domain.companies import RatedCompany
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork


def require_company_access(company: RatedCompany, *, action: str) -> None:
    """The caller's scope must cover the company's registration or one of the compounds it serves."""
    caller = auth.current()
    if not caller.authenticated:
        raise Unauthenticated(f"{action} needs an authenticated caller")
    if not any(caller.can_access(path) for path in company.paths):
        raise PermissionDenied(
            f"{action}: company {company.company_id} lies outside the caller's jurisdiction",
            field="company_id",
            rule="scope",
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
