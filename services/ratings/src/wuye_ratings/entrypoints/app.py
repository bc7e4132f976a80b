import grpc

from wuye.ratings.v1 import ratings_pb2_grpc
from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_ratings.adapters import companies, event_records, star_events
from wuye_ratings.adapters.orm import known_jurisdictions, metadata
from wuye_ratings.entrypoints.grpc import SERVICE_NAME, RatingsServicer
from wuye_ratings.service.credit import CreditService
from wuye_ratings.service.evaluations import EvaluationService
from wuye_ratings.service.lists import ListService
from wuye_ratings.service.stars import StarService
from wuye_ratings.settings import RatingsSettings


def build(settings: RatingsSettings | None = None) -> ServiceDefinition:
    settings = settings or RatingsSettings()
    # read at build time so a bad weight or policy setting stops the service before it serves
    weights = settings.evaluation_weights()
    policy = settings.list_policy()

    def register(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
        servicer = RatingsServicer(
            CreditService(runtime), EvaluationService(runtime, weights), ListService(runtime, policy),
            StarService(runtime, weights),
        )

        def add(server: grpc.aio.Server) -> None:
            ratings_pb2_grpc.add_RatingsServiceServicer_to_server(servicer, server)

        return add

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations="wuye_ratings:migrations",
        grpc_services=[SERVICE_NAME, directory.SERVICE_NAME],
        registrars=lambda runtime: [register(runtime), directory.registrar(runtime.db, known_jurisdictions)],
        subscriptions=lambda runtime: [
            directory.subscription(known_jurisdictions, settings.service_name),
            companies.subscription(settings.service_name),
            event_records.subscription(settings.service_name, runtime.outbox),
            star_events.subscription(settings.service_name, runtime.outbox),
        ],
    )
