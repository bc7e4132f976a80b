"""Handlers for the four-level party organisation, the candidate reserve pool (O5) and cadre links."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.validation import optional_iso_date, parse_choice, parse_iso_date, require_text
from wuye_registry.adapters.governance import CadreLinkRecord, CandidateRecord, PartyOrganisationRecord
from wuye_registry.domain import commands
from wuye_registry.domain.party import PartyLevel, PartyNode
from wuye_registry.domain.reserve_pool import CandidateFacts, CompanyTie, propose_candidate
from wuye_registry.service import access
from wuye_registry.service.access import REGISTRY_KEEPERS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


@dataclass(frozen=True)
class _Attachment:
    """What a node organises: its place, the domain's ``attached_to`` and the one id column it fills."""

    jurisdiction_path: str
    attached_to: str
    compound_id: str | None = None
    building_id: str | None = None
    household_id: str | None = None


async def _attachment(
    uow: RegistryUnitOfWork, command: commands.AddPartyOrganisation, level: PartyLevel, action: str
) -> _Attachment:
    if level is PartyLevel.COMMUNITY_COMMITTEE:
        place = await access.jurisdiction(uow, command.community_code, field="community_code", action=action)
        return _Attachment(str(place.path), str(place.path))
    if level is PartyLevel.COMPOUND_BRANCH:
        compound = await access.compound(uow, command.compound_id, action=action)
        return _Attachment(compound.jurisdiction_path, compound.compound_id, compound_id=compound.compound_id)
    if level is PartyLevel.BUILDING_GROUP:
        building_id = require_text(command.building_id, field="building_id", max_length=36)
        building = await uow.places.building(building_id)
        if building is None:
            raise NotFound(f"building {building_id} does not exist", field="building_id")
        compound = await access.compound(uow, building.compound_id, action=action, field="building_id")
        return _Attachment(compound.jurisdiction_path, building_id, building_id=building_id)
    household_id = require_text(command.household_id, field="household_id", max_length=36)
    household = await uow.places.household(household_id)
    if household is None:
        raise NotFound(f"household {household_id} does not exist", field="household_id")
    compound = await access.compound(uow, household.compound_id, action=action, field="household_id")
    return _Attachment(compound.jurisdiction_path, household_id, household_id=household_id)


async def add_party_organisation(
    command: commands.AddPartyOrganisation, uow: RegistryUnitOfWork
) -> PartyOrganisationRecord:
    action = "add a party organisation"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    level = parse_choice(PartyLevel, command.level, field="level")
    async with uow:
        parent = None
        if command.parent_id:
            found = await uow.governance.party_organisation(command.parent_id)
            if found is None:
                raise NotFound(f"party organisation {command.parent_id} does not exist", field="parent_id")
            auth.require_access(found.jurisdiction_path, action=action)
            parent = found.node
        attachment = await _attachment(uow, command, level, action)
        if command.secretary_person_id:
            await access.person(uow, command.secretary_person_id, action=action, field="secretary_person_id")
        node = PartyNode.create(
            key=new_id(),
            level=level,
            name=command.name,
            attached_to=attachment.attached_to,
            parent=parent,
            established_on=parse_iso_date(command.established_on, field="established_on"),
            secretary_person_key=command.secretary_person_id or None,
        )
        organisation = PartyOrganisationRecord(
            node,
            attachment.jurisdiction_path,
            compound_id=attachment.compound_id,
            building_id=attachment.building_id,
            household_id=attachment.household_id,
        )
        await uow.governance.add_party_organisation(organisation)
        await uow.commit()
    return organisation


async def list_party_organisations(
    query: commands.ListPartyOrganisations, uow: RegistryUnitOfWork
) -> list[PartyOrganisationRecord]:
    async with uow.reading():
        place = await access.jurisdiction(
            uow, query.jurisdiction_code, field="jurisdiction_code", action="list party organisations"
        )
        return await uow.governance.party_organisations_in(str(place.path))


async def propose_reserve_candidate(command: commands.ProposeCandidate, uow: RegistryUnitOfWork) -> CandidateRecord:
    action = "propose a reserve candidate"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    async with uow:
        compound = await access.compound(uow, command.compound_id, action=action)
        candidate = await access.person(uow, command.person_id, action=action)
        screened_on = optional_iso_date(command.screened_on, field="screened_on") or access.today()
        serving = await access.serving_contract(uow, compound.compound_id, screened_on)
        facts = CandidateFacts(
            person_key=candidate.person_id,
            uncorrected_illegal_construction=command.uncorrected_illegal_construction,
            unpaid_property_fees=command.unpaid_property_fees,
            unpaid_fund_deposits=command.unpaid_fund_deposits,
            company_ties=tuple(
                CompanyTie.create(company_uscc=tie.company_uscc, relation=tie.relation, kind=tie.kind)
                for tie in command.company_ties
            ),
            listed_judgment_defaulter=command.listed_judgment_defaulter,
            serving_sentence=command.serving_sentence,
            sentence_completed_on=optional_iso_date(command.sentence_completed_on, field="sentence_completed_on"),
        )
        entry = propose_candidate(
            facts,
            compound_code=compound.code,
            positions=command.positions,
            as_of=screened_on,
            compound_company_uscc=serving.company_uscc if serving else None,
        )
        stored = await uow.governance.add_candidate(new_id(), entry, compound_id=compound.compound_id)
        await uow.commit()
    return stored


async def link_cadre(command: commands.LinkCadre, uow: RegistryUnitOfWork) -> CadreLinkRecord:
    action = "link a cadre to a compound"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    post = require_text(command.post, field="post")
    start_on = parse_iso_date(command.start_on, field="start_on")
    end_on = optional_iso_date(command.end_on, field="end_on")
    if end_on is not None and end_on < start_on:
        raise InvalidArgument(f"end_on {end_on} is before start_on {start_on}", field="end_on", rule="date_order")
    async with uow:
        compound = await access.compound(uow, command.compound_id, action=action)
        cadre = await access.person(uow, command.person_id, action=action)
        link = CadreLinkRecord(new_id(), compound.compound_id, cadre.person_id, post, start_on, end_on)
        await uow.governance.add_cadre_link(link)
        await uow.commit()
    return link


#: who screens reserve candidates under O5, and so alone sees the reasons (A5)
SCREENERS = ("community_worker", "street_officer")


async def list_reserve_candidates(
    query: commands.ListReserveCandidates, uow: RegistryUnitOfWork
) -> list[CandidateRecord]:
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="list reserve candidates")
        candidates = await uow.governance.candidates(compound.compound_id)
    if auth.current().has_role(auth.SYSTEM_ROLE, *SCREENERS):
        return candidates
    # A5: why someone was screened out (sentences, defaulter lists, arrears) is for those who screen
    return [dataclasses.replace(candidate, reasons=()) for candidate in candidates]


async def list_cadre_links(query: commands.ListCadreLinks, uow: RegistryUnitOfWork) -> list[CadreLinkRecord]:
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="list cadre links")
        return await uow.governance.cadre_links_of(compound.compound_id)
