"""gRPC servicer: protobuf in, a command to its handler, protobuf out. No rules here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from fractions import Fraction
from typing import TypeVar

import grpc

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2 as api
from wuye.registry.v1 import registry_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.pii import mask_name
from wuye_chassis.proto_values import enum_number, enum_text, ratio_fields
from wuye_chassis.validation import iso_or_empty
from wuye_registry.adapters.committees import PlacedCommittee
from wuye_registry.adapters.companies import CompanyRecord, PlacedContract
from wuye_registry.adapters.events import jurisdiction_message, post_message
from wuye_registry.adapters.governance import CadreLinkRecord, CandidateRecord, PartyOrganisationRecord
from wuye_registry.adapters.people import PersonView
from wuye_registry.adapters.places import BuildingRecord, CompoundRecord, HouseholdRecord
from wuye_registry.domain import commands
from wuye_registry.domain.area import format_area_m2
from wuye_registry.domain.committees import CommitteeWarning
from wuye_registry.service import (
    committees,
    companies,
    coverage,
    governance,
    jurisdictions,
    people,
    places,
    posts,
    service_coverage,
)
from wuye_registry.service.bulk_import import upload
from wuye_registry.service.committees import FormedCommittee, OverdueListing
from wuye_registry.service.coverage import Coverage
from wuye_registry.service.places import OwnerRoster
from wuye_registry.service.service_coverage import CompoundNeed
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["RegistryService"].full_name
#: the owner key of the developer's unsold units, which count as one owner together (V4)
T = TypeVar("T")


# --- domain and records → messages ---------------------------------------------------------------


def compound_message(compound: CompoundRecord) -> api.Compound:
    return api.Compound(
        id=compound.compound_id,
        code=compound.code,
        name=compound.name,
        compound_type=enum_number(api.CompoundType, compound.compound_type),
        management_mode=enum_number(api.ManagementMode, compound.management_mode),
        jurisdiction_path=compound.jurisdiction_path,
    )


def building_message(building: BuildingRecord) -> api.Building:
    return api.Building(
        id=building.building_id, compound_id=building.compound_id, code=building.code, name=building.name
    )


def household_message(household: HouseholdRecord) -> api.Household:
    return api.Household(
        id=household.household_id,
        compound_id=household.compound_id,
        building_id=household.building_id,
        unit_number=household.unit_number,
        area_dm2=household.area_dm2,
        area_m2=format_area_m2(household.area_dm2),
        developer_unsold=household.developer_unsold,
        owners=[api.OwnerShare(person_id=owner.person_id, share=str(owner.share)) for owner in household.owners],
    )


def person_message(person: PersonView) -> api.Person:
    return api.Person(
        id=person.person_id,
        name=person.name,
        jurisdiction_path=person.jurisdiction_path,
        phone=person.phone,
        id_number=person.id_number,
        is_party_member=person.is_party_member,
        revealed=person.revealed,
    )


def party_organisation_message(organisation: PartyOrganisationRecord) -> api.PartyOrganisation:
    node = organisation.node
    return api.PartyOrganisation(
        id=node.key,
        # the domain's party levels are numbered as the API's
        level=api.PartyLevel.ValueType(node.level.value),
        name=node.name,
        parent_id=node.parent_key or "",
        jurisdiction_path=organisation.jurisdiction_path,
        compound_id=organisation.compound_id or "",
        building_id=organisation.building_id or "",
        household_id=organisation.household_id or "",
        secretary_person_id=node.secretary_person_key or "",
        established_on=node.established_on.isoformat(),
    )


def committee_message(placed: PlacedCommittee) -> api.Committee:
    committee = placed.committee
    return api.Committee(
        id=committee.key,
        compound_id=placed.compound_id,
        kind=enum_number(api.CommitteeKind, committee.kind),
        status=enum_number(api.CommitteeStatus, committee.status),
        term_number=committee.term_number,
        term_start=committee.term.start.isoformat(),
        term_end=committee.term.end.isoformat(),
        dissolved_on=iso_or_empty(committee.dissolved_on),
        members=[
            api.CommitteeMember(
                person_id=member.person_key,
                role=enum_number(api.MemberRole, member.role),
                is_party_member=member.is_party_member,
                is_branch_secretary=member.is_branch_secretary,
                is_community_two_committee_member=member.is_community_two_committee_member,
                is_owner=member.is_owner,
            )
            for member in committee.members
        ],
        is_red=committee.is_red,
        is_dual_role=committee.is_dual_role,
        jurisdiction_path=placed.jurisdiction_path,
        filed_on=iso_or_empty(committee.filed_on),
    )


def warning_messages(warnings: Sequence[CommitteeWarning]) -> list[api.CommitteeWarning]:
    return [api.CommitteeWarning(rule=w.rule, field=w.field, message=w.message) for w in warnings]


def company_message(company: CompanyRecord) -> api.Company:
    return api.Company(
        id=company.company_id,
        uscc=company.uscc,
        name=company.name,
        jurisdiction_path=company.jurisdiction_path,
        state_owned=company.state_owned,
        party_org_required=company.party_org_required,
        party_org_mode=enum_number(api.PartyOrgMode, company.party_org_mode),
    )


def contract_message(placed: PlacedContract) -> api.ServiceContract:
    contract = placed.contract
    return api.ServiceContract(
        id=contract.key,
        compound_id=placed.compound_id,
        company_id=placed.company_id,
        mode=enum_number(api.ContractMode, contract.mode),
        start_on=contract.start.isoformat(),
        end_on=iso_or_empty(contract.end),
        terminated_on=iso_or_empty(contract.terminated_on),
        bundle_key=contract.bundle_key or "",
    )


def candidate_message(candidate: CandidateRecord) -> api.ReserveCandidate:
    return api.ReserveCandidate(
        id=candidate.candidate_id,
        compound_id=candidate.compound_id,
        person_id=candidate.person_id,
        positions=[enum_number(api.ReservePosition, position) for position in candidate.positions],
        screened_on=candidate.screened_on.isoformat(),
        eligible=candidate.eligible,
        reasons=[
            api.ScreeningReason(code=reason.code, label_zh=reason.label_zh, label_en=reason.label_en)
            for reason in candidate.reasons
        ],
    )


def cadre_link_message(link: CadreLinkRecord) -> api.CadreLink:
    return api.CadreLink(
        id=link.link_id,
        compound_id=link.compound_id,
        person_id=link.person_id,
        post=link.post,
        start_on=link.start_on.isoformat(),
        end_on=iso_or_empty(link.end_on),
    )


def roster_message(found: OwnerRoster) -> api.GetOwnerRosterResponse:
    roster = found.roster
    owners = [
        api.RosterOwner(
            owner_key=owner.owner_key,
            person_ids=owner.person_keys,
            is_developer=owner.is_developer,
            unit_ids=owner.unit_ids,
            area_dm2=owner.area_dm2,
        )
        for owner in roster.owners
    ]
    key_of_unit = {unit_id: owner.owner_key for owner in owners for unit_id in owner.unit_ids}
    return api.GetOwnerRosterResponse(
        owners=owners,
        units=[
            api.RosterUnit(
                unit_id=unit.unit_id,
                building_id=unit.building_id,
                area_dm2=unit.area_dm2,
                owner_key=key_of_unit[unit.unit_id],
                developer_unsold=unit.developer_unsold,
            )
            for unit in found.units
        ],
        owner_count=roster.owner_count,
        unit_count=roster.unit_count,
        total_area_dm2=roster.total_area_dm2,
    )


def ratio(value: Fraction | None) -> api.Ratio:
    """An exact ratio; the empty Ratio (denominator 0) when there is nothing to divide by."""
    return api.Ratio() if value is None else api.Ratio(**ratio_fields(value))


def compound_need_message(need: CompoundNeed) -> api.CompoundNeed:
    return api.CompoundNeed(
        compound=compound_message(need.compound),
        four_failures=[enum_number(api.FourFailure, failure) for failure in sorted(need.four_failures)],
        needs_service=need.needs_service,
    )


def coverage_message(found: Coverage) -> api.GetCoverageResponse:
    counts, figures = found.counts, found.figures
    return api.GetCoverageResponse(
        jurisdiction_path=found.jurisdiction_path,
        as_of=found.as_of.isoformat(),
        compounds=counts.compounds,
        compounds_with_party_branch=counts.compounds_with_party_branch,
        compounds_with_owners_committee=counts.compounds_with_owners_committee,
        owners_committees=counts.owners_committees,
        red_owners_committees=counts.red_owners_committees,
        dual_role_count=figures.dual_role_count,
        two_committee_members=figures.two_committee_members,
        companies_requiring_party_org=counts.companies_requiring_party_org,
        companies_requiring_party_org_covered=counts.companies_requiring_party_org_covered,
        compounds_with_linked_cadre=figures.cadre_linked_compounds,
        party_branch_coverage=ratio(figures.party_branch_coverage),
        owners_committee_formation_rate=ratio(figures.owners_committee_formation_rate),
        owners_committee_formation_meets_target=bool(figures.owners_committee_formation_meets_target),
        red_committee_share=ratio(figures.red_committee_share),
        company_party_org_coverage=ratio(figures.company_party_org_coverage),
        company_party_org_meets_target=bool(figures.company_party_org_meets_target),
        cadre_link_rate=ratio(figures.cadre_link_rate),
        owners_committee_formation_target=ratio(figures.owners_committee_formation_target),
        company_party_org_target=ratio(figures.company_party_org_target),
    )


def overdue_message(found: OverdueListing) -> api.ListOverdueManagementCommitteesResponse:
    return api.ListOverdueManagementCommitteesResponse(
        as_of=found.as_of.isoformat(),
        committees=[
            api.OverdueManagementCommittee(
                committee=committee_message(overdue.candidate.pmc),
                owners_committee_id=overdue.candidate.owners_committee.key,
                owners_committee_filed_on=iso_or_empty(overdue.candidate.owners_committee.filed_on),
                deadline=overdue.check.deadline.isoformat(),
                flagged=overdue.candidate.flagged,
            )
            for overdue in found.committees
        ],
    )


def page(
    found: list[T], limit: int, cursor: Callable[[T], str], *, read: int | None = None
) -> tuple[list[T], common_pb2.PageResponse]:
    """The first ``limit`` of what a listing handler found (it was asked for one more) and the token of
    the next page; ``read`` is how many rows it read, when it filtered some out."""
    shown = found[:limit]
    more = (len(found) if read is None else read) > limit
    return shown, common_pb2.PageResponse(next_page_token=encode_cursor(cursor(shown[-1])) if more and shown else "")


# --- requests → commands -------------------------------------------------------------------------


def owner_shares(owners: Sequence[api.OwnerShare]) -> tuple[commands.OwnerShareInput, ...]:
    return tuple(commands.OwnerShareInput(owner.person_id, owner.share) for owner in owners)


def committee_members(members: Sequence[api.CommitteeMember]) -> tuple[commands.CommitteeMemberInput, ...]:
    # is_party_member and is_owner are output only: the registry's own records decide them
    return tuple(
        commands.CommitteeMemberInput(
            person_id=member.person_id,
            role=enum_text(api.MemberRole, member.role),
            is_branch_secretary=member.is_branch_secretary,
            is_community_two_committee_member=member.is_community_two_committee_member,
        )
        for member in members
    )


def formed_parts(formed: FormedCommittee) -> tuple[api.Committee, list[api.CommitteeWarning]]:
    return committee_message(formed.placed), warning_messages(formed.warnings)


class _StreamedProgress:
    """The import's progress (``bulk_import.county.Progress``) as the stream reports it."""

    def __init__(self) -> None:
        self.expected = 0
        self.done = 0
        self.changed = asyncio.Event()

    def begin(self, rows: int) -> None:
        self.expected = rows
        self.changed.set()

    def advance(self, rows: int) -> None:
        self.done += rows
        self.changed.set()


def import_summary_message(imported: upload.UploadedImport) -> api.ImportSummary:
    summary = imported.summary
    return api.ImportSummary(
        rows_read=summary.rows_read, rows_imported=summary.rows_imported, rows_rejected=summary.rows_rejected,
        bad_rows=summary.bad_rows, batches=summary.batches, batches_rejected=summary.batches_rejected,
        compounds_registered=summary.compounds_registered, compounds_announced=summary.compounds_announced,
        errors=[api.ImportRowError(sheet=error.sheet, row=error.row, field=error.field, rule=error.rule,
                                   message=error.message) for error in imported.errors],
    )


class RegistryServicer(registry_pb2_grpc.RegistryServiceServicer):
    def __init__(self, unit_of_work: Callable[[], RegistryUnitOfWork]) -> None:
        self.uow = unit_of_work

    # --- bulk import of an uploaded workbook --------------------------------------------------------

    async def ImportWorkbook(
        self, request: api.ImportWorkbookRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[api.ImportWorkbookResponse]:
        """The import runs as a task of its own; each batch it finishes is streamed as progress."""
        watched = _StreamedProgress()
        running = asyncio.create_task(upload.import_workbook(
            commands.ImportWorkbook(request.workbook, request.file_name), self.uow(), watched
        ))
        try:
            while not running.done():
                change = asyncio.ensure_future(watched.changed.wait())
                await asyncio.wait({change, running}, return_when=asyncio.FIRST_COMPLETED)
                change.cancel()
                if watched.changed.is_set():
                    watched.changed.clear()
                    yield api.ImportWorkbookResponse(rows_expected=watched.expected, rows_done=watched.done)
            imported = running.result()
        finally:
            # the caller went away: the batch in hand rolls back, those done stay (an upload is idempotent)
            running.cancel()
        yield api.ImportWorkbookResponse(
            rows_expected=imported.summary.rows_read, rows_done=imported.summary.rows_read,
            summary=import_summary_message(imported),
        )

    # --- jurisdictions -----------------------------------------------------------------------------

    async def RegisterJurisdiction(
        self, request: api.RegisterJurisdictionRequest, context: grpc.aio.ServicerContext
    ) -> api.RegisterJurisdictionResponse:
        jurisdiction = await jurisdictions.register_jurisdiction(
            commands.RegisterJurisdiction(parent_code=request.parent_code, code=request.code, name=request.name),
            self.uow(),
        )
        return api.RegisterJurisdictionResponse(jurisdiction=jurisdiction_message(jurisdiction))

    async def GetJurisdiction(
        self, request: api.GetJurisdictionRequest, context: grpc.aio.ServicerContext
    ) -> api.GetJurisdictionResponse:
        jurisdiction = await jurisdictions.get_jurisdiction(commands.GetJurisdiction(request.code), self.uow())
        return api.GetJurisdictionResponse(jurisdiction=jurisdiction_message(jurisdiction))

    async def ListJurisdictions(
        self, request: api.ListJurisdictionsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListJurisdictionsResponse:
        limit = page_size(request.page.page_size)
        listing = await jurisdictions.list_jurisdictions(
            commands.ListJurisdictions(
                request.parent_code, after=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(listing.jurisdictions, limit, lambda j: j.division_code, read=listing.read)
        return api.ListJurisdictionsResponse(
            jurisdictions=[jurisdiction_message(jurisdiction) for jurisdiction in shown], page=next_page
        )

    # --- compounds, buildings, households ----------------------------------------------------------

    async def RegisterCompound(
        self, request: api.RegisterCompoundRequest, context: grpc.aio.ServicerContext
    ) -> api.RegisterCompoundResponse:
        compound = await places.register_compound(
            commands.RegisterCompound(
                community_code=request.community_code,
                code=request.code,
                name=request.name,
                compound_type=enum_text(api.CompoundType, request.compound_type),
                management_mode=enum_text(api.ManagementMode, request.management_mode),
            ),
            self.uow(),
        )
        return api.RegisterCompoundResponse(compound=compound_message(compound))

    async def UpdateCompound(
        self, request: api.UpdateCompoundRequest, context: grpc.aio.ServicerContext
    ) -> api.UpdateCompoundResponse:
        compound = await places.update_compound(
            commands.UpdateCompound(
                compound_id=request.compound_id,
                name=request.name,
                compound_type=enum_text(api.CompoundType, request.compound_type),
                management_mode=enum_text(api.ManagementMode, request.management_mode),
            ),
            self.uow(),
        )
        return api.UpdateCompoundResponse(compound=compound_message(compound))

    async def GetCompound(
        self, request: api.GetCompoundRequest, context: grpc.aio.ServicerContext
    ) -> api.GetCompoundResponse:
        details = await places.get_compound(commands.GetCompound(request.compound_id), self.uow())
        return api.GetCompoundResponse(
            compound=compound_message(details.compound),
            jurisdictions=[jurisdiction_message(jurisdiction) for jurisdiction in details.jurisdictions],
            current_company=None if details.company is None else company_message(details.company),
            current_contract=None if details.contract is None else contract_message(details.contract),
        )

    async def ListCompounds(
        self, request: api.ListCompoundsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCompoundsResponse:
        limit = page_size(request.page.page_size)
        found = await places.list_compounds(
            commands.ListCompounds(
                request.jurisdiction_code, after=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda compound: compound.compound_id)
        return api.ListCompoundsResponse(compounds=[compound_message(compound) for compound in shown], page=next_page)

    async def AddBuilding(
        self, request: api.AddBuildingRequest, context: grpc.aio.ServicerContext
    ) -> api.AddBuildingResponse:
        building = await places.add_building(
            commands.AddBuilding(request.compound_id, code=request.code, name=request.name), self.uow()
        )
        return api.AddBuildingResponse(building=building_message(building))

    async def ListBuildings(
        self, request: api.ListBuildingsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListBuildingsResponse:
        found = await places.list_buildings(commands.ListBuildings(request.compound_id), self.uow())
        return api.ListBuildingsResponse(buildings=[building_message(building) for building in found])

    async def AddHousehold(
        self, request: api.AddHouseholdRequest, context: grpc.aio.ServicerContext
    ) -> api.AddHouseholdResponse:
        household = await places.add_household(
            commands.AddHousehold(
                building_id=request.building_id,
                unit_number=request.unit_number,
                area_dm2=request.area_dm2,
                developer_unsold=request.developer_unsold,
                owners=owner_shares(request.owners),
            ),
            self.uow(),
        )
        return api.AddHouseholdResponse(household=household_message(household))

    async def SetHouseholdOwners(
        self, request: api.SetHouseholdOwnersRequest, context: grpc.aio.ServicerContext
    ) -> api.SetHouseholdOwnersResponse:
        household = await places.set_household_owners(
            commands.SetHouseholdOwners(
                household_id=request.household_id,
                developer_unsold=request.developer_unsold,
                owners=owner_shares(request.owners),
            ),
            self.uow(),
        )
        return api.SetHouseholdOwnersResponse(household=household_message(household))

    async def GetOwnerRoster(
        self, request: api.GetOwnerRosterRequest, context: grpc.aio.ServicerContext
    ) -> api.GetOwnerRosterResponse:
        found = await places.get_owner_roster(
            commands.GetOwnerRoster(request.compound_id, building_ids=tuple(request.building_ids)), self.uow()
        )
        return roster_message(found)

    async def GetHousehold(
        self, request: api.GetHouseholdRequest, context: grpc.aio.ServicerContext
    ) -> api.GetHouseholdResponse:
        found = await places.get_household(commands.GetHousehold(request.household_id), self.uow())
        return api.GetHouseholdResponse(
            household=household_message(found.household), jurisdiction_path=found.jurisdiction_path
        )

    async def ListHouseholds(
        self, request: api.ListHouseholdsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListHouseholdsResponse:
        limit = page_size(request.page.page_size)
        found = await places.list_households(
            commands.ListHouseholds(
                request.compound_id,
                building_id=request.building_id,
                after=decode_cursor(request.page.page_token) or "",
                limit=limit + 1,
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda household: household.household_id)
        return api.ListHouseholdsResponse(
            households=[household_message(household) for household in shown], page=next_page
        )

    # --- people ------------------------------------------------------------------------------------

    async def RegisterPerson(
        self, request: api.RegisterPersonRequest, context: grpc.aio.ServicerContext
    ) -> api.RegisterPersonResponse:
        person = await people.register_person(
            commands.RegisterPerson(
                community_code=request.community_code,
                name=request.name,
                phone=request.phone,
                id_number=request.id_number,
                is_party_member=request.is_party_member,
            ),
            self.uow(),
        )
        return api.RegisterPersonResponse(person=person_message(person))

    async def GetPerson(self, request: api.GetPersonRequest, context: grpc.aio.ServicerContext) -> api.GetPersonResponse:
        person = await people.get_person(
            commands.GetPerson(
                request.person_id, reveal_personal_data=request.reveal_personal_data, purpose=request.purpose
            ),
            self.uow(),
        )
        return api.GetPersonResponse(person=person_message(person))

    async def FindPeople(
        self, request: api.FindPeopleRequest, context: grpc.aio.ServicerContext
    ) -> api.FindPeopleResponse:
        found = await people.find_people(
            commands.FindPeople(request.jurisdiction_code, phone=request.phone, id_number=request.id_number),
            self.uow(),
        )
        return api.FindPeopleResponse(people=[person_message(person) for person in found])

    # --- party organisation, reserve pool, cadre links ---------------------------------------------

    async def AddPartyOrganisation(
        self, request: api.AddPartyOrganisationRequest, context: grpc.aio.ServicerContext
    ) -> api.AddPartyOrganisationResponse:
        organisation = await governance.add_party_organisation(
            commands.AddPartyOrganisation(
                level=request.level,
                name=request.name,
                parent_id=request.parent_id,
                community_code=request.community_code,
                compound_id=request.compound_id,
                building_id=request.building_id,
                household_id=request.household_id,
                secretary_person_id=request.secretary_person_id,
                established_on=request.established_on,
            ),
            self.uow(),
        )
        return api.AddPartyOrganisationResponse(organisation=party_organisation_message(organisation))

    async def ListPartyOrganisations(
        self, request: api.ListPartyOrganisationsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListPartyOrganisationsResponse:
        found = await governance.list_party_organisations(
            commands.ListPartyOrganisations(request.jurisdiction_code), self.uow()
        )
        return api.ListPartyOrganisationsResponse(
            organisations=[party_organisation_message(organisation) for organisation in found]
        )

    async def ProposeCandidate(
        self, request: api.ProposeCandidateRequest, context: grpc.aio.ServicerContext
    ) -> api.ProposeCandidateResponse:
        candidate = await governance.propose_reserve_candidate(
            commands.ProposeCandidate(
                compound_id=request.compound_id,
                person_id=request.person_id,
                positions=tuple(enum_text(api.ReservePosition, position) for position in request.positions),
                screened_on=request.screened_on,
                uncorrected_illegal_construction=request.uncorrected_illegal_construction,
                unpaid_property_fees=request.unpaid_property_fees,
                unpaid_fund_deposits=request.unpaid_fund_deposits,
                company_ties=tuple(
                    commands.CompanyTieInput(
                        company_uscc=tie.company_uscc,
                        relation=enum_text(api.Relation, tie.relation),
                        kind=enum_text(api.TieKind, tie.kind),
                    )
                    for tie in request.company_ties
                ),
                listed_judgment_defaulter=request.listed_judgment_defaulter,
                serving_sentence=request.serving_sentence,
                sentence_completed_on=request.sentence_completed_on,
            ),
            self.uow(),
        )
        return api.ProposeCandidateResponse(candidate=candidate_message(candidate))

    async def LinkCadre(self, request: api.LinkCadreRequest, context: grpc.aio.ServicerContext) -> api.LinkCadreResponse:
        link = await governance.link_cadre(
            commands.LinkCadre(
                compound_id=request.compound_id,
                person_id=request.person_id,
                post=request.post,
                start_on=request.start_on,
                end_on=request.end_on,
            ),
            self.uow(),
        )
        return api.LinkCadreResponse(link=cadre_link_message(link))

    async def ListReserveCandidates(
        self, request: api.ListReserveCandidatesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListReserveCandidatesResponse:
        found = await governance.list_reserve_candidates(
            commands.ListReserveCandidates(request.compound_id), self.uow()
        )
        return api.ListReserveCandidatesResponse(candidates=[candidate_message(candidate) for candidate in found])

    async def ListCadreLinks(
        self, request: api.ListCadreLinksRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCadreLinksResponse:
        found = await governance.list_cadre_links(commands.ListCadreLinks(request.compound_id), self.uow())
        return api.ListCadreLinksResponse(links=[cadre_link_message(link) for link in found])

    # --- committees --------------------------------------------------------------------------------

    async def FormCommittee(
        self, request: api.FormCommitteeRequest, context: grpc.aio.ServicerContext
    ) -> api.FormCommitteeResponse:
        formed = await committees.form(
            commands.FormCommittee(
                compound_id=request.compound_id,
                kind=enum_text(api.CommitteeKind, request.kind),
                members=committee_members(request.members),
                term_start=request.term_start,
                term_end=request.term_end,
                validate_only=request.validate_only,
            ),
            self.uow(),
        )
        committee, warnings = formed_parts(formed)
        return api.FormCommitteeResponse(committee=committee, warnings=warnings)

    async def ReElectCommittee(
        self, request: api.ReElectCommitteeRequest, context: grpc.aio.ServicerContext
    ) -> api.ReElectCommitteeResponse:
        formed = await committees.re_elect_committee(
            commands.ReElectCommittee(
                committee_id=request.committee_id,
                members=committee_members(request.members),
                term_start=request.term_start,
                term_end=request.term_end,
            ),
            self.uow(),
        )
        committee, warnings = formed_parts(formed)
        return api.ReElectCommitteeResponse(committee=committee, warnings=warnings)

    async def DissolveCommittee(
        self, request: api.DissolveCommitteeRequest, context: grpc.aio.ServicerContext
    ) -> api.DissolveCommitteeResponse:
        placed = await committees.dissolve_committee(
            commands.DissolveCommittee(request.committee_id, dissolved_on=request.dissolved_on), self.uow()
        )
        return api.DissolveCommitteeResponse(committee=committee_message(placed))

    async def GetCommittee(
        self, request: api.GetCommitteeRequest, context: grpc.aio.ServicerContext
    ) -> api.GetCommitteeResponse:
        placed = await committees.get_committee(commands.GetCommittee(request.committee_id), self.uow())
        return api.GetCommitteeResponse(committee=committee_message(placed))

    async def ListCommittees(
        self, request: api.ListCommitteesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCommitteesResponse:
        found = await committees.list_committees(commands.ListCommittees(request.compound_id), self.uow())
        return api.ListCommitteesResponse(committees=[committee_message(placed) for placed in found])

    async def FileCommittee(
        self, request: api.FileCommitteeRequest, context: grpc.aio.ServicerContext
    ) -> api.FileCommitteeResponse:
        placed = await committees.file_committee(
            commands.FileCommittee(request.committee_id, filed_on=request.filed_on), self.uow()
        )
        return api.FileCommitteeResponse(committee=committee_message(placed))

    async def ListOverdueManagementCommittees(
        self, request: api.ListOverdueManagementCommitteesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListOverdueManagementCommitteesResponse:
        found = await committees.list_overdue_management_committees(
            commands.ListOverdueManagementCommittees(request.jurisdiction_code, as_of=request.as_of), self.uow()
        )
        return overdue_message(found)

    # --- companies and contracts -------------------------------------------------------------------

    async def RegisterCompany(
        self, request: api.RegisterCompanyRequest, context: grpc.aio.ServicerContext
    ) -> api.RegisterCompanyResponse:
        company = await companies.register_company(
            commands.RegisterCompany(
                jurisdiction_code=request.jurisdiction_code,
                uscc=request.uscc,
                name=request.name,
                state_owned=request.state_owned,
                party_org_required=request.party_org_required,
                party_org_mode=enum_text(api.PartyOrgMode, request.party_org_mode),
                party_org_mode_since=request.party_org_mode_since,
            ),
            self.uow(),
        )
        return api.RegisterCompanyResponse(company=company_message(company))

    async def StartContract(
        self, request: api.StartContractRequest, context: grpc.aio.ServicerContext
    ) -> api.StartContractResponse:
        placed = await companies.start_contract(
            commands.StartContract(
                compound_id=request.compound_id,
                company_id=request.company_id,
                mode=enum_text(api.ContractMode, request.mode),
                start_on=request.start_on,
                end_on=request.end_on,
                bundle_key=request.bundle_key,
            ),
            self.uow(),
        )
        return api.StartContractResponse(contract=contract_message(placed))

    async def EndContract(
        self, request: api.EndContractRequest, context: grpc.aio.ServicerContext
    ) -> api.EndContractResponse:
        placed = await companies.end_contract(
            commands.EndContract(request.contract_id, terminated_on=request.terminated_on), self.uow()
        )
        return api.EndContractResponse(contract=contract_message(placed))

    async def GetCompany(self, request: api.GetCompanyRequest, context: grpc.aio.ServicerContext) -> api.GetCompanyResponse:
        company = await companies.get_company(commands.GetCompany(request.company_id), self.uow())
        return api.GetCompanyResponse(company=company_message(company))

    async def ListCompanies(
        self, request: api.ListCompaniesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCompaniesResponse:
        limit = page_size(request.page.page_size)
        found = await companies.list_companies(
            commands.ListCompanies(
                request.jurisdiction_code, after=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda company: company.company_id)
        return api.ListCompaniesResponse(companies=[company_message(company) for company in shown], page=next_page)

    async def ChangeCompanyPartyOrgMode(
        self, request: api.ChangeCompanyPartyOrgModeRequest, context: grpc.aio.ServicerContext
    ) -> api.ChangeCompanyPartyOrgModeResponse:
        company = await companies.change_company_party_org_mode(
            commands.ChangeCompanyPartyOrgMode(
                company_id=request.company_id,
                party_org_mode=enum_text(api.PartyOrgMode, request.party_org_mode),
                effective_from=request.effective_from,
            ),
            self.uow(),
        )
        return api.ChangeCompanyPartyOrgModeResponse(company=company_message(company))

    # --- coverage ----------------------------------------------------------------------------------

    async def GetCoverage(
        self, request: api.GetCoverageRequest, context: grpc.aio.ServicerContext
    ) -> api.GetCoverageResponse:
        found = await coverage.get_coverage(
            commands.GetCoverage(request.jurisdiction_code, as_of=request.as_of), self.uow()
        )
        return coverage_message(found)

    # --- service coverage (O7) ---------------------------------------------------------------------

    async def SetFourFailures(
        self, request: api.SetFourFailuresRequest, context: grpc.aio.ServicerContext
    ) -> api.SetFourFailuresResponse:
        need = await service_coverage.set_four_failures(
            commands.SetFourFailures(
                request.compound_id,
                tuple(enum_text(api.FourFailure, value) or "" for value in request.four_failures),
            ),
            self.uow(),
        )
        return api.SetFourFailuresResponse(compound=compound_need_message(need))

    async def GetServiceCoverage(
        self, request: api.GetServiceCoverageRequest, context: grpc.aio.ServicerContext
    ) -> api.GetServiceCoverageResponse:
        path, found = await service_coverage.get_service_coverage(
            commands.GetServiceCoverage(request.jurisdiction_code), self.uow()
        )
        return api.GetServiceCoverageResponse(
            jurisdiction_path=path, compounds=found.compounds,
            by_mode=[api.ModeCount(mode=enum_number(api.ManagementMode, mode), compounds=count)
                     for mode, count in found.by_mode.items()],
            covered=found.covered, full_coverage=ratio(found.full_coverage),
            four_failure_compounds=found.four_failure_compounds, needing_service=found.needing_service,
        )

    async def ListCompoundsNeedingService(
        self, request: api.ListCompoundsNeedingServiceRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCompoundsNeedingServiceResponse:
        limit = page_size(request.page.page_size)
        found = await service_coverage.list_compounds_needing_service(
            commands.ListCompoundsNeedingService(
                request.jurisdiction_code, after=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda need: need.compound.compound_id)
        return api.ListCompoundsNeedingServiceResponse(
            compounds=[compound_need_message(need) for need in shown], page=next_page
        )

    # --- who acts (RULES.md A1) --------------------------------------------------------------------

    async def SetPartyMembership(
        self, request: api.SetPartyMembershipRequest, context: grpc.aio.ServicerContext
    ) -> api.SetPartyMembershipResponse:
        person = await posts.set_party_membership(
            commands.SetPartyMembership(request.person_id, request.is_party_member, since=request.since), self.uow()
        )
        return api.SetPartyMembershipResponse(person=person_message(person))

    async def AssignPost(
        self, request: api.AssignPostRequest, context: grpc.aio.ServicerContext
    ) -> api.AssignPostResponse:
        post = await posts.assign_post(
            commands.AssignPost(
                request.person_id, enum_text(api.PostKind, request.kind), request.jurisdiction_code,
                company_id=request.company_id, department=request.department, started_on=request.started_on,
            ),
            self.uow(),
        )
        return api.AssignPostResponse(post=post_message(post))

    async def EndPost(self, request: api.EndPostRequest, context: grpc.aio.ServicerContext) -> api.EndPostResponse:
        post = await posts.end_post(commands.EndPost(request.post_id, ended_on=request.ended_on), self.uow())
        return api.EndPostResponse(post=post_message(post))

    async def ListPosts(
        self, request: api.ListPostsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListPostsResponse:
        found = await posts.list_posts(
            commands.ListPosts(request.person_id, request.jurisdiction_code, on=request.on), self.uow()
        )
        return api.ListPostsResponse(posts=[post_message(post) for post in found])

    async def ResolveActor(
        self, request: api.ResolveActorRequest, context: grpc.aio.ServicerContext
    ) -> api.ResolveActorResponse:
        resolved = await posts.resolve_actor(
            commands.ResolveActor(request.subject, verified_phone=request.verified_phone), self.uow()
        )
        actor = api.Actor(
            person_id=resolved.person.person_id,
            name=mask_name(resolved.person.name),
            posts=[post_message(post) for post in resolved.posts],
            units=[
                api.OwnedUnit(household_id=unit.household_id, compound_id=unit.compound_id,
                              jurisdiction_path=unit.jurisdiction_path, owner_key=unit.owner_key)
                for unit in resolved.units
            ],
            committee_seats=[
                api.CommitteeSeat(
                    committee_id=seat.committee_id, compound_id=seat.compound_id,
                    jurisdiction_path=seat.jurisdiction_path, kind=enum_number(api.CommitteeKind, seat.kind),
                    role=enum_number(api.MemberRole, seat.role),
                )
                for seat in resolved.committee_seats
            ],
        )
        return api.ResolveActorResponse(actor=actor, newly_bound=resolved.newly_bound)


def servicer(unit_of_work: Callable[[], RegistryUnitOfWork]) -> Servicer:
    return Servicer(
        RegistryServicer(unit_of_work), registry_pb2_grpc.add_RegistryServiceServicer_to_server, SERVICE_NAME
    )
