"""Handlers for mediation cases (C7): open, record the outcome, refer a failed one to court."""

from __future__ import annotations

from collections.abc import Callable

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.validation import optional_text, require_text
from wuye_complaints.adapters.mediations import MediationRepository, PlacedMediation
from wuye_complaints.domain import commands
from wuye_complaints.domain.mediation import MediationCase, Party
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork

MEDIATORS = ("community_worker", "street_officer", "county_officer")


async def open_mediation(command: commands.OpenMediation, uow: ComplaintsUnitOfWork) -> PlacedMediation:
    caller = auth.require_role(MEDIATORS, action="open a mediation")
    parties = [Party.create(party_id=party.party_id, kind=party.kind, role=party.role) for party in command.parties]
    async with uow:
        compound = await uow.compound(command.compound_id)
        auth.require_access(compound.jurisdiction_path, action="open a mediation")
        mediation = MediationCase.open(
            mediation_id=new_id(),
            parties=parties,
            mediator_id=command.mediator_id,
            now=utcnow(),
            actor_id=caller.user,
            complaint_case_id=optional_text(command.complaint_case_id, field="complaint_case_id", rule="C7"),
        )
        placed = PlacedMediation(mediation, compound.compound_id, compound.jurisdiction_path)
        await uow.mediations.add(placed)
        await uow.commit()
    return placed


async def record_mediation_outcome(
    command: commands.RecordMediationOutcome, uow: ComplaintsUnitOfWork
) -> PlacedMediation:
    return await _change(
        uow, command.mediation_id, "record a mediation outcome",
        lambda mediation, actor: mediation.record_outcome(
            outcome=command.outcome, now=utcnow(), actor_id=actor, note=command.note
        ),
    )


async def refer_mediation_to_court(
    command: commands.ReferMediationToCourt, uow: ComplaintsUnitOfWork
) -> PlacedMediation:
    return await _change(
        uow, command.mediation_id, "refer a mediation to court",
        lambda mediation, actor: mediation.refer_to_court(now=utcnow(), actor_id=actor, court_id=command.court_id),
    )


async def get_mediation(query: commands.GetMediation, uow: ComplaintsUnitOfWork) -> PlacedMediation:
    async with uow.reading():
        placed = await _require(uow.mediations, query.mediation_id, lock=False)
    auth.require_access(placed.jurisdiction_path, action="read a mediation")
    return placed


async def _change(
    uow: ComplaintsUnitOfWork, mediation_id: str, action: str, change: Callable[[MediationCase, str], None]
) -> PlacedMediation:
    auth.require_role(MEDIATORS, action=action)
    async with uow:
        placed = await _require(uow.mediations, mediation_id, lock=True)
        caller = auth.require_access(placed.jurisdiction_path, action=action)
        steps_before = len(placed.mediation.history)
        change(placed.mediation, caller.user)
        await uow.mediations.save(placed.mediation, steps_before=steps_before)
        await uow.commit()
    return placed


async def _require(repository: MediationRepository, mediation_id: str, *, lock: bool) -> PlacedMediation:
    wanted = require_text(mediation_id, field="mediation_id", max_length=36)
    placed = await repository.get(wanted, lock=lock)
    if placed is None:
        raise NotFound(f"mediation {wanted} does not exist", field="mediation_id")
    return placed
