"""Use cases for mediation cases (C7): open, record the outcome, refer a failed one to court."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.compounds import require_compound
from wuye_chassis.db import utcnow
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.validation import optional_text, require_text
from wuye_complaints.adapters.mediations import MediationRepository, PlacedMediation
from wuye_complaints.adapters.orm import known_compounds
from wuye_complaints.domain.mediation import MediationCase, Party

MEDIATORS = ("community_worker", "street_officer", "county_officer")


class MediationService:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def open(
        self, *, compound_id: str, parties: Sequence[Party], mediator_id: str, complaint_case_id: str
    ) -> PlacedMediation:
        auth.require_role(MEDIATORS, action="open a mediation")
        async with self.runtime.unit_of_work() as uow:
            compound = await require_compound(uow.session, known_compounds, compound_id)
            auth.require_access(compound.jurisdiction_path, action="open a mediation")
            mediation = MediationCase.open(
                mediation_id=new_id(),
                parties=parties,
                mediator_id=mediator_id,
                now=utcnow(),
                complaint_case_id=optional_text(complaint_case_id, field="complaint_case_id", rule="C7"),
            )
            placed = PlacedMediation(mediation, compound.compound_id, compound.jurisdiction_path)
            await MediationRepository(uow.session).add(placed)
            await uow.commit()
        return placed

    async def record_outcome(self, mediation_id: str, *, outcome: str, note: str) -> PlacedMediation:
        return await self._change(
            mediation_id, "record a mediation outcome",
            lambda mediation, actor: mediation.record_outcome(outcome=outcome, now=utcnow(), actor_id=actor, note=note),
        )

    async def refer_to_court(self, mediation_id: str, *, court_id: str) -> PlacedMediation:
        return await self._change(
            mediation_id, "refer a mediation to court",
            lambda mediation, actor: mediation.refer_to_court(now=utcnow(), actor_id=actor, court_id=court_id),
        )

    async def get(self, mediation_id: str) -> PlacedMediation:
        async with self.runtime.db.sessions() as session:
            placed = await self._require(MediationRepository(session), mediation_id, lock=False)
        auth.require_access(placed.jurisdiction_path, action="read a mediation")
        return placed

    async def _change(
        self, mediation_id: str, action: str, change: Callable[[MediationCase, str], None]
    ) -> PlacedMediation:
        auth.require_role(MEDIATORS, action=action)
        async with self.runtime.unit_of_work() as uow:
            repository = MediationRepository(uow.session)
            placed = await self._require(repository, mediation_id, lock=True)
            caller = auth.require_access(placed.jurisdiction_path, action=action)
            steps_before = len(placed.mediation.history)
            change(placed.mediation, caller.user)
            await repository.save(placed.mediation, steps_before=steps_before)
            await uow.commit()
        return placed

    @staticmethod
    async def _require(repository: MediationRepository, mediation_id: str, *, lock: bool) -> PlacedMediation:
        wanted = require_text(mediation_id, field="mediation_id", max_length=36)
        placed = await repository.get(wanted, lock=lock)
        if placed is None:
            raise NotFound(f"mediation {wanted} does not exist", field="mediation_id")
        return placed
