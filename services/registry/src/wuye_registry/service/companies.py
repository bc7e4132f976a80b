"""Use cases for property service companies and their service contracts with compounds."""

from __future__ import annotations

from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.proto_enums import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import iso_or_empty, optional_iso_date, parse_iso_date, require_text
from wuye_registry.adapters import companies as repository
from wuye_registry.domain.companies import (
    PropertyCompany,
    ServiceContract,
    check_no_overlapping_contract,
    terminate,
)
from wuye_registry.service.access import COMPANY_REGISTRARS, compound, jurisdiction


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
        await repository.add(uow.session, company_id, company, jurisdiction_path=place["path"])
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
