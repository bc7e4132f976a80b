"""The ratings unit of work: the chassis transaction with this service's repositories and settings."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from wuye_chassis.db import utcnow
from wuye_chassis.registry_client import RegisteredHousehold
from wuye_chassis.uow import UnitOfWork, UnitOfWorkParts
from wuye_chassis.workdays import SHANGHAI
from wuye_ratings.adapters.companies import CompanyRepository
from wuye_ratings.adapters.contracts import ContractRepository
from wuye_ratings.adapters.evaluations import EvaluationRepository
from wuye_ratings.adapters.lists import ListPolicyRepository, ListRepository, YearlyListRepository
from wuye_ratings.adapters.records import RecordRepository
from wuye_ratings.adapters.rules import RuleRepository
from wuye_ratings.adapters.stars import StarRepository
from wuye_ratings.domain.evaluations import EvaluationWeights
from wuye_ratings.domain.lists import ListPolicy


class HouseholdSource(Protocol):
    """The registry's households (a port; the chassis registry client serves it)."""

    async def household(self, household_id: str) -> RegisteredHousehold:
        """One household with its owners; NOT_FOUND naming household_id when the registry has none."""
        ...


class RatingsUnitOfWork(UnitOfWork):
    companies: CompanyRepository
    contracts: ContractRepository
    rules: RuleRepository
    records: RecordRepository
    evaluations: EvaluationRepository
    lists: ListRepository
    list_policies: ListPolicyRepository
    yearly_lists: YearlyListRepository
    stars: StarRepository

    def __init__(
        self, parts: UnitOfWorkParts, weights: EvaluationWeights, policy: ListPolicy, households: HouseholdSource,
        *, evaluation_grace_days: int = 0,
    ) -> None:
        super().__init__(parts)
        #: R3: days after a quarter in which its evaluations are still accepted (settings)
        self.evaluation_grace_days = evaluation_grace_days
        #: the city's R3 weights of the three evaluations and its R4 list policy (settings)
        self.weights = weights
        self.policy = policy
        #: the register's households and their owners, asked over gRPC (A4)
        self.households = households

    def opened(self) -> None:
        self.companies = CompanyRepository(self.session)
        self.contracts = ContractRepository(self.session)
        self.rules = RuleRepository(self.session)
        self.records = RecordRepository(self.session)
        self.evaluations = EvaluationRepository(self.session)
        self.lists = ListRepository(self.session)
        self.list_policies = ListPolicyRepository(self.session)
        self.yearly_lists = YearlyListRepository(self.session)
        self.stars = StarRepository(self.session)

    @staticmethod
    def today() -> dt.date:
        """The day a change happens on: ratings counts Asia/Shanghai calendar days."""
        return utcnow().astimezone(SHANGHAI).date()
