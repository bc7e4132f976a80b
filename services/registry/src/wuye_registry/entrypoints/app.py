"""The registry as the chassis runs it. It consumes no events and keeps no read models: the other
services keep theirs from its events."""

from __future__ import annotations

from functools import cache

from wuye_chassis import pii
from wuye_chassis.app import ServiceDefinition
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWorkParts
from wuye_registry.adapters.events import outgoing
from wuye_registry.adapters.orm import metadata
from wuye_registry.adapters.people import PersonalData
from wuye_registry.entrypoints import grpc, schedulers
from wuye_registry.service.unit_of_work import RegistryUnitOfWork
from wuye_registry.settings import RegistrySettings


def build(settings: RegistrySettings | None = None) -> ServiceDefinition[RegistryUnitOfWork]:
    settings = settings or RegistrySettings()

    @cache
    def personal_data() -> PersonalData:
        # read at the first unit of work (the app makes one before it serves), so a service without
        # WUYE_PII_KEY refuses to start unless its database is a local SQLite file
        return PersonalData(pii.PersonalDataCipher.from_settings(settings))

    def unit_of_work(parts: UnitOfWorkParts) -> RegistryUnitOfWork:
        return RegistryUnitOfWork(parts, personal_data())

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        # the registry's first revision is its own: it keeps the jurisdictions, not a directory of them
        migrations=Migrations("wuye_registry:migrations", shared_baseline=False),
        unit_of_work=unit_of_work,
        events=outgoing,
        servicers=lambda runtime: [grpc.servicer(runtime.unit_of_work)],
        background=lambda runtime: [schedulers.pmc_dissolution(runtime, settings)],
    )
