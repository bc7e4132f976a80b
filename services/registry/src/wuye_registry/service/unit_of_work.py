"""The registry unit of work: the chassis transaction with this service's repositories."""

from __future__ import annotations

from wuye_chassis.uow import UnitOfWork, UnitOfWorkParts
from wuye_registry.adapters.bulk_writer import BulkWriter
from wuye_registry.adapters.committees import CommitteeRepository
from wuye_registry.adapters.companies import CompanyRepository
from wuye_registry.adapters.coverage import CoverageCounter
from wuye_registry.adapters.governance import GovernanceRepository
from wuye_registry.adapters.jurisdictions import JurisdictionRepository
from wuye_registry.adapters.people import PeopleRepository, PersonalData
from wuye_registry.adapters.places import PlaceRepository
from wuye_registry.adapters.posts import LoginRepository, PostRepository
from wuye_registry.adapters.service_coverage import ServiceCoverageRepository


class RegistryUnitOfWork(UnitOfWork):
    jurisdictions: JurisdictionRepository
    places: PlaceRepository
    people: PeopleRepository
    governance: GovernanceRepository
    committees: CommitteeRepository
    companies: CompanyRepository
    coverage: CoverageCounter
    service_coverage: ServiceCoverageRepository
    bulk: BulkWriter
    posts: PostRepository
    logins: LoginRepository

    def __init__(self, parts: UnitOfWorkParts, personal_data: PersonalData) -> None:
        super().__init__(parts)
        self.personal_data = personal_data

    def opened(self) -> None:
        self.jurisdictions = JurisdictionRepository(self.session)
        self.places = PlaceRepository(self.session)
        self.people = PeopleRepository(self.session)
        self.governance = GovernanceRepository(self.session)
        self.committees = CommitteeRepository(self.session)
        self.companies = CompanyRepository(self.session)
        self.coverage = CoverageCounter(self.session)
        self.service_coverage = ServiceCoverageRepository(self.session)
        self.bulk = BulkWriter(self.session)
        self.posts = PostRepository(self.session)
        self.logins = LoginRepository(self.session)
