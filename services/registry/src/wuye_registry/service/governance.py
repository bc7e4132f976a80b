"""Use cases for the four-level party organisation, the candidate reserve pool (O5) and cadre links."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.registry.v1 import registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.proto_values import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import optional_iso_date, parse_choice, parse_iso_date, require_text
from wuye_registry.adapters import governance, places
from wuye_registry.domain.party import PartyLevel, PartyNode
from wuye_registry.domain.reserve_pool import CandidateFacts, CompanyTie, propose_candidate
from wuye_registry.service.access import REGISTRY_KEEPERS, compound, jurisdiction, person, serving_contract, today


async def _attachment(
    uow: UnitOfWork, request: registry_pb2.AddPartyOrganisationRequest, level: PartyLevel, action: str
) -> tuple[str, dict[str, str], str]:
    """What the node organises: (its jurisdiction path, the attachment column, the domain's attached_to)."""
    if level is PartyLevel.COMMUNITY_COMMITTEE:
        place = await jurisdiction(uow.session, request.community_code, field="community_code", action=action)
        return place["path"], {}, place["path"]
    if level is PartyLevel.COMPOUND_BRANCH:
        row = await compound(uow.session, request.compound_id, action=action)
        return row["jurisdiction_path"], {"compound_id": row["id"]}, row["id"]
    if level is PartyLevel.BUILDING_GROUP:
        building_id = require_text(request.building_id, field="building_id", max_length=36)
        building = await places.get_building(uow.session, building_id)
        if building is None:
            raise NotFound(f"building {building_id} does not exist", field="building_id")
        row = await compound(uow.session, building["compound_id"], action=action, field="building_id")
        return row["jurisdiction_path"], {"building_id": building_id}, building_id
    household_id = require_text(request.household_id, field="household_id", max_length=36)
    household = await places.get_household(uow.session, household_id)
    if household is None:
        raise NotFound(f"household {household_id} does not exist", field="household_id")
    row = await compound(uow.session, household["compound_id"], action=action, field="household_id")
    return row["jurisdiction_path"], {"household_id": household_id}, household_id


async def add_party_organisation(
    uow: UnitOfWork, request: registry_pb2.AddPartyOrganisationRequest
) -> registry_pb2.PartyOrganisation:
    action = "add a party organisation"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    level = parse_choice(PartyLevel, request.level, field="level")
    async with uow:
        parent = None
        if request.parent_id:
            parent_row = await governance.get_party_organisation(uow.session, request.parent_id)
            if parent_row is None:
                raise NotFound(f"party organisation {request.parent_id} does not exist", field="parent_id")
            auth.require_access(parent_row["jurisdiction_path"], action=action)
            parent = governance.party_node(parent_row)
        path, attachment, attached_to = await _attachment(uow, request, level, action)
        if request.secretary_person_id:
            await person(uow.session, request.secretary_person_id, action=action, field="secretary_person_id")
        node = PartyNode.create(
            key=new_id(),
            level=level,
            name=request.name,
            attached_to=attached_to,
            parent=parent,
            established_on=parse_iso_date(request.established_on, field="established_on"),
            secretary_person_key=request.secretary_person_id or None,
        )
        await governance.add_party_organisation(uow.session, node, jurisdiction_path=path, attachment=attachment)
        row = await governance.get_party_organisation(uow.session, node.key)
        await uow.commit()
    assert row is not None
    return governance.party_organisation_message(row)


async def list_party_organisations(
    sessions: async_sessionmaker[AsyncSession], jurisdiction_code: str
) -> list[registry_pb2.PartyOrganisation]:
    async with sessions() as session:
        place = await jurisdiction(
            session, jurisdiction_code, field="jurisdiction_code", action="list party organisations"
        )
        rows = await governance.list_party_organisations(session, place["path"])
    return [governance.party_organisation_message(row) for row in rows]


async def propose(uow: UnitOfWork, request: registry_pb2.ProposeCandidateRequest) -> registry_pb2.ReserveCandidate:
    action = "propose a reserve candidate"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    async with uow:
        row = await compound(uow.session, request.compound_id, action=action)
        candidate = await person(uow.session, request.person_id, action=action)
        screened_on = optional_iso_date(request.screened_on, field="screened_on") or today()
        serving = await serving_contract(uow.session, row, screened_on)
        facts = CandidateFacts(
            person_key=candidate["id"],
            uncorrected_illegal_construction=request.uncorrected_illegal_construction,
            unpaid_property_fees=request.unpaid_property_fees,
            unpaid_fund_deposits=request.unpaid_fund_deposits,
            company_ties=tuple(
                CompanyTie.create(
                    company_uscc=tie.company_uscc,
                    relation=enum_text(registry_pb2.Relation, tie.relation),
                    kind=enum_text(registry_pb2.TieKind, tie.kind),
                )
                for tie in request.company_ties
            ),
            listed_judgment_defaulter=request.listed_judgment_defaulter,
            serving_sentence=request.serving_sentence,
            sentence_completed_on=optional_iso_date(request.sentence_completed_on, field="sentence_completed_on"),
        )
        entry = propose_candidate(
            facts,
            compound_code=row["code"],
            positions=[enum_text(registry_pb2.ReservePosition, position) for position in request.positions],
            as_of=screened_on,
            compound_company_uscc=serving.company_uscc if serving else None,
        )
        candidate_id = new_id()
        await governance.add_candidate(uow.session, candidate_id, entry, compound_id=row["id"])
        (stored,) = await governance.candidates(uow.session, row["id"], candidate_id=candidate_id)
        await uow.commit()
    return stored


async def link_cadre(uow: UnitOfWork, request: registry_pb2.LinkCadreRequest) -> registry_pb2.CadreLink:
    action = "link a cadre to a compound"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    post = require_text(request.post, field="post")
    start_on = parse_iso_date(request.start_on, field="start_on")
    end_on = optional_iso_date(request.end_on, field="end_on")
    if end_on is not None and end_on < start_on:
        raise InvalidArgument(f"end_on {end_on} is before start_on {start_on}", field="end_on", rule="date_order")
    async with uow:
        row = await compound(uow.session, request.compound_id, action=action)
        cadre = await person(uow.session, request.person_id, action=action)
        link = await governance.add_cadre_link(
            uow.session,
            link_id=new_id(),
            compound_id=row["id"],
            person_id=cadre["id"],
            post=post,
            start_on=start_on,
            end_on=end_on,
        )
        await uow.commit()
    return link


async def list_reserve_candidates(
    sessions: async_sessionmaker[AsyncSession], compound_id: str
) -> list[registry_pb2.ReserveCandidate]:
    async with sessions() as session:
        row = await compound(session, compound_id, action="list reserve candidates")
        return await governance.candidates(session, row["id"])


async def list_cadre_links(
    sessions: async_sessionmaker[AsyncSession], compound_id: str
) -> list[registry_pb2.CadreLink]:
    async with sessions() as session:
        row = await compound(session, compound_id, action="list cadre links")
        return await governance.cadre_links_of(session, row["id"])
