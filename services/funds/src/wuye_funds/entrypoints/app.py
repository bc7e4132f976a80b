from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_funds.adapters.orm import known_jurisdictions, metadata
from wuye_funds.adapters.registry_roster import RegistryOwnerRoster
from wuye_funds.entrypoints.grpc import SERVICE_NAME, registrar
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
        migrations="wuye_funds:migrations",
        grpc_services=[directory.SERVICE_NAME, SERVICE_NAME],
        registrars=lambda runtime: [
            directory.registrar(runtime.db, known_jurisdictions),
            registrar(runtime, roster),
        ],
        subscriptions=lambda runtime: [
            directory.subscription(known_jurisdictions, settings.service_name),
            vote_proposals.subscription(settings.service_name),
        ],
        # the registry client's channel opens and closes with the service
        background=lambda runtime: [roster, overdue_reporter(runtime)],
    )
