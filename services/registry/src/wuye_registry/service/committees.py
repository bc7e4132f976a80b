"""Use cases for owners' committees and property management committees (O1–O4).

Party membership and ownership of each member are the registry's own facts (people.is_party_member,
the owners table), not what the request claims, so O2's owner share and O3/O4 count the truth.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.proto_values import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import optional_iso_date, parse_iso_date, require_text
from wuye_registry.adapters import committees as repository
from wuye_registry.adapters import people, places
from wuye_registry.domain.committees import (
    Committee,
    CommitteeMember,
    CommitteeWarning,
    PmcDissolutionCheck,
    check_pmc_dissolution,
    dissolve,
    form_committee,
    overdue_if_filed_before,
    re_elect,
    record_filing,
)
from wuye_registry.service.access import REGISTRY_KEEPERS, compound, jurisdiction, require_people, today

log = logging.getLogger(__name__)


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


async def _committee(session: AsyncSession, committee_id: str, *, action: str):  # type: ignore[no-untyped-def]
    wanted = require_text(committee_id, field="committee_id", max_length=36)
    row = await repository.get_row(session, wanted)
    if row is None:
        raise NotFound(f"committee {wanted} does not exist", field="committee_id")
    parent = await compound(session, row["compound_id"], action=action, field="committee_id")
    return parent, await repository.load(session, row, parent["code"])


async def re_elect_committee(
    uow: UnitOfWork, request: registry_pb2.ReElectCommitteeRequest
) -> tuple[registry_pb2.Committee, list[registry_pb2.CommitteeWarning]]:
    auth.require_role(REGISTRY_KEEPERS, action="re-elect a committee")
    async with uow:
        parent, current = await _committee(uow.session, request.committee_id, action="re-elect a committee")
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
        parent, current = await _committee(uow.session, request.committee_id, action="dissolve a committee")
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


async def get_committee(sessions: async_sessionmaker[AsyncSession], committee_id: str) -> registry_pb2.Committee:
    async with sessions() as session:
        parent, committee = await _committee(session, committee_id, action="read a committee")
    return repository.to_message(committee, compound_id=parent["id"], jurisdiction_path=parent["jurisdiction_path"])


async def file_committee(uow: UnitOfWork, request: registry_pb2.FileCommitteeRequest) -> registry_pb2.Committee:
    auth.require_role(REGISTRY_KEEPERS, action="file a committee")
    async with uow:
        parent, current = await _committee(uow.session, request.committee_id, action="file a committee")
        committee = record_filing(current, filed_on=parse_iso_date(request.filed_on, field="filed_on"))
        path = parent["jurisdiction_path"]
        await repository.save_filing(uow.session, committee)
        event = events_pb2.CommitteeFiled(
            committee_id=committee.key,
            compound_id=parent["id"],
            jurisdiction_path=path,
            kind=committee.kind.value,
            term_number=committee.term_number,
            filed_on=request.filed_on.strip(),
        )
        await uow.publish(event, aggregate_id=committee.key)
        await uow.commit()
    return repository.to_message(committee, compound_id=parent["id"], jurisdiction_path=path)


async def _overdue_pmcs(
    session: AsyncSession, *, path: str | None, as_of: dt.date
) -> list[tuple[sa.RowMapping, Committee, PmcDissolutionCheck]]:
    """O2: the property management committees the domain finds overdue on ``as_of``, with their rows."""
    found = []
    candidates = await repository.pmc_dissolution_candidates(
        session, path=path, in_office_on=as_of, filed_before=overdue_if_filed_before(as_of)
    )
    for row in candidates:
        pmc = await repository.load(session, row, row["compound_code"])
        owners_row = await repository.get_row(session, row["owners_committee_id"])
        assert owners_row is not None, "a filing always belongs to a committee"
        # the filing that started the 30 days, which a later term's filing may have replaced on the row
        owners_committee = replace(
            await repository.load(session, owners_row, row["compound_code"]),
            filed_on=row["owners_committee_filed_on"],
        )
        check = check_pmc_dissolution(pmc, owners_committee=owners_committee, as_of=as_of)
        if check.overdue:
            found.append((row, pmc, check))
    return found


async def list_overdue_management_committees(
    sessions: async_sessionmaker[AsyncSession], request: registry_pb2.ListOverdueManagementCommitteesRequest
) -> registry_pb2.ListOverdueManagementCommitteesResponse:
    as_of = optional_iso_date(request.as_of, field="as_of") or today()
    async with sessions() as session:
        place = await jurisdiction(
            session, request.jurisdiction_code, field="jurisdiction_code", action="list overdue committees"
        )
        overdue = await _overdue_pmcs(session, path=place["path"], as_of=as_of)
    return registry_pb2.ListOverdueManagementCommitteesResponse(
        as_of=as_of.isoformat(),
        committees=[
            registry_pb2.OverdueManagementCommittee(
                committee=repository.to_message(
                    pmc, compound_id=row["compound_id"], jurisdiction_path=row["jurisdiction_path"]
                ),
                owners_committee_id=row["owners_committee_id"],
                owners_committee_filed_on=row["owners_committee_filed_on"].isoformat(),
                deadline=check.deadline.isoformat(),
                flagged=row["flagged"],
            )
            for row, pmc, check in overdue
        ],
    )


async def flag_overdue_management_committees(uow: UnitOfWork, *, as_of: dt.date | None = None) -> int:
    """The O2 sweep: flag every overdue property management committee not flagged yet and announce it,
    flag and event in one transaction, so each committee is announced exactly once."""
    day = as_of or today()
    async with uow:
        overdue = [
            (row, check)
            for row, _, check in await _overdue_pmcs(uow.session, path=None, as_of=day)
            if not row["flagged"]
        ]
        for row, check in overdue:
            await repository.flag_pmc_overdue(
                uow.session, row["id"], owners_committee_id=row["owners_committee_id"], deadline=check.deadline
            )
            event = events_pb2.ManagementCommitteeDissolutionOverdue(
                committee_id=row["id"],
                compound_id=row["compound_id"],
                jurisdiction_path=row["jurisdiction_path"],
                owners_committee_id=row["owners_committee_id"],
                owners_committee_filed_on=row["owners_committee_filed_on"].isoformat(),
                deadline=check.deadline.isoformat(),
            )
            await uow.publish(event, aggregate_id=row["id"])
        await uow.commit()
    if overdue:
        log.info("flagged %d property management committee(s) overdue for dissolution (O2)", len(overdue))
    return len(overdue)
