from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWork
from wuye_registry.adapters.orm import metadata
from wuye_registry.entrypoints.grpc import registrar
from wuye_registry.service.committees import flag_overdue_management_committees
from wuye_registry.settings import RegistrySettings


def build(settings: RegistrySettings | None = None) -> ServiceDefinition:
    settings = settings or RegistrySettings()

    def pmc_dissolution_sweep(runtime: ServiceRuntime) -> PeriodicTask:
        return PeriodicTask(
            "registry-pmc-dissolution",
            settings.pmc_dissolution_sweep_seconds,
            lambda: flag_overdue_management_committees(runtime.unit_of_work()),
        )

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_registry:migrations", shared_baseline=False),
        unit_of_work=UnitOfWork,
        servicers=lambda runtime: [registrar(runtime)],
        background=lambda runtime: [pmc_dissolution_sweep(runtime)],
    )
