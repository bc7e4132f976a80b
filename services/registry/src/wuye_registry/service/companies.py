"""Handlers for property service companies and their service contracts with compounds."""

from __future__ import annotations

from dataclasses import replace

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.validation import optional_iso_date, parse_iso_date, require_text
from wuye_registry.adapters.companies import CompanyRecord, PlacedContract
from wuye_registry.domain import commands
from wuye_registry.domain.companies import (
    PropertyCompany,
    ServiceContract,
    change_party_org_mode,
    check_no_overlapping_contract,
    party_org_mode_on,
    terminate,
)
from wuye_registry.domain.events import CompanyPartyOrgModeChanged, CompanyRegistered, ContractEnded, ContractStarted
from wuye_registry.service import access
from wuye_registry.service.access import COMPANY_REGISTRARS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


async def register_company(command: commands.RegisterCompany, uow: RegistryUnitOfWork) -> CompanyRecord:
    auth.require_role(COMPANY_REGISTRARS, action="register a company")
    async with uow:
        place = await access.jurisdiction(
            uow, command.jurisdiction_code, field="jurisdiction_code", action="register a company"
        )
        company = PropertyCompany.create(
            uscc=command.uscc,
            name=command.name,
            state_owned=command.state_owned,
            party_org_required=command.party_org_required,
            party_org_mode=command.party_org_mode,
        )
        if await uow.companies.uscc_taken(company.uscc):
            raise AlreadyExists(f"company {company.uscc} is already registered", field="uscc")
        company_id = new_id()
        since_field = "party_org_mode_since"
        since = optional_iso_date(command.party_org_mode_since, field=since_field) or access.today()
        path = str(place.path)
        await uow.companies.add(company_id, company, jurisdiction_path=path)
        if company.has_party_org:
            # without a party organisation there is no change to record: the mode is none before any change
            first = change_party_org_mode(
                (), mode=company.party_org_mode, effective_from=since, today=access.today(), date_field=since_field
            )
            await uow.companies.add_party_org_change(company_id, first, mode_today=company.party_org_mode)
        await uow.publish(CompanyRegistered(company_id, path, company))
        registered = await uow.companies.get(company_id)
        await uow.commit()
    assert registered is not None
    return registered


async def start_contract(command: commands.StartContract, uow: RegistryUnitOfWork) -> PlacedContract:
    auth.require_role(COMPANY_REGISTRARS, action="start a service contract")
    async with uow:
        served = await access.compound(uow, command.compound_id, action="start a service contract")
        company_id = require_text(command.company_id, field="company_id", max_length=36)
        # a company may serve compounds anywhere, whatever the caller's scope over where it is registered
        company = await uow.companies.get(company_id)
        if company is None:
            raise NotFound(f"company {company_id} does not exist", field="company_id")
        contract = ServiceContract.create(
            key=new_id(),
            compound_code=served.code,
            company_uscc=company.uscc,
            mode=command.mode,
            start=parse_iso_date(command.start_on, field="start_on"),
            end=optional_iso_date(command.end_on, field="end_on"),
            bundle_key=command.bundle_key.strip() or None,
        )
        check_no_overlapping_contract(contract, await uow.companies.contracts_of_compound(served.compound_id))
        placed = PlacedContract(contract, served.compound_id, company_id)
        await uow.companies.add_contract(placed)
        await uow.publish(ContractStarted(contract, served.compound_id, company_id, served.jurisdiction_path))
        await uow.commit()
    return placed


async def end_contract(command: commands.EndContract, uow: RegistryUnitOfWork) -> PlacedContract:
    auth.require_role(COMPANY_REGISTRARS, action="end a service contract")
    async with uow:
        contract_id = require_text(command.contract_id, field="contract_id", max_length=36)
        current = await uow.companies.contract(contract_id)
        if current is None:
            raise NotFound(f"contract {contract_id} does not exist", field="contract_id")
        served = await access.compound(uow, current.compound_id, action="end a service contract", field="contract_id")
        contract = terminate(current.contract, on=parse_iso_date(command.terminated_on, field="terminated_on"))
        await uow.companies.save_termination(contract)
        await uow.publish(ContractEnded(contract, served.compound_id, current.company_id, served.jurisdiction_path))
        await uow.commit()
    return PlacedContract(contract, current.compound_id, current.company_id)


async def get_company(query: commands.GetCompany, uow: RegistryUnitOfWork) -> CompanyRecord:
    async with uow.reading():
        return await access.company(uow, query.company_id, action="read a company")


async def list_companies(query: commands.ListCompanies, uow: RegistryUnitOfWork) -> list[CompanyRecord]:
    """The companies registered in a jurisdiction and everything below it, in id order."""
    async with uow.reading():
        place = await access.jurisdiction(
            uow, query.jurisdiction_code, field="jurisdiction_code", action="list companies"
        )
        return await uow.companies.companies_in(str(place.path), after=query.after, limit=query.limit)


async def change_company_party_org_mode(
    command: commands.ChangeCompanyPartyOrgMode, uow: RegistryUnitOfWork
) -> CompanyRecord:
    action = "change a company's party organisation mode"
    auth.require_role(COMPANY_REGISTRARS, action=action)
    async with uow:
        company = await access.company(uow, command.company_id, action=action)
        history = await uow.companies.party_org_history(company.company_id)
        change = change_party_org_mode(
            history,
            mode=command.party_org_mode,
            effective_from=parse_iso_date(command.effective_from, field="effective_from"),
            today=access.today(),
        )
        mode_today = party_org_mode_on([*history, change], access.today())
        await uow.companies.add_party_org_change(company.company_id, change, mode_today=mode_today)
        await uow.publish(CompanyPartyOrgModeChanged(company.company_id, company.jurisdiction_path, change))
        await uow.commit()
    return replace(company, party_org_mode=mode_today)
