"""The enforcement unit of work: the chassis transaction with this service's repositories and rules."""

from __future__ import annotations

from wuye_chassis.compounds import KnownCompound, require_compound
from wuye_chassis.objects import ObjectStore
from wuye_chassis.photo_library import PhotoRepository
from wuye_chassis.uow import UnitOfWork, UnitOfWorkParts
from wuye_enforcement.adapters.catalogue import CatalogueRepository
from wuye_enforcement.adapters.figures import FigureCounts
from wuye_enforcement.adapters.inspections import InspectionRepository
from wuye_enforcement.adapters.orders import OrderRepository
from wuye_enforcement.adapters.orm import evidence_photos, known_compounds
from wuye_enforcement.adapters.plans import PlanRepository
from wuye_enforcement.adapters.supervision import SupervisionRepository
from wuye_enforcement.domain.plans import FrequencyLimit


class EnforcementUnitOfWork(UnitOfWork):
    catalogue: CatalogueRepository
    plans: PlanRepository
    inspections: InspectionRepository
    orders: OrderRepository
    figures: FigureCounts
    supervision: SupervisionRepository
    photos: PhotoRepository

    def __init__(
        self, parts: UnitOfWorkParts, limit: FrequencyLimit, complaint_visit_working_days: int, objects: ObjectStore
    ) -> None:
        super().__init__(parts)
        #: the deployment's E3 limit on routine joint inspections
        self.limit = limit
        #: a complaint-triggered inspection is planned this many working days after the complaint
        self.complaint_visit_working_days = complaint_visit_working_days
        self.objects = objects

    def opened(self) -> None:
        self.catalogue = CatalogueRepository(self.session)
        self.plans = PlanRepository(self.session)
        self.inspections = InspectionRepository(self.session, self.plans)
        self.orders = OrderRepository(self.session)
        self.figures = FigureCounts(self.session)
        self.supervision = SupervisionRepository(self.session)
        self.photos = PhotoRepository(self.session, self.objects, evidence_photos, holder="held_by",
                                      folder="evidence-photos")

    async def compound(self, compound_id: str, *, field: str, lock: bool = False) -> KnownCompound:
        """The compound as the registry announced it; NOT_FOUND naming ``field`` when it is unknown.
        ``lock`` makes two planners of one compound take turns through the E3 check (PostgreSQL)."""
        return await require_compound(self.session, known_compounds, compound_id, field=field, lock=lock)
