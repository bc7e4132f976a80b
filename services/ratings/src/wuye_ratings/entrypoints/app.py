from wuye.ratings.v1 import ratings_pb2_grpc
from wuye_chassis import directory
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWork
from wuye_ratings.adapters import companies, event_records, star_events
from wuye_ratings.adapters.orm import metadata
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

    def register(runtime: ServiceRuntime) -> Servicer:  # type: ignore[type-arg]
        servicer = RatingsServicer(
            CreditService(runtime), EvaluationService(runtime, weights), ListService(runtime, policy),
            StarService(runtime, weights),
        )
        return Servicer(servicer, ratings_pb2_grpc.add_RatingsServiceServicer_to_server, SERVICE_NAME)

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_ratings:migrations"),
        unit_of_work=UnitOfWork,
        servicers=lambda runtime: [register(runtime)],
        read_models=[directory.JURISDICTIONS],
        subscriptions=lambda runtime: [
            companies.subscription(settings.service_name),
            event_records.subscription(settings.service_name, runtime.outbox),
            star_events.subscription(settings.service_name, runtime.outbox),
        ],
    )
