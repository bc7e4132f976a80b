"""The complaints service as the chassis runs it."""

from __future__ import annotations

from functools import cache

from wuye_chassis import objects, pii
from wuye_chassis.app import ServiceDefinition
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWorkParts
from wuye_complaints.adapters.contacts import Contacts
from wuye_complaints.adapters.events import outgoing
from wuye_complaints.adapters.gauges import GAUGES
from wuye_complaints.adapters.orm import metadata
from wuye_complaints.domain.categories import CategoryCatalogue
from wuye_complaints.entrypoints import consumers, grpc, schedulers
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork
from wuye_complaints.settings import ComplaintsSettings


def build(settings: ComplaintsSettings | None = None) -> ServiceDefinition[ComplaintsUnitOfWork]:
    settings = settings or ComplaintsSettings()
    catalogue = CategoryCatalogue()

    @cache
    def contacts() -> Contacts:
        # read at the first unit of work, so tools that only inspect the definition need no key
        return Contacts(pii.PersonalDataCipher.from_settings(settings))

    store = objects.object_store(settings)

    def unit_of_work(parts: UnitOfWorkParts) -> ComplaintsUnitOfWork:
        return ComplaintsUnitOfWork(parts, catalogue, contacts(), store)

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_complaints:migrations"),
        unit_of_work=unit_of_work,
        events=outgoing,
        servicers=lambda runtime: grpc.servicers(runtime.unit_of_work),
        read_models=consumers.READ_MODELS,
        background=lambda runtime: [
            schedulers.escalation(runtime, settings), schedulers.photo_sweep(runtime, settings)
        ],
        counts_working_days=True,
        gauges=lambda runtime: GAUGES,
    )
