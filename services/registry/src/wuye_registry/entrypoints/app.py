from wuye_chassis.app import ServiceDefinition
from wuye_registry.adapters.orm import metadata
from wuye_registry.entrypoints.grpc import SERVICE_NAME, registrar
from wuye_registry.settings import RegistrySettings


def build(settings: RegistrySettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or RegistrySettings(),
        metadata=metadata,
        migrations="wuye_registry:migrations",
        grpc_services=[SERVICE_NAME],
        registrars=lambda runtime: [registrar(runtime)],
    )
