"""The overdue scheduler (E4): each round finds the issued orders whose deadline has passed and marks
each overdue in its own unit of work, so the orders marked before one that fails stay marked. The photo
sweep deletes the evidence uploads no result took."""

from __future__ import annotations

from wuye_chassis import photo_library
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_enforcement.domain import commands
from wuye_enforcement.service import evidence, orders
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork
from wuye_enforcement.settings import EnforcementSettings


def overdue_orders(runtime: ServiceRuntime[EnforcementUnitOfWork], settings: EnforcementSettings) -> PeriodicTask:
    async def one_round() -> int:
        due = await orders.find_orders_past_deadline(
            commands.FindOrdersPastDeadline(settings.overdue_batch_size), runtime.unit_of_work()
        )
        marked = 0
        for order_id in due:
            marked += await orders.mark_order_overdue(commands.MarkOrderOverdue(order_id), runtime.unit_of_work())
        return marked

    return PeriodicTask("enforcement-overdue", settings.overdue_interval_seconds, one_round)


def photo_sweep(runtime: ServiceRuntime[EnforcementUnitOfWork], settings: EnforcementSettings) -> PeriodicTask:
    return photo_library.sweep_task(settings, lambda kept_hours, limit: evidence.sweep_unfiled_photos(
        commands.SweepUnfiledPhotos(kept_hours, limit), runtime.unit_of_work()))
