from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis import compounds, directory
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.migrations import Migrations
from wuye_chassis.uow import UnitOfWork
from wuye_enforcement.adapters.orm import metadata
from wuye_enforcement.entrypoints.consumers import complaint_subscription
from wuye_enforcement.entrypoints.grpc import SERVICE_NAME, EnforcementServicer
from wuye_enforcement.service.catalogue import CatalogueService
from wuye_enforcement.service.figures import FigureService
from wuye_enforcement.service.inspections import InspectionService
from wuye_enforcement.service.orders import OrderService
from wuye_enforcement.settings import EnforcementSettings


def build(settings: EnforcementSettings | None = None) -> ServiceDefinition:
    settings = settings or EnforcementSettings()

    def register(runtime: ServiceRuntime) -> Servicer:  # type: ignore[type-arg]
        servicer = EnforcementServicer(
            CatalogueService(runtime), InspectionService(runtime, settings), OrderService(runtime), FigureService(runtime)
        )
        return Servicer(servicer, enforcement_pb2_grpc.add_EnforcementServiceServicer_to_server, SERVICE_NAME)

    def overdue_scheduler(runtime: ServiceRuntime) -> PeriodicTask:
        orders = OrderService(runtime)
        return PeriodicTask(
            "enforcement-overdue",
            settings.overdue_interval_seconds,
            lambda: orders.mark_overdue(batch_size=settings.overdue_batch_size),
        )

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_enforcement:migrations"),
        unit_of_work=UnitOfWork,
        servicers=lambda runtime: [register(runtime)],
        read_models=[directory.JURISDICTIONS, compounds.COMPOUNDS],
        subscriptions=lambda runtime: [
            complaint_subscription(settings.service_name, InspectionService(runtime, settings)),
        ],
        background=lambda runtime: [overdue_scheduler(runtime)],
    )
