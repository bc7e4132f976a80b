"""The enforcement service as the chassis runs it."""

from __future__ import annotations

from wuye_chassis import objects
from wuye_chassis.app import ServiceDefinition
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWorkParts
from wuye_enforcement.adapters.events import outgoing
from wuye_enforcement.adapters.gauges import GAUGES
from wuye_enforcement.adapters.orm import metadata
from wuye_enforcement.domain.plans import FrequencyLimit
from wuye_enforcement.entrypoints import consumers, grpc, schedulers
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork
from wuye_enforcement.settings import EnforcementSettings


def build(settings: EnforcementSettings | None = None) -> ServiceDefinition[EnforcementUnitOfWork]:
    settings = settings or EnforcementSettings()
    limit = FrequencyLimit(settings.routine_limit, settings.routine_limit_window)

    store = objects.object_store(settings)

    def unit_of_work(parts: UnitOfWorkParts) -> EnforcementUnitOfWork:
        return EnforcementUnitOfWork(parts, limit, settings.complaint_inspection_working_days, store)

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_enforcement:migrations"),
        unit_of_work=unit_of_work,
        events=outgoing,
        servicers=lambda runtime: grpc.servicers(runtime.unit_of_work),
        read_models=consumers.READ_MODELS,
        subscriptions=consumers.subscriptions,
        background=lambda runtime: [
            schedulers.overdue_orders(runtime, settings), schedulers.photo_sweep(runtime, settings)
        ],
        counts_working_days=True,
        gauges=lambda runtime: GAUGES,
    )
