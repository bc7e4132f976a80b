from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWork
from wuye_funds.adapters.orm import metadata
from wuye_funds.adapters.registry_roster import RegistryOwnerRoster
from wuye_funds.entrypoints.grpc import registrar
from wuye_funds.service import vote_proposals
from wuye_funds.service.disclosure_schedule import report_overdue
from wuye_funds.settings import FundsSettings


def build(settings: FundsSettings | None = None) -> ServiceDefinition:
    settings = settings or FundsSettings()
    roster = RegistryOwnerRoster(settings.registry_addr)

    def overdue_reporter(runtime: ServiceRuntime) -> PeriodicTask:
        # P3: each overdue disclosure becomes one DisclosureOverdue event, however many rounds see it
        return PeriodicTask(
            "funds-disclosure-overdue", settings.disclosure_overdue_interval_seconds,
            lambda: report_overdue(runtime, settings),
        )

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_funds:migrations"),
        unit_of_work=UnitOfWork,
        servicers=lambda runtime: [registrar(runtime, roster)],
        read_models=[directory.JURISDICTIONS],
        subscriptions=lambda runtime: [vote_proposals.subscription(settings.service_name)],
        # the registry client's channel opens and closes with the service
        background=lambda runtime: [roster, overdue_reporter(runtime)],
    )
