"""Owners' electronic votes (V1–V7): open with a roster snapshot, cast, close with the stored tally.

The rules (electorate, thresholds, last ballot counts, no ballot after closing) are in
``domain.voting``; these handlers load the aggregate, apply one command and store what it produced in
the same transaction as the event that announces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument, PermissionDenied
from wuye_chassis.ids import new_id
from wuye_chassis.validation import require_text
from wuye_funds.adapters.compounds import FundsCompound
from wuye_funds.domain import commands
from wuye_funds.domain.events import UseApplicationApproved, VoteClosed, VoteFinalised, VoteOpened
from wuye_funds.domain.maintenance_fund import UseState
from wuye_funds.domain.vote_objections import Objection, objection_deadline
from wuye_funds.domain.voting import (
    Ballot,
    Choice,
    Matter,
    RosterUnit,
    Vote,
    VoteRecord,
    VoteResult,
    VoteState,
    ballot_electorate,
    build_electorate,
)
from wuye_funds.service.unit_of_work import FundsUnitOfWork, in_scope

#: roles that open and close votes (inside their scope)
ORGANISERS = ("community_worker", "street_officer", "county_officer")
#: an owner casts their own ballot; a community worker enters a paper or proxy ballot on an owner's behalf
OWNER_ROLE = "resident"
BALLOT_RECORDERS = ("community_worker",)
MAX_AUTHORISATION_REF_LENGTH = 100


def _matter(value: int) -> Matter:
    try:
        return Matter(value)
    except ValueError:
        raise InvalidArgument(f"matter must be one of 1–9 (Civil Code art. 278), got {value}", field="matter", rule="V1") from None


def refuse_sent_roster(roster_sent: int) -> None:
    """A4: the electorate is the registry's roster at opening (V4), never a list the client sends."""
    if roster_sent:
        raise InvalidArgument(
            "the electorate of a vote is the registry's owner roster of the compound (A4); send no roster",
            field="roster", rule="A4",
        )


async def roster_snapshot(uow: FundsUnitOfWork, compound_id: str) -> list[RosterUnit]:
    """The units of the electorate: the registry's roster of the compound now (V4)."""
    return await uow.registry.owner_roster(compound_id)


async def add_vote(
    uow: FundsUnitOfWork,
    compound: FundsCompound,
    *,
    matter: Matter,
    title: str,
    building_ids: Iterable[str] | None,
    units: Sequence[RosterUnit],
) -> VoteRecord:
    """Store a new open vote with its electorate snapshot and announce it, in the caller's transaction."""
    electorate = build_electorate(units, building_ids=building_ids)
    vote = Vote(vote_id=new_id(), matter=matter, electorate=electorate, follow_majority=compound.follow_majority)
    record = await uow.votes.add(
        vote, compound_id=compound.compound_id, jurisdiction_path=compound.jurisdiction_path, title=title, units=units
    )
    await uow.publish(VoteOpened(record))
    return record


async def open_vote(command: commands.OpenVote, uow: FundsUnitOfWork) -> VoteRecord:
    auth.require_role(ORGANISERS, action="open an owners' vote")
    refuse_sent_roster(command.roster_sent)
    matter = _matter(command.matter)
    title = require_text(command.title, field="title", max_length=200)
    async with uow.reading():
        # checked before asking the registry, so that a caller out of scope learns nothing from it
        await uow.compound(command.compound_id, action="open an owners' vote")
    units = await roster_snapshot(uow, command.compound_id)
    async with uow:
        compound = await uow.compound(command.compound_id, action="open an owners' vote")
        record = await add_vote(
            uow, compound, matter=matter, title=title, building_ids=list(command.building_ids) or None, units=units
        )
        await uow.commit()
    return record


async def _vote_in_scope(uow: FundsUnitOfWork, vote_id: str, *, action: str, for_update: bool = False) -> VoteRecord:
    require_text(vote_id, field="vote_id", max_length=36)
    return in_scope(
        await uow.votes.get(vote_id, for_update=for_update), missing=f"vote {vote_id} does not exist",
        field="vote_id", action=action,
    )


async def cast_ballot(command: commands.CastBallot, uow: FundsUnitOfWork) -> Ballot:
    """The owner's ballot as it now counts for them (V7)."""
    caller = auth.require_role((OWNER_ROLE, *BALLOT_RECORDERS), action="cast a ballot")
    authorisation_ref = _authorisation(caller, command)
    async with uow:
        record = await _vote_in_scope(uow, command.vote_id, action="cast a ballot", for_update=True)
        vote = await uow.votes.load_for_ballot(record, command.owner_key)
        ballot = vote.cast(command.owner_key, command.choice, cast_by=caller.user, authorisation_ref=authorisation_ref)
        await uow.votes.add_ballot(command.vote_id, ballot, turnout=vote.turnout)
        await uow.commit()
    return ballot


def _authorisation(caller: auth.AuthContext, command: commands.CastBallot) -> str:
    """A2: an owner casts online for an owner they are (or are one of: co-owners share the roster's key);
    a community worker enters only a paper or proxy ballot, with its written authorisation's reference."""
    if caller.has_role(*BALLOT_RECORDERS, auth.SYSTEM_ROLE):
        return require_text(command.authorisation_ref, field="authorisation_ref", rule="A2",
                            max_length=MAX_AUTHORISATION_REF_LENGTH)
    if command.owner_key not in caller.owner_keys:
        raise PermissionDenied("an owner casts only their own ballot (or their jointly owned unit's)",
                               field="owner_key", rule="A2")
    if command.authorisation_ref.strip():
        raise InvalidArgument("an owner casting online brings no authorisation_ref: that is for paper and proxy "
                              "ballots a community worker enters", field="authorisation_ref", rule="A2")
    return ""


async def close_vote(command: commands.CloseVote, uow: FundsUnitOfWork) -> VoteRecord:
    """Count the vote and publish its result as preliminary for the objection period (V8)."""
    auth.require_role(ORGANISERS, action="close an owners' vote")
    async with uow:
        record = await _vote_in_scope(uow, command.vote_id, action="close an owners' vote", for_update=True)
        vote = await uow.votes.load(record)
        result = vote.close()
        now = utcnow()
        closed = await uow.votes.close(
            command.vote_id, result, closed_at=now, deadline=objection_deadline(now, uow.objection_days)
        )
        await uow.publish(VoteClosed(closed))
        await uow.commit()
    return closed


async def object_to_result(command: commands.ObjectToVoteResult, uow: FundsUnitOfWork) -> tuple[VoteRecord, Objection]:
    """V8: an owner of the electorate objects to the preliminary result, as themselves (A2)."""
    caller = auth.require_role((OWNER_ROLE,), action="object to a vote's result")
    owner_key = command.owner_key or (next(iter(caller.owner_keys)) if len(caller.owner_keys) == 1 else "")
    if owner_key not in caller.owner_keys:
        raise PermissionDenied("an owner objects only for an owner they are (or their jointly owned unit)",
                               field="owner_key", rule="A2")
    async with uow:
        record = await _vote_in_scope(uow, command.vote_id, action="object to a vote's result", for_update=True)
        (await uow.votes.load_for_ballot(record, owner_key)).electorate.owner(owner_key)  # V4/V6: of this vote
        preliminary = uow.votes.preliminary(record)
        objection = preliminary.object(new_id(), owner_key=owner_key, raised_by=caller.user, reason=command.reason,
                                       now=utcnow())
        await uow.votes.add_objection(record.vote_id, objection)
        stored = await _vote_in_scope(uow, command.vote_id, action="object to a vote's result")
        await uow.commit()
    return stored, objection


async def answer_objection(command: commands.AnswerVoteObjection, uow: FundsUnitOfWork) -> VoteRecord:
    caller = auth.require_role(ORGANISERS, action="answer an objection to a vote's result")
    async with uow:
        record = await _vote_in_scope(uow, command.vote_id, action="answer an objection", for_update=True)
        preliminary = uow.votes.preliminary(record)
        answered = preliminary.answer(require_text(command.objection_id, field="objection_id", max_length=36),
                                      answer=command.answer, answered_by=caller.user, now=utcnow())
        await uow.votes.save_answer(answered)
        stored = await _vote_in_scope(uow, command.vote_id, action="answer an objection")
        await uow.commit()
    return stored


async def finalise_vote(command: commands.FinaliseVote, uow: FundsUnitOfWork) -> VoteRecord:
    """V8: the result becomes final once its objections are closed; only then does it decide a use (F5)."""
    caller = auth.require_role(ORGANISERS, action="make a vote's result final")
    async with uow:
        record = await _vote_in_scope(uow, command.vote_id, action="make a vote's result final", for_update=True)
        now = utcnow()
        uow.votes.preliminary(record).finalise(now)
        final = await uow.votes.finalise(record.vote_id, finalised_by=caller.user, at=now)
        assert final.result is not None  # a closed vote has its tally
        await _decide_application(uow, record.vote_id, final.result)
        await uow.publish(VoteFinalised(final))
        await uow.commit()
    return final


async def _decide_application(uow: FundsUnitOfWork, vote_id: str, result: VoteResult) -> None:
    """A vote opened for a use of the fund decides that application once its result is final (F5, V8)."""
    placed = await uow.applications.decided_by(vote_id)
    if placed is None:
        return
    placed.application.record_vote(result)
    await uow.applications.save(placed)
    if placed.application.state is UseState.APPROVED:
        await uow.publish(UseApplicationApproved(placed))


@dataclass(frozen=True)
class OwnerVote:
    """A vote as one of its owners sees it: their weight and the choice that counts for them so far."""

    vote: VoteRecord
    owner_key: str
    area_dm2: int
    choice: Choice | None


async def list_my_votes(query: commands.ListMyVotes, uow: FundsUnitOfWork) -> list[OwnerVote]:
    """A5: a resident's own votes, found by the owners they are, whatever the jurisdiction of the post."""
    caller = auth.require_role((OWNER_ROLE,), action="list their votes")
    states = (VoteState.OPEN, VoteState.CLOSED, *((VoteState.FINAL,) if query.include_final else ()))
    async with uow.reading():
        found = await uow.votes.of_owners(sorted(caller.owner_keys), states=states)
    mine = []
    for record, owner_key, units, choice in found:
        electorate = ballot_electorate(units, building_ids=record.building_ids or None)
        if electorate.owners:  # V6: an owner with no unit in a scoped vote's buildings is not its voter
            mine.append(OwnerVote(record, owner_key, electorate.owner(owner_key).area_dm2, choice))
    return mine


async def get_vote(query: commands.GetVote, uow: FundsUnitOfWork) -> VoteRecord:
    """The vote; while it is open, with its turnout so far (V2)."""
    async with uow.reading():
        return await _vote_in_scope(uow, query.vote_id, action="read an owners' vote")


async def list_votes(query: commands.ListVotes, uow: FundsUnitOfWork) -> list[VoteRecord]:
    """Up to ``limit`` of the compound's votes older than ``before``, newest first."""
    async with uow.reading():
        await uow.compound(query.compound_id, action="list owners' votes")
        return await uow.votes.for_compound(query.compound_id, before=query.before or None, limit=query.limit)
