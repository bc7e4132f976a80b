"""gRPC servicer: protobuf in, use case, protobuf out. No rules here."""

from __future__ import annotations

import grpc

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.pii import PersonalDataCipher
from wuye_registry.adapters import jurisdictions as repository
from wuye_registry.service import (
    committees,
    companies,
    compound_views,
    coverage,
    governance,
    jurisdictions,
    people,
    places,
)

SERVICE_NAME = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


class RegistryServicer(registry_pb2_grpc.RegistryServiceServicer):
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        # refuses to start without WUYE_PII_KEY unless the database is a local SQLite file
        self.cipher = PersonalDataCipher.from_settings(runtime.settings)

    async def RegisterJurisdiction(
        self, request: registry_pb2.RegisterJurisdictionRequest, context: grpc.aio.ServicerContext
    ) -> registry_pb2.RegisterJurisdictionResponse:
        jurisdiction = await jurisdictions.register_jurisdiction(
            self.runtime.unit_of_work(), parent_code=request.parent_code, code=request.code, name=request.name
        )
        return registry_pb2.RegisterJurisdictionResponse(jurisdiction=jurisdiction)

    async def GetJurisdiction(
        self, request: registry_pb2.GetJurisdictionRequest, context: grpc.aio.ServicerContext
    ) -> registry_pb2.GetJurisdictionResponse:
        if not request.code:
            raise InvalidArgument("code must not be empty", field="code")
        async with self.runtime.db.reads() as session:
            row = await repository.get(session, request.code)
        if row is None:
            raise NotFound(f"jurisdiction {request.code} does not exist", field="code")
        auth.require_access(row["path"], action="read a jurisdiction")
        return registry_pb2.GetJurisdictionResponse(jurisdiction=repository.to_message(row))

    async def ListJurisdictions(
        self, request: registry_pb2.ListJurisdictionsRequest, context: grpc.aio.ServicerContext
    ) -> registry_pb2.ListJurisdictionsResponse:
        limit = page_size(request.page.page_size)
        after = decode_cursor(request.page.page_token)
        caller = auth.current()
        async with self.runtime.db.reads() as session:
            if request.parent_code:
                parent = await repository.get(session, request.parent_code)
                if parent is None:
                    raise NotFound(f"jurisdiction {request.parent_code} does not exist", field="parent_code")
                auth.require_access(parent["path"], action="list jurisdictions")
            rows = await repository.children(session, request.parent_code or None, after, limit + 1)
        # top-level listing: only the cities the caller may see
        visible = [row for row in rows if caller.can_access(row["path"])] if not request.parent_code else rows
        page, more = visible[:limit], len(rows) > limit
        return registry_pb2.ListJurisdictionsResponse(
            jurisdictions=[repository.to_message(row) for row in page],
            page=common_pb2.PageResponse(next_page_token=encode_cursor(page[-1]["code"]) if more and page else ""),
        )

    async def RegisterCompound(self, request, context):  # type: ignore[no-untyped-def]
        compound = await places.register_compound(self.runtime.unit_of_work(), request)
        return registry_pb2.RegisterCompoundResponse(compound=compound)

    async def UpdateCompound(self, request, context):  # type: ignore[no-untyped-def]
        compound = await places.update_compound(self.runtime.unit_of_work(), request)
        return registry_pb2.UpdateCompoundResponse(compound=compound)

    async def GetCompound(self, request, context):  # type: ignore[no-untyped-def]
        return await compound_views.get_compound(self.runtime.db.reads, request.compound_id)

    async def ListCompounds(self, request, context):  # type: ignore[no-untyped-def]
        return await compound_views.list_compounds(self.runtime.db.reads, request)

    async def AddBuilding(self, request, context):  # type: ignore[no-untyped-def]
        building = await places.add_building(self.runtime.unit_of_work(), request)
        return registry_pb2.AddBuildingResponse(building=building)

    async def ListBuildings(self, request, context):  # type: ignore[no-untyped-def]
        buildings = await compound_views.list_buildings(self.runtime.db.reads, request.compound_id)
        return registry_pb2.ListBuildingsResponse(buildings=buildings)

    async def AddHousehold(self, request, context):  # type: ignore[no-untyped-def]
        household = await places.add_household(self.runtime.unit_of_work(), request)
        return registry_pb2.AddHouseholdResponse(household=household)

    async def SetHouseholdOwners(self, request, context):  # type: ignore[no-untyped-def]
        household = await places.set_household_owners(self.runtime.unit_of_work(), request)
        return registry_pb2.SetHouseholdOwnersResponse(household=household)

    async def GetOwnerRoster(self, request, context):  # type: ignore[no-untyped-def]
        return await places.owner_roster(self.runtime.db.reads, request)

    async def ListHouseholds(self, request, context):  # type: ignore[no-untyped-def]
        return await compound_views.list_households(self.runtime.db.reads, request)

    async def RegisterPerson(self, request, context):  # type: ignore[no-untyped-def]
        person = await people.register_person(self.runtime.unit_of_work(), self.cipher, request)
        return registry_pb2.RegisterPersonResponse(person=person)

    async def GetPerson(self, request, context):  # type: ignore[no-untyped-def]
        if request.reveal_personal_data:
            person = await people.reveal_person(self.runtime.unit_of_work(), self.cipher, request)
        else:
            person = await people.get_person(self.runtime.db.reads, self.cipher, request.person_id)
        return registry_pb2.GetPersonResponse(person=person)

    async def FindPeople(self, request, context):  # type: ignore[no-untyped-def]
        found = await people.find_people(self.runtime.db.reads, self.cipher, request)
        return registry_pb2.FindPeopleResponse(people=found)

    async def AddPartyOrganisation(self, request, context):  # type: ignore[no-untyped-def]
        organisation = await governance.add_party_organisation(self.runtime.unit_of_work(), request)
        return registry_pb2.AddPartyOrganisationResponse(organisation=organisation)

    async def ListPartyOrganisations(self, request, context):  # type: ignore[no-untyped-def]
        found = await governance.list_party_organisations(self.runtime.db.reads, request.jurisdiction_code)
        return registry_pb2.ListPartyOrganisationsResponse(organisations=found)

    async def FormCommittee(self, request, context):  # type: ignore[no-untyped-def]
        committee, warnings = await committees.form(self.runtime.unit_of_work(), request)
        return registry_pb2.FormCommitteeResponse(committee=committee, warnings=warnings)

    async def ReElectCommittee(self, request, context):  # type: ignore[no-untyped-def]
        committee, warnings = await committees.re_elect_committee(self.runtime.unit_of_work(), request)
        return registry_pb2.ReElectCommitteeResponse(committee=committee, warnings=warnings)

    async def DissolveCommittee(self, request, context):  # type: ignore[no-untyped-def]
        committee = await committees.dissolve_committee(self.runtime.unit_of_work(), request)
        return registry_pb2.DissolveCommitteeResponse(committee=committee)

    async def GetCommittee(self, request, context):  # type: ignore[no-untyped-def]
        committee = await committees.get_committee(self.runtime.db.reads, request.committee_id)
        return registry_pb2.GetCommitteeResponse(committee=committee)

    async def FileCommittee(self, request, context):  # type: ignore[no-untyped-def]
        committee = await committees.file_committee(self.runtime.unit_of_work(), request)
        return registry_pb2.FileCommitteeResponse(committee=committee)

    async def ListOverdueManagementCommittees(self, request, context):  # type: ignore[no-untyped-def]
        return await committees.list_overdue_management_committees(self.runtime.db.reads, request)

    async def RegisterCompany(self, request, context):  # type: ignore[no-untyped-def]
        company = await companies.register_company(self.runtime.unit_of_work(), request)
        return registry_pb2.RegisterCompanyResponse(company=company)

    async def StartContract(self, request, context):  # type: ignore[no-untyped-def]
        contract = await companies.start_contract(self.runtime.unit_of_work(), request)
        return registry_pb2.StartContractResponse(contract=contract)

    async def EndContract(self, request, context):  # type: ignore[no-untyped-def]
        contract = await companies.end_contract(self.runtime.unit_of_work(), request)
        return registry_pb2.EndContractResponse(contract=contract)

    async def GetCompany(self, request, context):  # type: ignore[no-untyped-def]
        company = await companies.get_company(self.runtime.db.reads, request.company_id)
        return registry_pb2.GetCompanyResponse(company=company)

    async def ListCompanies(self, request, context):  # type: ignore[no-untyped-def]
        return await companies.list_companies(self.runtime.db.reads, request)

    async def ChangeCompanyPartyOrgMode(self, request, context):  # type: ignore[no-untyped-def]
        company = await companies.change_company_party_org_mode(self.runtime.unit_of_work(), request)
        return registry_pb2.ChangeCompanyPartyOrgModeResponse(company=company)

    async def ProposeCandidate(self, request, context):  # type: ignore[no-untyped-def]
        candidate = await governance.propose(self.runtime.unit_of_work(), request)
        return registry_pb2.ProposeCandidateResponse(candidate=candidate)

    async def LinkCadre(self, request, context):  # type: ignore[no-untyped-def]
        link = await governance.link_cadre(self.runtime.unit_of_work(), request)
        return registry_pb2.LinkCadreResponse(link=link)

    async def ListReserveCandidates(self, request, context):  # type: ignore[no-untyped-def]
        found = await governance.list_reserve_candidates(self.runtime.db.reads, request.compound_id)
        return registry_pb2.ListReserveCandidatesResponse(candidates=found)

    async def ListCadreLinks(self, request, context):  # type: ignore[no-untyped-def]
        links = await governance.list_cadre_links(self.runtime.db.reads, request.compound_id)
        return registry_pb2.ListCadreLinksResponse(links=links)

    async def GetCoverage(self, request, context):  # type: ignore[no-untyped-def]
        return await coverage.get_coverage(self.runtime.db.reads, request)


def registrar(runtime: ServiceRuntime) -> Servicer:  # type: ignore[type-arg]
    return Servicer(RegistryServicer(runtime), registry_pb2_grpc.add_RegistryServiceServicer_to_server, SERVICE_NAME)
