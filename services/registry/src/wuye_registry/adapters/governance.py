"""Party organisation, reserve pool and cadre link rows ⇄ domain values and records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_registry.adapters.orm import cadre_links, party_organisations, reserve_candidates, reserve_screening_reasons
from wuye_registry.domain.party import PartyLevel, PartyNode
from wuye_registry.domain.reserve_pool import ReserveEntry, ReservePosition, ScreeningReason


@dataclass(frozen=True)
class PartyOrganisationRecord:
    """A party organisation node with where it lies and the one thing it organises (by level: nothing
    for a community committee, else a compound, a building or a household)."""

    node: PartyNode
    jurisdiction_path: str
    compound_id: str | None = None
    building_id: str | None = None
    household_id: str | None = None


@dataclass(frozen=True)
class CandidateRecord:
    candidate_id: str
    compound_id: str
    person_id: str
    positions: tuple[ReservePosition, ...]
    screened_on: dt.date
    eligible: bool
    #: every negative-list rule that screened the candidate out (O5)
    reasons: tuple[ScreeningReason, ...]


@dataclass(frozen=True)
class CadreLinkRecord:
    link_id: str
    compound_id: str
    person_id: str
    post: str
    start_on: dt.date
    end_on: dt.date | None


def _party_organisation(row: sa.RowMapping) -> PartyOrganisationRecord:
    node = PartyNode(
        key=row["id"],
        level=PartyLevel(row["level"]),
        name=row["name"],
        attached_to=row["compound_id"] or row["building_id"] or row["household_id"] or row["jurisdiction_path"],
        parent_key=row["parent_id"],
        secretary_person_key=row["secretary_person_id"],
        established_on=row["established_on"],
    )
    return PartyOrganisationRecord(
        node, row["jurisdiction_path"], row["compound_id"], row["building_id"], row["household_id"]
    )


def _cadre_link(row: sa.RowMapping) -> CadreLinkRecord:
    return CadreLinkRecord(
        row["id"], row["compound_id"], row["person_id"], row["post"], row["start_on"], row["end_on"]
    )


class GovernanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- party organisation ------------------------------------------------------------------------

    async def party_organisation(self, organisation_id: str) -> PartyOrganisationRecord | None:
        query = sa.select(party_organisations).where(party_organisations.c.id == organisation_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _party_organisation(row)

    async def add_party_organisation(self, organisation: PartyOrganisationRecord) -> None:
        node = organisation.node
        await self.session.execute(
            party_organisations.insert().values(
                id=node.key,
                level=node.level.value,
                name=node.name,
                parent_id=node.parent_key,
                jurisdiction_path=organisation.jurisdiction_path,
                compound_id=organisation.compound_id,
                building_id=organisation.building_id,
                household_id=organisation.household_id,
                secretary_person_id=node.secretary_person_key,
                established_on=node.established_on,
                created_at=utcnow(),
            )
        )

    async def party_organisations_in(self, path: str) -> list[PartyOrganisationRecord]:
        """The nodes at or below ``path``, from the community committees down."""
        query = (
            sa.select(party_organisations)
            .where(at_or_below(party_organisations.c.jurisdiction_path, path))
            .order_by(party_organisations.c.level, party_organisations.c.id)
        )
        return [_party_organisation(row) for row in (await self.session.execute(query)).mappings()]

    # --- reserve pool (O5) -------------------------------------------------------------------------

    async def add_candidate(self, candidate_id: str, entry: ReserveEntry, *, compound_id: str) -> CandidateRecord:
        screening = entry.screening
        await self.session.execute(
            reserve_candidates.insert().values(
                id=candidate_id,
                compound_id=compound_id,
                person_id=entry.person_key,
                positions=",".join(position.value for position in entry.positions),
                screened_on=screening.as_of,
                eligible=entry.eligible,
                created_at=utcnow(),
            )
        )
        if screening.reasons:
            await self.session.execute(
                reserve_screening_reasons.insert(),
                [
                    {"candidate_id": candidate_id, "code": r.code, "label_zh": r.label_zh, "label_en": r.label_en}
                    for r in screening.reasons
                ],
            )
        (stored,) = await self.candidates(compound_id, candidate_id=candidate_id)
        return stored

    async def candidates(self, compound_id: str, *, candidate_id: str | None = None) -> list[CandidateRecord]:
        """The compound's reserve candidates (or the one ``candidate_id``) with their reasons, newest first."""
        query = sa.select(reserve_candidates).where(reserve_candidates.c.compound_id == compound_id)
        if candidate_id is not None:
            query = query.where(reserve_candidates.c.id == candidate_id)
        rows = (await self.session.execute(query.order_by(reserve_candidates.c.id.desc()))).mappings().all()
        reasons_query = (
            sa.select(reserve_screening_reasons)
            .where(reserve_screening_reasons.c.candidate_id.in_([row["id"] for row in rows]))
            .order_by(reserve_screening_reasons.c.code)
        )
        reasons: dict[str, list[ScreeningReason]] = {}
        for reason in (await self.session.execute(reasons_query)).mappings():
            reasons.setdefault(reason["candidate_id"], []).append(
                ScreeningReason(reason["code"], reason["label_zh"], reason["label_en"])
            )
        return [
            CandidateRecord(
                candidate_id=row["id"],
                compound_id=row["compound_id"],
                person_id=row["person_id"],
                positions=tuple(ReservePosition(position) for position in row["positions"].split(",")),
                screened_on=row["screened_on"],
                eligible=row["eligible"],
                reasons=tuple(reasons.get(row["id"], ())),
            )
            for row in rows
        ]

    async def latest_screenings(self, compound_id: str, person_ids: Sequence[str]) -> dict[str, bool]:
        """Whether each person's latest screening for the compound passed (O5); the unscreened are absent."""
        rows = (await self.session.execute(
            sa.select(reserve_candidates.c.person_id, reserve_candidates.c.eligible)
            .where(reserve_candidates.c.compound_id == compound_id, reserve_candidates.c.person_id.in_(person_ids))
            .order_by(reserve_candidates.c.screened_on, reserve_candidates.c.id)
        )).all()
        return {person_id: bool(eligible) for person_id, eligible in rows}  # the later row wins

    # --- cadre links -------------------------------------------------------------------------------

    async def add_cadre_link(self, link: CadreLinkRecord) -> None:
        await self.session.execute(
            cadre_links.insert().values(
                id=link.link_id,
                compound_id=link.compound_id,
                person_id=link.person_id,
                post=link.post,
                start_on=link.start_on,
                end_on=link.end_on,
                created_at=utcnow(),
            )
        )

    async def cadre_links_of(self, compound_id: str) -> list[CadreLinkRecord]:
        query = (
            sa.select(cadre_links)
            .where(cadre_links.c.compound_id == compound_id)
            .order_by(cadre_links.c.start_on, cadre_links.c.id)
        )
        return [_cadre_link(row) for row in (await self.session.execute(query)).mappings()]
