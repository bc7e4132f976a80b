"""Mediation rows ⇄ the domain ``MediationCase`` (parties and steps only ever grow)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_complaints.adapters.orm import mediation_parties, mediation_steps, mediations
from wuye_complaints.domain.mediation import (
    CourtReferral,
    MediationCase,
    MediationOutcome,
    MediationStep,
    Party,
    PartyKind,
    PartyRole,
)


@dataclass(frozen=True)
class PlacedMediation:
    """A mediation with the compound and jurisdiction it belongs to (for scoping)."""

    mediation: MediationCase
    compound_id: str
    jurisdiction_path: str


class MediationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, mediation_id: str, *, lock: bool = True) -> PlacedMediation | None:
        query = sa.select(mediations).where(mediations.c.mediation_id == mediation_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        if row is None:
            return None
        parties = (
            await self.session.execute(
                sa.select(mediation_parties)
                .where(mediation_parties.c.mediation_id == mediation_id)
                .order_by(mediation_parties.c.position)
            )
        ).mappings().all()
        steps = (
            await self.session.execute(
                sa.select(mediation_steps)
                .where(mediation_steps.c.mediation_id == mediation_id)
                .order_by(mediation_steps.c.position)
            )
        ).mappings().all()
        referral = None
        if row["court_id"] is not None:
            referral = CourtReferral(row["referred_at"], row["referred_by"], row["court_id"])
        mediation = MediationCase(
            mediation_id=row["mediation_id"],
            parties=tuple(Party(p["party_id"], PartyKind(p["kind"]), PartyRole(p["role"])) for p in parties),
            mediator_id=row["mediator_id"],
            opened_at=row["opened_at"],
            complaint_case_id=row["complaint_case_id"],
            outcome=None if row["outcome"] is None else MediationOutcome(row["outcome"]),
            outcome_at=row["outcome_at"],
            outcome_note=row["outcome_note"],
            court_referral=referral,
            history=[MediationStep(s["at"], s["actor_id"], s["action"]) for s in steps],
        )
        return PlacedMediation(mediation, row["compound_id"], row["jurisdiction_path"])

    async def add(self, placed: PlacedMediation) -> None:
        mediation = placed.mediation
        await self.session.execute(
            mediations.insert().values(
                mediation_id=mediation.mediation_id,
                compound_id=placed.compound_id,
                jurisdiction_path=placed.jurisdiction_path,
                complaint_case_id=mediation.complaint_case_id,
                mediator_id=mediation.mediator_id,
                opened_at=mediation.opened_at,
            )
        )
        await self.session.execute(
            mediation_parties.insert(),
            [
                {
                    "mediation_id": mediation.mediation_id, "position": n, "party_id": party.party_id,
                    "kind": party.kind.value, "role": party.role.value,
                }
                for n, party in enumerate(mediation.parties)
            ],
        )
        await self._append_steps(mediation, already=0)

    async def save(self, mediation: MediationCase, *, steps_before: int) -> None:
        referral = mediation.court_referral
        await self.session.execute(
            mediations.update()
            .where(mediations.c.mediation_id == mediation.mediation_id)
            .values(
                outcome=None if mediation.outcome is None else mediation.outcome.value,
                outcome_at=mediation.outcome_at,
                outcome_note=mediation.outcome_note,
                court_id=None if referral is None else referral.court_id,
                referred_at=None if referral is None else referral.at,
                referred_by=None if referral is None else referral.actor_id,
            )
        )
        await self._append_steps(mediation, already=steps_before)

    async def _append_steps(self, mediation: MediationCase, *, already: int) -> None:
        new_steps = mediation.history[already:]
        if new_steps:
            await self.session.execute(
                mediation_steps.insert(),
                [
                    {
                        "mediation_id": mediation.mediation_id, "position": already + n, "at": step.at,
                        "actor_id": step.actor_id, "action": step.action,
                    }
                    for n, step in enumerate(new_steps)
                ],
            )
