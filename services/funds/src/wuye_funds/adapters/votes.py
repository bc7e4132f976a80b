"""Vote rows (with the electorate snapshot and the ballots) ⇄ the domain ``Vote`` and protobuf."""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction

import sqlalchemy as sa
from google.protobuf import json_format
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_funds.adapters.orm import ballots, vote_roster_units, votes
from wuye_funds.domain.voting import (
    Ballot,
    Choice,
    Matter,
    Outcome,
    RosterUnit,
    Vote,
    VoteCount,
    VoteResult,
    VoteState,
    build_electorate,
)


async def add(
    session: AsyncSession, vote: Vote, *, compound_id: str, jurisdiction_path: str, title: str,
    units: Sequence[RosterUnit],
) -> None:
    scope = vote.electorate.building_scope
    await session.execute(
        votes.insert().values(
            vote_id=vote.vote_id,
            compound_id=compound_id,
            jurisdiction_path=jurisdiction_path,
            matter=vote.matter.value,
            title=title,
            building_scope=None if scope is None else json.dumps(sorted(scope)),
            follow_majority=vote.follow_majority,
            electorate_owners=vote.electorate.owner_count,
            electorate_area_dm2=vote.electorate.total_area_dm2,
            state=vote.state.value,
            opened_at=utcnow(),
        )
    )
    await session.execute(
        vote_roster_units.insert(),
        [
            {
                "vote_id": vote.vote_id,
                "unit_id": unit.unit_id,
                "owner_key": unit.owner_key,
                "building_id": unit.building_id,
                "area_dm2": unit.area_dm2,
                "developer_unsold": unit.is_developer_unsold,
            }
            for unit in units
        ],
    )


async def get_row(session: AsyncSession, vote_id: str, *, for_update: bool = False) -> sa.RowMapping | None:
    """The vote's row; ``for_update`` locks it so that ballots of one vote are numbered one after another."""
    query = sa.select(votes).where(votes.c.vote_id == vote_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).mappings().first()


async def load(session: AsyncSession, row: sa.RowMapping) -> Vote:
    """The domain aggregate rebuilt from the stored snapshot and ballots (V7: the tally is reproducible)."""
    units = [
        RosterUnit(
            unit_id=unit["unit_id"],
            owner_key=unit["owner_key"],
            area_dm2=unit["area_dm2"],
            building_id=unit["building_id"],
            is_developer_unsold=unit["developer_unsold"],
        )
        for unit in (
            await session.execute(sa.select(vote_roster_units).where(vote_roster_units.c.vote_id == row["vote_id"]))
        ).mappings()
    ]
    scope = row["building_scope"]
    cast = (
        await session.execute(
            sa.select(ballots).where(ballots.c.vote_id == row["vote_id"]).order_by(ballots.c.sequence)
        )
    ).mappings()
    return Vote(
        vote_id=row["vote_id"],
        matter=Matter(row["matter"]),
        electorate=build_electorate(units, building_ids=None if scope is None else json.loads(scope)),
        follow_majority=row["follow_majority"],
        ballots=[Ballot(sequence=b["sequence"], owner_key=b["owner_key"], choice=Choice(b["choice"])) for b in cast],
        state=VoteState(row["state"]),
    )


async def add_ballot(session: AsyncSession, vote_id: str, ballot: Ballot) -> None:
    await session.execute(
        ballots.insert().values(
            vote_id=vote_id,
            sequence=ballot.sequence,
            owner_key=ballot.owner_key,
            choice=ballot.choice.value,
            cast_at=utcnow(),
        )
    )


async def store_result(session: AsyncSession, vote_id: str, result: funds_pb2.VoteResult) -> None:
    await session.execute(
        votes.update()
        .where(votes.c.vote_id == vote_id)
        .values(state=VoteState.CLOSED.value, closed_at=utcnow(), result=json_format.MessageToJson(result))
    )


async def for_compound(
    session: AsyncSession, compound_id: str, *, before: str | None, limit: int
) -> list[sa.RowMapping]:
    query = sa.select(votes).where(votes.c.compound_id == compound_id).order_by(votes.c.vote_id.desc()).limit(limit)
    if before is not None:
        query = query.where(votes.c.vote_id < before)
    return list((await session.execute(query)).mappings().all())


async def in_state(session: AsyncSession, compound_id: str, state: VoteState) -> list[sa.RowMapping]:
    query = (
        sa.select(votes)
        .where(votes.c.compound_id == compound_id, votes.c.state == state.value)
        .order_by(votes.c.vote_id)
    )
    return list((await session.execute(query)).mappings().all())


def to_message(row: sa.RowMapping) -> funds_pb2.Vote:
    message = funds_pb2.Vote(
        vote_id=row["vote_id"],
        compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"],
        matter=row["matter"],
        title=row["title"],
        building_ids=json.loads(row["building_scope"]) if row["building_scope"] else [],
        follow_majority=row["follow_majority"],
        state=_STATES[VoteState(row["state"])],
        electorate=funds_pb2.VoteCount(owners=row["electorate_owners"], area_dm2=row["electorate_area_dm2"]),
    )
    message.opened_at.FromDatetime(row["opened_at"])
    if row["closed_at"] is not None:
        message.closed_at.FromDatetime(row["closed_at"])
    if row["result"] is not None:
        json_format.Parse(row["result"], message.result)
    return message


_STATES = {VoteState.OPEN: funds_pb2.VOTE_STATE_OPEN, VoteState.CLOSED: funds_pb2.VOTE_STATE_CLOSED}


def _count(count: VoteCount) -> funds_pb2.VoteCount:
    return funds_pb2.VoteCount(owners=count.owners, area_dm2=count.area_dm2)


def _ratio(value: Fraction) -> funds_pb2.Ratio:
    return funds_pb2.Ratio(numerator=value.numerator, denominator=value.denominator)


_OUTCOMES = {
    Outcome.QUORUM_FAILED: funds_pb2.OUTCOME_QUORUM_FAILED,
    Outcome.APPROVED: funds_pb2.OUTCOME_APPROVED,
    Outcome.REJECTED: funds_pb2.OUTCOME_REJECTED,
}
CHOICES = {Choice.YES: funds_pb2.CHOICE_YES, Choice.NO: funds_pb2.CHOICE_NO, Choice.ABSTAIN: funds_pb2.CHOICE_ABSTAIN}


def result_message(result: VoteResult) -> funds_pb2.VoteResult:
    return funds_pb2.VoteResult(
        outcome=_OUTCOMES[result.reason],
        passed=result.passed,
        electorate=_count(result.electorate),
        participating=_count(result.participating),
        yes=_count(result.yes),
        no=_count(result.no),
        abstain=_count(result.abstain),
        follow_majority=result.follow_majority,
        added_side=CHOICES[result.added_side] if result.added_side is not None else funds_pb2.CHOICE_UNSPECIFIED,
        added=_count(result.added),
        participating_area_share=_ratio(result.participating_area_share),
        participating_owner_share=_ratio(result.participating_owner_share),
        yes_area_share=_ratio(result.yes_area_share),
        yes_owner_share=_ratio(result.yes_owner_share),
    )
