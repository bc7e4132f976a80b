from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition
from wuye_ratings.adapters.orm import known_jurisdictions, metadata
from wuye_ratings.settings import RatingsSettings


def build(settings: RatingsSettings | None = None) -> ServiceDefinition:
    settings = settings or RatingsSettings()
    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations="wuye_ratings:migrations",
        grpc_services=[directory.SERVICE_NAME],
        registrars=lambda runtime: [directory.registrar(runtime.db, known_jurisdictions)],
        subscriptions=lambda runtime: [directory.subscription(known_jurisdictions, settings.service_name)],
    )
