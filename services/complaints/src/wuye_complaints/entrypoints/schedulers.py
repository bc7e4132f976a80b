"""The escalation scheduler (C4): each round finds the cases whose tier time ran out and escalates each
in its own unit of work, so one case that fails does not hold back the others. The photo sweep deletes
the uploads no case took."""

from __future__ import annotations

from wuye_chassis import photo_library
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


def photo_sweep(runtime: ServiceRuntime[ComplaintsUnitOfWork], settings: ComplaintsSettings) -> PeriodicTask:
    return photo_library.sweep_task(settings, lambda kept_hours, limit: cases.sweep_unfiled_photos(
        commands.SweepUnfiledPhotos(kept_hours, limit), runtime.unit_of_work()))
