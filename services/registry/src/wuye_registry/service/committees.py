"""Use cases for owners' committees and property management committees (O1–O4).

Party membership and ownership of each member are the registry's own facts (people.is_party_member,
the owners table), not what the request claims, so O2's owner share and O3/O4 count the truth.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.proto_enums import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import parse_iso_date, require_text
from wuye_registry.adapters import committees as repository
from wuye_registry.adapters import people, places
from wuye_registry.domain.committees import (
    Committee,
    CommitteeMember,
    CommitteeWarning,
    dissolve,
    form_committee,
    re_elect,
)
from wuye_registry.service.access import REGISTRY_KEEPERS, compound, require_people


async def _members(
    session: AsyncSession, compound_id: str, requested: Sequence[registry_pb2.CommitteeMember]
) -> list[CommitteeMember]:
    person_ids = [member.person_id for member in requested]
    await require_people(session, person_ids, field="members.person_id")
    party = await people.party_members(session, person_ids)
    owning = await places.owns_unit_in(session, compound_id, person_ids)
    return [
        CommitteeMember.create(
            person_key=member.person_id,
            role=enum_text(registry_pb2.MemberRole, member.role),
            is_party_member=member.person_id in party,
            is_branch_secretary=member.is_branch_secretary,
            is_community_two_committee_member=member.is_community_two_committee_member,
            is_owner=member.person_id in owning,
        )
        for member in requested
    ]


def _warnings(warnings: Sequence[CommitteeWarning]) -> list[registry_pb2.CommitteeWarning]:
    return [registry_pb2.CommitteeWarning(rule=w.rule, field=w.field, message=w.message) for w in warnings]


def _formed_event(committee: Committee, compound_id: str, path: str) -> events_pb2.CommitteeFormed:
    return events_pb2.CommitteeFormed(
        committee_id=committee.key,
        compound_id=compound_id,
        jurisdiction_path=path,
        kind=committee.kind.value,
        term_number=committee.term_number,
        term_start=committee.term.start.isoformat(),
        term_end=committee.term.end.isoformat(),
        member_count=committee.size,
        is_red=committee.is_red,
    )


async def form(
    uow: UnitOfWork, request: registry_pb2.FormCommitteeRequest
) -> tuple[registry_pb2.Committee, list[registry_pb2.CommitteeWarning]]:
    auth.require_role(REGISTRY_KEEPERS, action="form a committee")
    async with uow:
        parent = await compound(uow.session, request.compound_id, action="form a committee")
        formation = form_committee(
            key=new_id(),
            compound_code=parent["code"],
            kind=enum_text(registry_pb2.CommitteeKind, request.kind),
            members=await _members(uow.session, parent["id"], request.members),
            term_start=parse_iso_date(request.term_start, field="term_start"),
            term_end=parse_iso_date(request.term_end, field="term_end"),
            household_count=await places.household_count(uow.session, parent["id"]),
            active_committees=await repository.active_of_compound(uow.session, parent["id"], parent["code"]),
        )
        committee = formation.committee
        path = parent["jurisdiction_path"]
        await repository.add(uow.session, committee, compound_id=parent["id"], jurisdiction_path=path)
        await uow.publish(_formed_event(committee, parent["id"], path), aggregate_id=committee.key)
        await uow.commit()
    message = repository.to_message(committee, compound_id=parent["id"], jurisdiction_path=path)
    return message, _warnings(formation.warnings)


async def _committee(uow: UnitOfWork, committee_id: str, *, action: str):  # type: ignore[no-untyped-def]
    wanted = require_text(committee_id, field="committee_id", max_length=36)
    row = await repository.get_row(uow.session, wanted)
    if row is None:
        raise NotFound(f"committee {wanted} does not exist", field="committee_id")
    parent = await compound(uow.session, row["compound_id"], action=action, field="committee_id")
    return parent, await repository.load(uow.session, row, parent["code"])


async def re_elect_committee(
    uow: UnitOfWork, request: registry_pb2.ReElectCommitteeRequest
) -> tuple[registry_pb2.Committee, list[registry_pb2.CommitteeWarning]]:
    auth.require_role(REGISTRY_KEEPERS, action="re-elect a committee")
    async with uow:
        parent, current = await _committee(uow, request.committee_id, action="re-elect a committee")
        formation = re_elect(
            current,
            members=await _members(uow.session, parent["id"], request.members),
            term_start=parse_iso_date(request.term_start, field="term_start"),
            term_end=parse_iso_date(request.term_end, field="term_end"),
            household_count=await places.household_count(uow.session, parent["id"]),
        )
        committee = formation.committee
        path = parent["jurisdiction_path"]
        await repository.save_new_term(uow.session, committee)
        await uow.publish(_formed_event(committee, parent["id"], path), aggregate_id=committee.key)
        await uow.commit()
    message = repository.to_message(committee, compound_id=parent["id"], jurisdiction_path=path)
    return message, _warnings(formation.warnings)


async def dissolve_committee(uow: UnitOfWork, request: registry_pb2.DissolveCommitteeRequest) -> registry_pb2.Committee:
    auth.require_role(REGISTRY_KEEPERS, action="dissolve a committee")
    async with uow:
        parent, current = await _committee(uow, request.committee_id, action="dissolve a committee")
        committee = dissolve(current, on=parse_iso_date(request.dissolved_on, field="dissolved_on"))
        path = parent["jurisdiction_path"]
        await repository.save_status(uow.session, committee)
        event = events_pb2.CommitteeDissolved(
            committee_id=committee.key,
            compound_id=parent["id"],
            jurisdiction_path=path,
            kind=committee.kind.value,
            dissolved_on=request.dissolved_on.strip(),
        )
        await uow.publish(event, aggregate_id=committee.key)
        await uow.commit()
    return repository.to_message(committee, compound_id=parent["id"], jurisdiction_path=path)


async def get_committee(uow: UnitOfWork, committee_id: str) -> registry_pb2.Committee:
    async with uow:
        parent, committee = await _committee(uow, committee_id, action="read a committee")
    return repository.to_message(committee, compound_id=parent["id"], jurisdiction_path=parent["jurisdiction_path"])
