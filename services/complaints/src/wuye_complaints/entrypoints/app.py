import grpc

from wuye.complaints.v1 import complaints_pb2_grpc
from wuye_chassis import compounds, directory, pii
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_complaints.adapters.contacts import Contacts
from wuye_complaints.adapters.orm import known_compounds, known_jurisdictions, metadata
from wuye_complaints.domain.categories import CategoryCatalogue
from wuye_complaints.entrypoints.grpc import SERVICE_NAME, ComplaintsServicer
from wuye_complaints.service.cases import CaseService
from wuye_complaints.service.figures import FigureService
from wuye_complaints.service.mediation import MediationService
from wuye_complaints.settings import ComplaintsSettings


def build(settings: ComplaintsSettings | None = None) -> ServiceDefinition:
    settings = settings or ComplaintsSettings()
    catalogue = CategoryCatalogue()

    def case_service(runtime: ServiceRuntime) -> CaseService:
        # the key is read when the service starts, so tools that only inspect the definition need none
        contacts = Contacts(pii.PersonalDataCipher.from_settings(runtime.settings))
        return CaseService(runtime, catalogue, contacts)

    def register(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
        servicer = ComplaintsServicer(
            case_service(runtime), MediationService(runtime), FigureService(runtime, catalogue), catalogue
        )

        def add(server: grpc.aio.Server) -> None:
            complaints_pb2_grpc.add_ComplaintsServiceServicer_to_server(servicer, server)

        return add

    def escalation_scheduler(runtime: ServiceRuntime) -> PeriodicTask:
        cases = case_service(runtime)
        return PeriodicTask(
            "complaints-escalation",
            settings.escalation_interval_seconds,
            lambda: cases.escalate_overdue(batch_size=settings.escalation_batch_size),
        )

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations="wuye_complaints:migrations",
        grpc_services=[SERVICE_NAME, directory.SERVICE_NAME],
        registrars=lambda runtime: [register(runtime), directory.registrar(runtime.db, known_jurisdictions)],
        subscriptions=lambda runtime: [
            directory.subscription(known_jurisdictions, settings.service_name),
            compounds.subscription(known_compounds, settings.service_name),
        ],
        background=lambda runtime: [escalation_scheduler(runtime)],
    )
