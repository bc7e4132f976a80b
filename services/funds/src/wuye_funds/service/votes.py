"""Owners' electronic votes (V1–V7): open with a roster snapshot, cast, close with the stored tally.

The rules (electorate, thresholds, last ballot counts, no ballot after closing) are in
``domain.voting``; these use cases load the aggregate, apply one command and store what it produced in
the same transaction as the event that announces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.common.v1 import common_pb2
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument, NotFound, PermissionDenied
from wuye_chassis.ids import new_id
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import applications as application_repository
from wuye_funds.adapters import votes as repository
from wuye_funds.domain.maintenance_fund import UseState
from wuye_funds.domain.voting import Matter, RosterUnit, Vote, VoteResult, build_electorate
from wuye_funds.service.compounds import compound_in_scope
from wuye_funds.service.roster import OwnerRosterSource

#: roles that open and close votes (inside their scope)
ORGANISERS = ("community_worker", "street_officer", "county_officer")
#: an owner casts their own ballot; a community worker records a paper ballot on an owner's behalf
OWNER_ROLE = "resident"
BALLOT_RECORDERS = ("community_worker",)
_CHOICE_VALUES = {funds_pb2.CHOICE_YES: "yes", funds_pb2.CHOICE_NO: "no", funds_pb2.CHOICE_ABSTAIN: "abstain"}


def _matter(value: int) -> Matter:
    try:
        return Matter(value)
    except ValueError:
        raise InvalidArgument(f"matter must be one of 1–9 (Civil Code art. 278), got {value}", field="matter", rule="V1") from None


def _roster_units(roster: Sequence[funds_pb2.RosterUnit]) -> list[RosterUnit]:
    return [
        RosterUnit(
            unit_id=unit.unit_id,
            owner_key=unit.owner_key,
            area_dm2=unit.area_dm2,
            building_id=unit.building_id,
            is_developer_unsold=unit.developer_unsold,
        )
        for unit in roster
    ]


async def open_vote(
    uow: UnitOfWork,
    roster_source: OwnerRosterSource,
    *,
    compound_id: str,
    matter: int,
    title: str,
    building_ids: Sequence[str],
    roster: Sequence[funds_pb2.RosterUnit],
) -> funds_pb2.Vote:
    auth.require_role(ORGANISERS, action="open an owners' vote")
    chosen = _matter(matter)
    title = require_text(title, field="title", max_length=200)
    async with uow:
        # checked before asking the registry, so that a caller out of scope learns nothing from it
        await compound_in_scope(uow.session, compound_id, action="open an owners' vote")
    units = await roster_snapshot(roster_source, compound_id, roster)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="open an owners' vote")
        message = await add_vote(
            uow, compound, matter=chosen, title=title, building_ids=list(building_ids) or None, units=units
        )
        await uow.commit()
    return message


async def roster_snapshot(
    roster_source: OwnerRosterSource, compound_id: str, roster: Sequence[funds_pb2.RosterUnit]
) -> list[RosterUnit]:
    """The units of the electorate: the roster given, or the registry's current one."""
    if roster:
        return _roster_units(roster)
    return await roster_source.owner_roster(compound_id)


async def add_vote(
    uow: UnitOfWork,
    compound: sa.RowMapping,
    *,
    matter: Matter,
    title: str,
    building_ids: Iterable[str] | None,
    units: Sequence[RosterUnit],
) -> funds_pb2.Vote:
    """Store a new open vote with its electorate snapshot and announce it, in the caller's transaction."""
    electorate = build_electorate(units, building_ids=building_ids)
    vote = Vote(vote_id=new_id(), matter=matter, electorate=electorate, follow_majority=compound["follow_majority"])
    await repository.add(
        uow.session,
        vote,
        compound_id=compound["compound_id"],
        jurisdiction_path=compound["jurisdiction_path"],
        title=title,
        units=units,
    )
    message = repository.to_message(await repository.get_row(uow.session, vote.vote_id))  # type: ignore[arg-type]
    await uow.publish(events_pb2.VoteOpened(vote=message), aggregate_id=vote.vote_id)
    return message


async def _vote_in_scope(
    session: AsyncSession, vote_id: str, *, action: str, for_update: bool = False
) -> sa.RowMapping:
    require_text(vote_id, field="vote_id", max_length=36)
    row = await repository.get_row(session, vote_id, for_update=for_update)
    if row is None:
        raise NotFound(f"vote {vote_id} does not exist", field="vote_id")
    auth.require_access(row["jurisdiction_path"], action=action)
    return row


async def cast_ballot(uow: UnitOfWork, *, vote_id: str, owner_key: str, choice: int) -> funds_pb2.CastBallotResponse:
    caller = auth.require_role((OWNER_ROLE, *BALLOT_RECORDERS), action="cast a ballot")
    if not caller.has_role(*BALLOT_RECORDERS, auth.SYSTEM_ROLE) and caller.user != owner_key:
        raise PermissionDenied("an owner casts only their own ballot", field="owner_key", rule="V7")
    async with uow:
        row = await _vote_in_scope(uow.session, vote_id, action="cast a ballot", for_update=True)
        vote = await repository.load(uow.session, row)
        ballot = vote.cast(owner_key, _CHOICE_VALUES.get(choice, choice))
        await repository.add_ballot(uow.session, vote_id, ballot)
        await uow.commit()
    return funds_pb2.CastBallotResponse(
        vote_id=vote_id, owner_key=ballot.owner_key, choice=repository.CHOICES[ballot.choice]
    )


async def close_vote(uow: UnitOfWork, *, vote_id: str) -> funds_pb2.Vote:
    auth.require_role(ORGANISERS, action="close an owners' vote")
    async with uow:
        row = await _vote_in_scope(uow.session, vote_id, action="close an owners' vote", for_update=True)
        vote = await repository.load(uow.session, row)
        result = vote.close()
        await repository.store_result(uow.session, vote_id, repository.result_message(result))
        await _decide_application(uow, vote_id, result)
        message = repository.to_message(await repository.get_row(uow.session, vote_id))  # type: ignore[arg-type]
        await uow.publish(events_pb2.VoteClosed(vote=message), aggregate_id=vote_id)
        await uow.commit()
    return message


async def _decide_application(uow: UnitOfWork, vote_id: str, result: VoteResult) -> None:
    """A vote opened for a use of the fund decides that application as it closes (F5)."""
    row = await application_repository.row_for_vote(uow.session, vote_id)
    if row is None:
        return
    application = application_repository.to_domain(row, None)
    application.record_vote(result)
    await application_repository.save(uow.session, application)
    if application.state is UseState.APPROVED:
        saved = await application_repository.get_row(uow.session, application.application_id)
        await uow.publish(
            events_pb2.UseApplicationApproved(application=application_repository.to_message(saved)),  # type: ignore[arg-type]
            aggregate_id=application.application_id,
        )


async def get_vote(session: AsyncSession, vote_id: str) -> funds_pb2.Vote:
    return repository.to_message(await _vote_in_scope(session, vote_id, action="read an owners' vote"))


async def list_votes(
    session: AsyncSession, *, compound_id: str, page: common_pb2.PageRequest
) -> funds_pb2.ListVotesResponse:
    limit = page_size(page.page_size)
    before = decode_cursor(page.page_token)
    await compound_in_scope(session, compound_id, action="list owners' votes")
    rows = await repository.for_compound(session, compound_id, before=before, limit=limit + 1)
    shown = rows[:limit]
    return funds_pb2.ListVotesResponse(
        votes=[repository.to_message(row) for row in shown],
        page=common_pb2.PageResponse(
            next_page_token=encode_cursor(shown[-1]["vote_id"]) if len(rows) > limit else ""
        ),
    )
