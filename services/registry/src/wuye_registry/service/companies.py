"""Use cases for property service companies and their service contracts with compounds."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.proto_values import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import iso_or_empty, optional_iso_date, parse_iso_date, require_text
from wuye_registry.adapters import companies as repository
from wuye_registry.domain.companies import (
    PropertyCompany,
    ServiceContract,
    change_party_org_mode,
    check_no_overlapping_contract,
    party_org_mode_on,
    terminate,
)
from wuye_registry.service.access import COMPANY_REGISTRARS, compound, jurisdiction, today


async def register_company(uow: UnitOfWork, request: registry_pb2.RegisterCompanyRequest) -> registry_pb2.Company:
    auth.require_role(COMPANY_REGISTRARS, action="register a company")
    async with uow:
        place = await jurisdiction(
            uow.session, request.jurisdiction_code, field="jurisdiction_code", action="register a company"
        )
        company = PropertyCompany.create(
            uscc=request.uscc,
            name=request.name,
            state_owned=request.state_owned,
            party_org_required=request.party_org_required,
            party_org_mode=enum_text(registry_pb2.PartyOrgMode, request.party_org_mode),
        )
        if await repository.uscc_taken(uow.session, company.uscc):
            raise AlreadyExists(f"company {company.uscc} is already registered", field="uscc")
        company_id = new_id()
        since_field = "party_org_mode_since"
        since = optional_iso_date(request.party_org_mode_since, field=since_field) or today()
        await repository.add(uow.session, company_id, company, jurisdiction_path=place["path"])
        if company.has_party_org:
            # without a party organisation there is no change to record: the mode is none before any change
            first = change_party_org_mode(
                (), mode=company.party_org_mode, effective_from=since, today=today(), date_field=since_field
            )
            await repository.add_party_org_change(uow.session, company_id, first, mode_today=company.party_org_mode)
        event = events_pb2.CompanyRegistered(
            company_id=company_id,
            uscc=company.uscc,
            name=company.name,
            jurisdiction_path=place["path"],
            state_owned=company.state_owned,
            party_org_required=company.party_org_required,
            party_org_mode=company.party_org_mode.value,
        )
        await uow.publish(event, aggregate_id=company_id)
        row = await repository.get(uow.session, company_id)
        await uow.commit()
    assert row is not None
    return repository.company_message(row)


async def start_contract(uow: UnitOfWork, request: registry_pb2.StartContractRequest) -> registry_pb2.ServiceContract:
    auth.require_role(COMPANY_REGISTRARS, action="start a service contract")
    async with uow:
        served = await compound(uow.session, request.compound_id, action="start a service contract")
        company_id = require_text(request.company_id, field="company_id", max_length=36)
        company = await repository.get(uow.session, company_id)
        if company is None:
            raise NotFound(f"company {company_id} does not exist", field="company_id")
        contract = ServiceContract.create(
            key=new_id(),
            compound_code=served["code"],
            company_uscc=company["uscc"],
            mode=enum_text(registry_pb2.ContractMode, request.mode),
            start=parse_iso_date(request.start_on, field="start_on"),
            end=optional_iso_date(request.end_on, field="end_on"),
            bundle_key=request.bundle_key.strip() or None,
        )
        check_no_overlapping_contract(
            contract, await repository.contracts_of_compound(uow.session, served["id"], served["code"])
        )
        await repository.add_contract(uow.session, contract, compound_id=served["id"], company_id=company_id)
        event = events_pb2.ContractStarted(
            contract_id=contract.key,
            compound_id=served["id"],
            company_id=company_id,
            jurisdiction_path=served["jurisdiction_path"],
            mode=contract.mode.value,
            start_on=contract.start.isoformat(),
            end_on=iso_or_empty(contract.end),
        )
        await uow.publish(event, aggregate_id=served["id"])
        await uow.commit()
    return repository.contract_message(contract, compound_id=served["id"], company_id=company_id)


async def end_contract(uow: UnitOfWork, request: registry_pb2.EndContractRequest) -> registry_pb2.ServiceContract:
    auth.require_role(COMPANY_REGISTRARS, action="end a service contract")
    async with uow:
        contract_id = require_text(request.contract_id, field="contract_id", max_length=36)
        row = await repository.get_contract(uow.session, contract_id)
        if row is None:
            raise NotFound(f"contract {contract_id} does not exist", field="contract_id")
        served = await compound(uow.session, row["compound_id"], action="end a service contract", field="contract_id")
        current = next(
            contract
            for contract in await repository.contracts_of_compound(uow.session, served["id"], served["code"])
            if contract.key == contract_id
        )
        contract = terminate(current, on=parse_iso_date(request.terminated_on, field="terminated_on"))
        await repository.save_termination(uow.session, contract)
        event = events_pb2.ContractEnded(
            contract_id=contract.key,
            compound_id=served["id"],
            company_id=row["company_id"],
            jurisdiction_path=served["jurisdiction_path"],
            terminated_on=iso_or_empty(contract.terminated_on),
        )
        await uow.publish(event, aggregate_id=served["id"])
        await uow.commit()
    return repository.contract_message(contract, compound_id=served["id"], company_id=row["company_id"])


async def _company(session: AsyncSession, company_id: str, *, action: str):  # type: ignore[no-untyped-def]
    wanted = require_text(company_id, field="company_id", max_length=36)
    row = await repository.get(session, wanted)
    if row is None:
        raise NotFound(f"company {wanted} does not exist", field="company_id")
    auth.require_access(row["jurisdiction_path"], action=action)
    return row


async def get_company(sessions: async_sessionmaker[AsyncSession], company_id: str) -> registry_pb2.Company:
    async with sessions() as session:
        return repository.company_message(await _company(session, company_id, action="read a company"))


async def list_companies(
    sessions: async_sessionmaker[AsyncSession], request: registry_pb2.ListCompaniesRequest
) -> registry_pb2.ListCompaniesResponse:
    limit = page_size(request.page.page_size)
    after = decode_cursor(request.page.page_token)
    async with sessions() as session:
        place = await jurisdiction(
            session, request.jurisdiction_code, field="jurisdiction_code", action="list companies"
        )
        rows = await repository.list_companies(session, place["path"], after, limit + 1)
    page, more = rows[:limit], len(rows) > limit
    return registry_pb2.ListCompaniesResponse(
        companies=[repository.company_message(row) for row in page],
        page=common_pb2.PageResponse(next_page_token=encode_cursor(page[-1]["id"]) if more else ""),
    )


async def change_company_party_org_mode(
    uow: UnitOfWork, request: registry_pb2.ChangeCompanyPartyOrgModeRequest
) -> registry_pb2.Company:
    action = "change a company's party organisation mode"
    auth.require_role(COMPANY_REGISTRARS, action=action)
    async with uow:
        company = await _company(uow.session, request.company_id, action=action)
        history = await repository.party_org_history(uow.session, company["id"])
        change = change_party_org_mode(
            history,
            mode=enum_text(registry_pb2.PartyOrgMode, request.party_org_mode),
            effective_from=parse_iso_date(request.effective_from, field="effective_from"),
            today=today(),
        )
        mode_today = party_org_mode_on([*history, change], today())
        await repository.add_party_org_change(uow.session, company["id"], change, mode_today=mode_today)
        event = events_pb2.CompanyPartyOrgModeChanged(
            company_id=company["id"],
            jurisdiction_path=company["jurisdiction_path"],
            party_org_mode=change.mode.value,
            effective_from=change.effective_from.isoformat(),
        )
        await uow.publish(event, aggregate_id=company["id"])
        row = await repository.get(uow.session, company["id"])
        await uow.commit()
    assert row is not None
    return repository.company_message(row)
