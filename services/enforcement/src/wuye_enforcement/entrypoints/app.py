import grpc

from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis import compounds, directory
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_enforcement.adapters.orm import known_compounds, known_jurisdictions, metadata
from wuye_enforcement.entrypoints.consumers import complaint_subscription
from wuye_enforcement.entrypoints.grpc import SERVICE_NAME, EnforcementServicer
from wuye_enforcement.service.catalogue import CatalogueService
from wuye_enforcement.service.figures import FigureService
from wuye_enforcement.service.inspections import InspectionService
from wuye_enforcement.service.orders import OrderService
from wuye_enforcement.settings import EnforcementSettings


def build(settings: EnforcementSettings | None = None) -> ServiceDefinition:
    settings = settings or EnforcementSettings()

    def register(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
        servicer = EnforcementServicer(
            CatalogueService(runtime), InspectionService(runtime, settings), OrderService(runtime), FigureService(runtime)
        )

        def add(server: grpc.aio.Server) -> None:
            enforcement_pb2_grpc.add_EnforcementServiceServicer_to_server(servicer, server)

        return add

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
        migrations="wuye_enforcement:migrations",
        grpc_services=[SERVICE_NAME, directory.SERVICE_NAME],
        registrars=lambda runtime: [register(runtime), directory.registrar(runtime.db, known_jurisdictions)],
        subscriptions=lambda runtime: [
            directory.subscription(known_jurisdictions, settings.service_name),
            compounds.subscription(known_compounds, settings.service_name),
            complaint_subscription(settings.service_name, InspectionService(runtime, settings)),
        ],
        background=lambda runtime: [overdue_scheduler(runtime)],
    )
