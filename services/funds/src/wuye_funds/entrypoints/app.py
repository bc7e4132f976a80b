from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition
from wuye_funds.adapters.orm import known_jurisdictions, metadata
from wuye_funds.adapters.registry_roster import RegistryOwnerRoster
from wuye_funds.entrypoints.grpc import SERVICE_NAME, registrar
from wuye_funds.settings import FundsSettings


def build(settings: FundsSettings | None = None) -> ServiceDefinition:
    settings = settings or FundsSettings()
    roster = RegistryOwnerRoster(settings.registry_addr)
    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations="wuye_funds:migrations",
        grpc_services=[directory.SERVICE_NAME, SERVICE_NAME],
        registrars=lambda runtime: [
            directory.registrar(runtime.db, known_jurisdictions),
            registrar(runtime, roster),
        ],
        subscriptions=lambda runtime: [directory.subscription(known_jurisdictions, settings.service_name)],
        # the registry client's channel opens and closes with the service
        background=lambda runtime: [roster],
    )
