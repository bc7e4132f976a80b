"""The escalation scheduler (C4): each round finds the cases whose tier time ran out and escalates each
in its own unit of work, so one case that fails does not hold back the others. The photo sweep deletes
the uploads no case took."""

from __future__ import annotations

from wuye_chassis.app import ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_complaints.domain import commands
from wuye_complaints.service import cases
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork
from wuye_complaints.settings import ComplaintsSettings


def escalation(runtime: ServiceRuntime[ComplaintsUnitOfWork], settings: ComplaintsSettings) -> PeriodicTask:
    async def one_round() -> int:
        due = await cases.find_overdue_cases(commands.FindOverdueCases(settings.escalation_batch_size), runtime.unit_of_work())
        moved = 0
        for case_id in due:
            moved += await cases.escalate_overdue_case(commands.EscalateOverdueCase(case_id), runtime.unit_of_work())
        return moved

    return PeriodicTask("complaints-escalation", settings.escalation_interval_seconds, one_round)


#: photos deleted per round at most (a round is one transaction)
PHOTO_SWEEP_BATCH = 500


def photo_sweep(runtime: ServiceRuntime[ComplaintsUnitOfWork], settings: ComplaintsSettings) -> PeriodicTask:
    async def one_round() -> int:
        return await cases.sweep_unfiled_photos(
            commands.SweepUnfiledPhotos(settings.unfiled_photo_hours, PHOTO_SWEEP_BATCH), runtime.unit_of_work()
        )

    return PeriodicTask("complaints-photo-sweep", settings.photo_sweep_interval_seconds, one_round)
