from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition
from wuye_enforcement.adapters.orm import known_jurisdictions, metadata
from wuye_enforcement.settings import EnforcementSettings


def build(settings: EnforcementSettings | None = None) -> ServiceDefinition:
    settings = settings or EnforcementSettings()
    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations="wuye_enforcement:migrations",
        grpc_services=[directory.SERVICE_NAME],
        registrars=lambda runtime: [directory.registrar(runtime.db, known_jurisdictions)],
        subscriptions=lambda runtime: [directory.subscription(known_jurisdictions, settings.service_name)],
    )
