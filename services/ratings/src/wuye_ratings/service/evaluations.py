"""Use cases for the quarterly three evaluations (R3): residents, peer companies, departments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.errors import FailedPrecondition, PermissionDenied
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_ratings.adapters import companies
from wuye_ratings.adapters.evaluations import load_quarterly, save_latest
from wuye_ratings.domain.evaluations import EvaluationWeights, Quarter, QuarterlyEvaluation
from wuye_ratings.service.common import today

SURVEY_TAKERS = ("resident", "grid_worker", "community_worker")
PEERS = ("company_staff",)
DEPARTMENTS = ("department_inspector",)
READERS = ("company_staff", "community_worker", "street_officer", "county_officer", "city_admin", "department_inspector")


@dataclass(frozen=True)
class Submitted:
    evaluation_id: str
    quarterly: QuarterlyEvaluation


#: lets the domain add one evaluation to the loaded quarter
Adding = Callable[[QuarterlyEvaluation], None]


class EvaluationService:
    def __init__(self, runtime: ServiceRuntime, weights: EvaluationWeights) -> None:
        self.runtime = runtime
        self.weights = weights

    async def resident_survey(
        self, *, compound_id: str, household_id: str, quarter: str, aspect_scores: Iterable[int]
    ) -> Submitted:
        auth.require_role(SURVEY_TAKERS, action="submit a resident survey")
        async with self.runtime.db.sessions() as session:
            compound = await companies.require_served_compound(session, compound_id)
        auth.require_access(compound.jurisdiction_path, action="submit a resident survey")
        return await self._submit(
            compound.company_id, compound.street_path, quarter, "household_id",
            lambda quarterly: quarterly.add_resident_survey(
                household_id=household_id, aspect_scores=aspect_scores, submitted_on=today()
            ),
        )

    async def peer_evaluation(
        self, *, company_id: str, street_path: str, quarter: str, aspect_scores: Iterable[int]
    ) -> Submitted:
        caller = auth.require_role(PEERS, action="submit a peer evaluation")
        if not caller.company:
            raise PermissionDenied(
                f"a peer evaluation needs the caller's company ({auth.COMPANY_KEY})",
                field="evaluator_company_id", rule="R3",
            )
        street = self._street(street_path, action="submit a peer evaluation")
        async with self.runtime.db.sessions() as session:
            evaluator = await companies.require_company(session, caller.company, field="evaluator_company_id")
        streets = evaluator.streets()
        if not streets:
            raise PermissionDenied(
                f"company {evaluator.company_id} serves no compound, so it is nobody's peer",
                field="evaluator_company_id", rule="R3",
            )
        # the street the evaluator serves in that the domain compares with the rated company's street
        evaluator_street = street if street in streets else min(streets)
        return await self._submit(
            company_id, street, quarter, "evaluator_company_id",
            lambda quarterly: quarterly.add_peer_evaluation(
                evaluator_company_id=evaluator.company_id, evaluator_street_path=evaluator_street,
                aspect_scores=aspect_scores, submitted_on=today(),
            ),
        )

    async def department_evaluation(
        self, *, company_id: str, street_path: str, quarter: str, aspect_scores: Iterable[int]
    ) -> Submitted:
        caller = auth.require_role(DEPARTMENTS, action="submit a department evaluation")
        street = self._street(street_path, action="submit a department evaluation")
        return await self._submit(
            company_id, street, quarter, "department_id",
            lambda quarterly: quarterly.add_department_evaluation(
                department_id=caller.department, aspect_scores=aspect_scores, submitted_on=today()
            ),
        )

    async def quarterly(self, *, company_id: str, street_path: str, quarter: str) -> QuarterlyEvaluation:
        auth.require_role(READERS, action="read a quarterly evaluation")
        street = self._street(street_path, action="read a quarterly evaluation")
        async with self.runtime.db.sessions() as session:
            company = await companies.require_company(session, company_id)
            return await load_quarterly(
                session, company_id=company.company_id, street_path=street, quarter=Quarter.parse(quarter)
            )

    @staticmethod
    def _street(street_path: str, *, action: str) -> str:
        street = str(JurisdictionPath.parse(street_path, field="street_path"))
        auth.require_access(street, action=action)
        return street

    async def _submit(self, company_id: str, street: str, quarter: str, evaluator_field: str, adding: Adding) -> Submitted:
        caller = auth.current()
        period = Quarter.parse(quarter)
        try:
            async with self.runtime.unit_of_work() as uow:
                company = await companies.require_company(uow.session, company_id)
                if street not in company.streets():
                    raise FailedPrecondition(
                        f"company {company.company_id} serves no compound in street {street}",
                        field="street_path", rule="R3",
                    )
                quarterly = await load_quarterly(
                    uow.session, company_id=company.company_id, street_path=street, quarter=period
                )
                adding(quarterly)
                evaluation_id = await save_latest(uow.session, quarterly, submitted_by=caller.user)
                await uow.commit()
        except IntegrityError:
            # a concurrent submission by the same evaluator won the race (R3: one per quarter)
            raise FailedPrecondition(
                f"this evaluator already evaluated company {company_id} in {period}", field=evaluator_field, rule="R3"
            ) from None
        return Submitted(evaluation_id, quarterly)
