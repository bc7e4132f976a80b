"""The complaints unit of work: the chassis transaction with this service's repositories and helpers."""

from __future__ import annotations

import datetime as dt

from wuye_chassis.compounds import KnownCompound, require_compound
from wuye_chassis.objects import ObjectStore
from wuye_chassis.photo_library import PhotoRepository
from wuye_chassis.tickets import next_ticket
from wuye_chassis.uow import UnitOfWork, UnitOfWorkParts
from wuye_complaints.adapters.cases import CaseRepository
from wuye_complaints.adapters.compounds import company_under_contract
from wuye_complaints.adapters.consultations import ConsultationRepository
from wuye_complaints.adapters.contacts import Contacts
from wuye_complaints.adapters.figures import FigureChanges, FigureCounts
from wuye_complaints.adapters.hotline import HotlineCounts
from wuye_complaints.adapters.mediations import MediationRepository
from wuye_complaints.adapters.orm import case_photos, known_compounds, ticket_counters
from wuye_complaints.domain.categories import CategoryCatalogue


class ComplaintsUnitOfWork(UnitOfWork):
    cases: CaseRepository
    mediations: MediationRepository
    consultations: ConsultationRepository
    figures: FigureCounts
    figure_changes: FigureChanges
    hotline: HotlineCounts
    photos: PhotoRepository

    def __init__(
        self, parts: UnitOfWorkParts, catalogue: CategoryCatalogue, contacts: Contacts, objects: ObjectStore
    ) -> None:
        super().__init__(parts)
        self.catalogue = catalogue
        self.contacts = contacts
        self.objects = objects

    def opened(self) -> None:
        self.figure_changes = FigureChanges()
        self.cases = CaseRepository(self.session, self.catalogue, self.calendar, self.figure_changes)
        self.mediations = MediationRepository(self.session)
        self.consultations = ConsultationRepository(self.session)
        self.figures = FigureCounts(self.session)
        self.hotline = HotlineCounts(self.session)
        self.photos = PhotoRepository(self.session, self.objects, case_photos, holder="case_id", folder="complaint-photos")

    async def commit(self) -> None:
        # last, so that the counter rows many transactions share are locked only until the commit
        await self.figure_changes.write(self.session)
        await super().commit()

    async def compound(self, compound_id: str, *, field: str = "compound_id") -> KnownCompound:
        """The compound as the registry announced it; NOT_FOUND naming ``field`` when it is unknown."""
        return await require_compound(self.session, known_compounds, compound_id, field=field)

    async def company_known(self, company_id: str) -> bool:
        """Whether an active contract the registry announced names the company (in any compound)."""
        return await company_under_contract(self.session, company_id)

    async def next_ticket_no(self, county_code: str, now: dt.datetime) -> str:
        """The next human ticket number of the county and day, inside this transaction (a refusal gives it back)."""
        return await next_ticket(self.session, ticket_counters, county_code, now)
