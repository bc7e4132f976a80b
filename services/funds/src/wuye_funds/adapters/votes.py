"""Vote rows (with the electorate snapshot and the ballots) ⇄ the domain ``Vote`` and ``VoteRecord``.

A closed vote's tally is stored as JSON, in the form the rows have always had (the JSON mapping of
``wuye.funds.v1.VoteResult``: camelCase names, enum names, counts as numbers or numeric text), so
rows written by any version read alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_funds.adapters.orm import ballots, vote_objections, vote_roster_units, votes
from wuye_funds.domain.vote_objections import Objection, PreliminaryResult
from wuye_funds.domain.voting import (
    DEVELOPER_OWNER_KEY,
    NO_VOTES,
    Ballot,
    Choice,
    Matter,
    Outcome,
    RosterUnit,
    Vote,
    VoteCount,
    VoteRecord,
    VoteResult,
    VoteState,
    ballot_electorate,
    build_electorate,
)

_OUTCOME = "OUTCOME_"
_CHOICE = "CHOICE_"


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, vote: Vote, *, compound_id: str, jurisdiction_path: str, title: str, units: Sequence[RosterUnit]
    ) -> VoteRecord:
        """Store a new open vote with its electorate snapshot; returns it as stored."""
        scope = vote.electorate.building_scope
        await self.session.execute(
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
        await self.session.execute(
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
        return await self._stored(vote.vote_id)

    async def get(self, vote_id: str, *, for_update: bool = False) -> VoteRecord | None:
        """The vote; ``for_update`` locks its row so that ballots of one vote are numbered one after another."""
        query = sa.select(votes).where(votes.c.vote_id == vote_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        objections = (await self.session.execute(
            sa.select(vote_objections).where(vote_objections.c.vote_id == vote_id)
            .order_by(vote_objections.c.raised_at, vote_objections.c.objection_id)
        )).mappings()
        return replace(_record(row), objections=tuple(_objection(objection) for objection in objections))

    async def load(self, record: VoteRecord) -> Vote:
        """The domain aggregate rebuilt from the stored snapshot and ballots (V7: the tally is reproducible)."""
        units = await self._units(vote_roster_units.c.vote_id == record.vote_id)
        cast = (
            await self.session.execute(
                sa.select(ballots).where(ballots.c.vote_id == record.vote_id).order_by(ballots.c.sequence)
            )
        ).mappings()
        return Vote(
            vote_id=record.vote_id,
            matter=record.matter,
            electorate=build_electorate(units, building_ids=record.building_ids or None),
            follow_majority=record.follow_majority,
            ballots=[Ballot(sequence=b["sequence"], owner_key=b["owner_key"], choice=Choice(b["choice"]),
                            cast_by=b["cast_by"] or "", authorisation_ref=b["authorisation_ref"] or "") for b in cast],
            state=record.state,
        )

    async def load_for_ballot(self, record: VoteRecord, owner_key: str) -> Vote:
        """The aggregate as a ballot needs it: the owner's units of the snapshot and the number of ballots
        before it, not the whole roster and every ballot (a large compound's owners vote at once)."""
        snapshot = vote_roster_units.c
        owned = (snapshot.developer_unsold.is_(True) if owner_key == DEVELOPER_OWNER_KEY
                 else sa.and_(snapshot.owner_key == owner_key, snapshot.developer_unsold.is_(False)))
        units = await self._units(sa.and_(snapshot.vote_id == record.vote_id, owned))
        before = await self.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(ballots.c.sequence), 0)).where(ballots.c.vote_id == record.vote_id)
        )
        voted = await self.session.scalar(
            sa.select(ballots.c.owner_key).where(ballots.c.vote_id == record.vote_id, ballots.c.owner_key == owner_key)
            .limit(1)
        )
        return Vote(
            vote_id=record.vote_id,
            matter=record.matter,
            electorate=ballot_electorate(units, building_ids=record.building_ids or None),
            follow_majority=record.follow_majority,
            ballots_before=int(before or 0),
            turnout=record.turnout or NO_VOTES,
            voted_before=frozenset(() if voted is None else (owner_key,)),
            state=record.state,
        )

    async def _units(self, where: sa.ColumnElement[bool]) -> list[RosterUnit]:
        return [
            RosterUnit(
                unit_id=unit["unit_id"],
                owner_key=unit["owner_key"],
                area_dm2=unit["area_dm2"],
                building_id=unit["building_id"],
                is_developer_unsold=unit["developer_unsold"],
            )
            for unit in (await self.session.execute(sa.select(vote_roster_units).where(where))).mappings()
        ]

    async def add_ballot(self, vote_id: str, ballot: Ballot, *, turnout: VoteCount) -> None:
        """Store the ballot and the vote's turnout as it now stands (V2)."""
        await self.session.execute(
            votes.update().where(votes.c.vote_id == vote_id)
            .values(turnout_owners=turnout.owners, turnout_area_dm2=turnout.area_dm2)
        )
        await self.session.execute(
            ballots.insert().values(
                vote_id=vote_id,
                sequence=ballot.sequence,
                owner_key=ballot.owner_key,
                choice=ballot.choice.value,
                cast_by=ballot.cast_by or None,
                authorisation_ref=ballot.authorisation_ref or None,
                cast_at=utcnow(),
            )
        )

    async def close(self, vote_id: str, result: VoteResult, *, closed_at: dt.datetime, deadline: dt.datetime) -> VoteRecord:
        """Store the preliminary tally of a vote that closed and the end of its objection period (V8)."""
        await self.session.execute(
            votes.update()
            .where(votes.c.vote_id == vote_id)
            .values(state=VoteState.CLOSED.value, closed_at=closed_at, result=json.dumps(_result_json(result)),
                    objection_deadline=deadline)
        )
        return await self._stored(vote_id)

    def preliminary(self, record: VoteRecord) -> PreliminaryResult:
        """The V8 aggregate of a vote read with ``get`` (its objections included)."""
        return PreliminaryResult(
            vote_id=record.vote_id, state=record.state, deadline=record.objection_deadline or record.opened_at,
            objections=list(record.objections),
        )

    async def add_objection(self, vote_id: str, objection: Objection) -> None:
        await self.session.execute(vote_objections.insert().values(
            objection_id=objection.objection_id, vote_id=vote_id, owner_key=objection.owner_key,
            raised_by=objection.raised_by, reason=objection.reason, raised_at=objection.raised_at,
        ))

    async def save_answer(self, objection: Objection) -> None:
        await self.session.execute(
            vote_objections.update().where(vote_objections.c.objection_id == objection.objection_id).values(
                answer=objection.answer, answered_by=objection.answered_by, answered_at=objection.answered_at)
        )

    async def finalise(self, vote_id: str, *, finalised_by: str, at: dt.datetime) -> VoteRecord:
        await self.session.execute(
            votes.update().where(votes.c.vote_id == vote_id)
            .values(state=VoteState.FINAL.value, finalised_at=at, finalised_by=finalised_by)
        )
        return await self._stored(vote_id)

    async def for_compound(self, compound_id: str, *, before: str | None, limit: int) -> list[VoteRecord]:
        """The compound's votes, newest first."""
        query = sa.select(votes).where(votes.c.compound_id == compound_id).order_by(votes.c.vote_id.desc()).limit(limit)
        if before is not None:
            query = query.where(votes.c.vote_id < before)
        return [_record(row) for row in (await self.session.execute(query)).mappings()]

    async def of_owners(
        self, owner_keys: Sequence[str], *, states: Sequence[VoteState]
    ) -> list[tuple[VoteRecord, str, list[RosterUnit], Choice | None]]:
        """Each vote in these states whose electorate snapshot holds one of these owners, newest first: the
        vote, the owner, their units in the snapshot and the choice of their last ballot (None before one)."""
        snapshot = vote_roster_units.c
        units = (await self.session.execute(
            sa.select(vote_roster_units).join(votes, votes.c.vote_id == snapshot.vote_id)
            .where(snapshot.owner_key.in_(owner_keys), snapshot.developer_unsold.is_(False),
                   votes.c.state.in_([state.value for state in states]))
        )).mappings().all()
        owned: dict[tuple[str, str], list[RosterUnit]] = {}
        for unit in units:
            owned.setdefault((unit["vote_id"], unit["owner_key"]), []).append(RosterUnit(
                unit_id=unit["unit_id"], owner_key=unit["owner_key"], area_dm2=unit["area_dm2"],
                building_id=unit["building_id"], is_developer_unsold=False,
            ))
        vote_ids = sorted({vote_id for vote_id, _ in owned})
        records = {row["vote_id"]: _record(row) for row in (await self.session.execute(
            sa.select(votes).where(votes.c.vote_id.in_(vote_ids)))).mappings()}
        last: dict[tuple[str, str], Choice] = {}
        for ballot in (await self.session.execute(
            sa.select(ballots.c.vote_id, ballots.c.owner_key, ballots.c.choice)
            .where(ballots.c.vote_id.in_(vote_ids), ballots.c.owner_key.in_(owner_keys)).order_by(ballots.c.sequence)
        )).mappings():
            last[ballot["vote_id"], ballot["owner_key"]] = Choice(ballot["choice"])
        return [
            (records[vote_id], owner_key, owned[vote_id, owner_key], last.get((vote_id, owner_key)))
            for vote_id, owner_key in sorted(owned, key=lambda found: found[0], reverse=True)
        ]

    async def open_in(self, compound_id: str) -> list[VoteRecord]:
        query = (
            sa.select(votes)
            .where(votes.c.compound_id == compound_id, votes.c.state == VoteState.OPEN.value)
            .order_by(votes.c.vote_id)
        )
        return [_record(row) for row in (await self.session.execute(query)).mappings()]

    async def _stored(self, vote_id: str) -> VoteRecord:
        record = await self.get(vote_id)
        assert record is not None, f"vote {vote_id} was written in this transaction"
        return record


def _record(row: sa.RowMapping) -> VoteRecord:
    matter = Matter(row["matter"])
    building_ids = tuple(json.loads(row["building_scope"])) if row["building_scope"] else ()
    result = row["result"]
    state = VoteState(row["state"])
    return VoteRecord(
        vote_id=row["vote_id"],
        compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"],
        matter=matter,
        title=row["title"],
        building_ids=building_ids,
        follow_majority=row["follow_majority"],
        state=state,
        electorate=VoteCount(row["electorate_owners"], row["electorate_area_dm2"]),
        turnout=VoteCount(row["turnout_owners"], row["turnout_area_dm2"]) if state is VoteState.OPEN else None,
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        result=None if result is None else _result(json.loads(result), matter, frozenset(building_ids) or None),
        objection_deadline=row["objection_deadline"],
        finalised_at=row["finalised_at"],
    )


def _objection(row: sa.RowMapping) -> Objection:
    return Objection(
        objection_id=row["objection_id"], owner_key=row["owner_key"], raised_by=row["raised_by"],
        reason=row["reason"], raised_at=row["raised_at"], answer=row["answer"] or "",
        answered_by=row["answered_by"] or "", answered_at=row["answered_at"],
    )


# --- the stored tally -----------------------------------------------------------------------------


def _count_json(count: VoteCount) -> dict[str, int]:
    return {"owners": count.owners, "areaDm2": count.area_dm2}


def _count(data: Mapping[str, Any]) -> VoteCount:
    return VoteCount(owners=int(data.get("owners", 0)), area_dm2=int(data.get("areaDm2", 0)))


def _ratio_json(share: Fraction) -> dict[str, int]:
    return {"numerator": share.numerator, "denominator": share.denominator}


def _ratio(data: Mapping[str, Any]) -> Fraction:
    return Fraction(int(data.get("numerator", 0)), int(data.get("denominator", 1)))


def _result_json(result: VoteResult) -> dict[str, Any]:
    stored: dict[str, Any] = {
        "outcome": _OUTCOME + result.reason.name,
        "passed": result.passed,
        "electorate": _count_json(result.electorate),
        "participating": _count_json(result.participating),
        "yes": _count_json(result.yes),
        "no": _count_json(result.no),
        "abstain": _count_json(result.abstain),
        "followMajority": result.follow_majority,
        "added": _count_json(result.added),
        "participatingAreaShare": _ratio_json(result.participating_area_share),
        "participatingOwnerShare": _ratio_json(result.participating_owner_share),
        "yesAreaShare": _ratio_json(result.yes_area_share),
        "yesOwnerShare": _ratio_json(result.yes_owner_share),
        "onPaper": _count_json(result.on_paper),
    }
    if result.added_side is not None:
        stored["addedSide"] = _CHOICE + result.added_side.name
    return stored


def _result(data: Mapping[str, Any], matter: Matter, building_scope: frozenset[str] | None) -> VoteResult:
    """The stored tally; absent fields are their defaults (earlier rows left them out)."""
    added_side = data.get("addedSide")
    return VoteResult(
        matter=matter,
        passed=bool(data.get("passed", False)),
        reason=Outcome[data["outcome"].removeprefix(_OUTCOME)],
        building_scope=building_scope,
        electorate=_count(data.get("electorate", {})),
        participating=_count(data.get("participating", {})),
        yes=_count(data.get("yes", {})),
        no=_count(data.get("no", {})),
        abstain=_count(data.get("abstain", {})),
        follow_majority=bool(data.get("followMajority", False)),
        added_side=None if added_side is None else Choice[added_side.removeprefix(_CHOICE)],
        added=_count(data.get("added", {})),
        participating_area_share=_ratio(data.get("participatingAreaShare", {})),
        participating_owner_share=_ratio(data.get("participatingOwnerShare", {})),
        yes_area_share=_ratio(data.get("yesAreaShare", {})),
        yes_owner_share=_ratio(data.get("yesOwnerShare", {})),
        on_paper=_count(data.get("onPaper", {})),
    )
