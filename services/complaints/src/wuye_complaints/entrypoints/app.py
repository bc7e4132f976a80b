from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition
from wuye_complaints.adapters.orm import known_jurisdictions, metadata
from wuye_complaints.settings import ComplaintsSettings


def build(settings: ComplaintsSettings | None = None) -> ServiceDefinition:
    settings = settings or ComplaintsSettings()
    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations="wuye_complaints:migrations",
        grpc_services=[directory.SERVICE_NAME],
        registrars=lambda runtime: [directory.registrar(runtime.db, known_jurisdictions)],
        subscriptions=lambda runtime: [directory.subscription(known_jurisdictions, settings.service_name)],
    )
