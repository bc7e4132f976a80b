"""Handlers for owners' committees and property management committees (O1–O4), and the O2 sweep.

Party membership and ownership of each member are the registry's own facts (people.is_party_member,
the owners table), not what the request claims, so O2's owner share and O3/O4 count the truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from wuye_chassis import auth
from wuye_chassis.ids import new_id
from wuye_chassis.validation import optional_iso_date, parse_iso_date
from wuye_registry.adapters.committees import PlacedCommittee, PmcDissolutionCandidate
from wuye_registry.domain import commands
from wuye_registry.domain.committees import (
    CommitteeKind,
    CommitteeMember,
    CommitteeWarning,
    Formation,
    PmcDissolutionCheck,
    check_pmc_dissolution,
    dissolve,
    form_committee,
    overdue_if_filed_before,
    re_elect,
    record_filing,
)
from wuye_registry.domain.events import (
    CommitteeDissolved,
    CommitteeFiled,
    CommitteeFormed,
    ManagementCommitteeDissolutionOverdue,
)
from wuye_registry.domain.reserve_pool import require_screened_members
from wuye_registry.service import access
from wuye_registry.service.access import REGISTRY_KEEPERS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


@dataclass(frozen=True)
class FormedCommittee:
    """A committee as formed or re-elected, with the advice that did not block it (O4)."""

    placed: PlacedCommittee
    warnings: tuple[CommitteeWarning, ...]


@dataclass(frozen=True)
class OverdueCommittee:
    """O2: a property management committee overdue for dissolution on a date."""

    candidate: PmcDissolutionCandidate
    check: PmcDissolutionCheck


@dataclass(frozen=True)
class OverdueListing:
    as_of: dt.date
    committees: list[OverdueCommittee]


async def _members(
    uow: RegistryUnitOfWork, compound_id: str, requested: Sequence[commands.CommitteeMemberInput]
) -> list[CommitteeMember]:
    person_ids = [member.person_id for member in requested]
    await access.require_people(uow, person_ids, field="members.person_id")
    party = await uow.people.party_members(person_ids)
    owning = await uow.places.owners_among(compound_id, person_ids)
    return [
        CommitteeMember.create(
            person_key=member.person_id,
            role=member.role,
            is_party_member=member.person_id in party,
            is_branch_secretary=member.is_branch_secretary,
            is_community_two_committee_member=member.is_community_two_committee_member,
            is_owner=member.person_id in owning,
        )
        for member in requested
    ]


async def _require_screened(uow: RegistryUnitOfWork, compound_id: str, formation: Formation) -> None:
    """O5 for an owners' committee's members (a property management committee is appointed, not elected)."""
    if formation.committee.kind is CommitteeKind.OWNERS_COMMITTEE:
        people = [member.person_key for member in formation.committee.members]
        require_screened_members(people, await uow.governance.latest_screenings(compound_id, people))


async def _formed(uow: RegistryUnitOfWork, placed: PlacedCommittee, formation: Formation) -> FormedCommittee:
    await uow.publish(CommitteeFormed(placed.committee, placed.compound_id, placed.jurisdiction_path))
    return FormedCommittee(placed, formation.warnings)


async def form(command: commands.FormCommittee, uow: RegistryUnitOfWork) -> FormedCommittee:
    auth.require_role(REGISTRY_KEEPERS, action="form a committee")
    async with uow:
        compound = await access.compound(uow, command.compound_id, action="form a committee")
        formation = form_committee(
            key=new_id(),
            compound_code=compound.code,
            kind=command.kind,
            members=await _members(uow, compound.compound_id, command.members),
            term_start=parse_iso_date(command.term_start, field="term_start"),
            term_end=parse_iso_date(command.term_end, field="term_end"),
            household_count=await uow.places.household_count(compound.compound_id),
            active_committees=await uow.committees.active_of_compound(compound.compound_id),
        )
        await _require_screened(uow, compound.compound_id, formation)
        placed = PlacedCommittee(formation.committee, compound.compound_id, compound.jurisdiction_path)
        if command.validate_only:
            return FormedCommittee(placed, formation.warnings)  # leaving without a commit stores nothing
        await uow.committees.add(placed)
        formed = await _formed(uow, placed, formation)
        await uow.commit()
    return formed


async def re_elect_committee(command: commands.ReElectCommittee, uow: RegistryUnitOfWork) -> FormedCommittee:
    auth.require_role(REGISTRY_KEEPERS, action="re-elect a committee")
    async with uow:
        current = await access.committee(uow, command.committee_id, action="re-elect a committee")
        formation = re_elect(
            current.committee,
            members=await _members(uow, current.compound_id, command.members),
            term_start=parse_iso_date(command.term_start, field="term_start"),
            term_end=parse_iso_date(command.term_end, field="term_end"),
            household_count=await uow.places.household_count(current.compound_id),
        )
        await _require_screened(uow, current.compound_id, formation)
        await uow.committees.save_new_term(formation.committee)
        formed = await _formed(uow, replace(current, committee=formation.committee), formation)
        await uow.commit()
    return formed


async def dissolve_committee(command: commands.DissolveCommittee, uow: RegistryUnitOfWork) -> PlacedCommittee:
    auth.require_role(REGISTRY_KEEPERS, action="dissolve a committee")
    async with uow:
        current = await access.committee(uow, command.committee_id, action="dissolve a committee")
        committee = dissolve(current.committee, on=parse_iso_date(command.dissolved_on, field="dissolved_on"))
        await uow.committees.save_status(committee)
        await uow.publish(CommitteeDissolved(committee, current.compound_id, current.jurisdiction_path))
        await uow.commit()
    return replace(current, committee=committee)


async def get_committee(query: commands.GetCommittee, uow: RegistryUnitOfWork) -> PlacedCommittee:
    async with uow.reading():
        return await access.committee(uow, query.committee_id, action="read a committee")


async def list_committees(query: commands.ListCommittees, uow: RegistryUnitOfWork) -> list[PlacedCommittee]:
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="list a compound's committees")
        return await uow.committees.of_compound(compound.compound_id)


async def file_committee(command: commands.FileCommittee, uow: RegistryUnitOfWork) -> PlacedCommittee:
    auth.require_role(REGISTRY_KEEPERS, action="file a committee")
    async with uow:
        current = await access.committee(uow, command.committee_id, action="file a committee")
        committee = record_filing(current.committee, filed_on=parse_iso_date(command.filed_on, field="filed_on"))
        await uow.committees.save_filing(committee)
        await uow.publish(CommitteeFiled(committee, current.compound_id, current.jurisdiction_path))
        await uow.commit()
    return replace(current, committee=committee)


# --- O2: property management committees overdue for dissolution ---------------------------------


async def _overdue(
    uow: RegistryUnitOfWork, *, path: str | None, as_of: dt.date, committee_id: str | None = None
) -> list[OverdueCommittee]:
    """The property management committees the domain finds overdue on ``as_of``."""
    candidates = await uow.committees.pmc_dissolution_candidates(
        path=path, in_office_on=as_of, filed_before=overdue_if_filed_before(as_of), committee_id=committee_id
    )
    found = []
    for candidate in candidates:
        check = check_pmc_dissolution(
            candidate.pmc.committee, owners_committee=candidate.owners_committee, as_of=as_of
        )
        if check.overdue:
            found.append(OverdueCommittee(candidate, check))
    return found


async def list_overdue_management_committees(
    query: commands.ListOverdueManagementCommittees, uow: RegistryUnitOfWork
) -> OverdueListing:
    as_of = optional_iso_date(query.as_of, field="as_of") or access.today()
    async with uow.reading():
        place = await access.jurisdiction(
            uow, query.jurisdiction_code, field="jurisdiction_code", action="list overdue committees"
        )
        return OverdueListing(as_of, await _overdue(uow, path=str(place.path), as_of=as_of))


async def find_management_committees_to_flag(
    query: commands.FindManagementCommitteesToFlag, uow: RegistryUnitOfWork
) -> list[str]:
    """The O2 sweep's round: the ids of the overdue property management committees not flagged yet."""
    async with uow.reading():
        overdue = await _overdue(uow, path=None, as_of=query.as_of)
    return [item.candidate.pmc.committee.key for item in overdue if not item.candidate.flagged]


async def flag_overdue_management_committee(
    command: commands.FlagOverdueManagementCommittee, uow: RegistryUnitOfWork
) -> bool:
    """O2: flag the committee and announce it, flag and event in one transaction, so each committee is
    announced exactly once; False when it no longer qualifies (dissolved or flagged since the round, by
    this replica or another: the committee's row is locked first, so the second finds it flagged)."""
    async with uow:
        await uow.committees.lock(command.committee_id)
        found = await _overdue(uow, path=None, as_of=command.as_of, committee_id=command.committee_id)
        if not found or found[0].candidate.flagged:
            return False
        (overdue,) = found
        pmc, owners_committee = overdue.candidate.pmc, overdue.candidate.owners_committee
        assert owners_committee.filed_on is not None, "the filing started the 30 days"
        await uow.committees.flag_pmc_overdue(
            pmc.committee.key, owners_committee_id=owners_committee.key, deadline=overdue.check.deadline
        )
        await uow.publish(
            ManagementCommitteeDissolutionOverdue(
                committee_id=pmc.committee.key,
                compound_id=pmc.compound_id,
                jurisdiction_path=pmc.jurisdiction_path,
                owners_committee_id=owners_committee.key,
                owners_committee_filed_on=owners_committee.filed_on,
                deadline=overdue.check.deadline,
            )
        )
        await uow.commit()
    return True
