"""Handlers for the quarterly three evaluations (R3): residents, peer companies, departments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.exc import IntegrityError

from wuye_chassis import auth
from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import optional_text, require_text
from wuye_ratings.domain import commands
from wuye_ratings.domain.evaluations import EvaluationWeights, Quarter, QuarterlyEvaluation
from wuye_ratings.service.companies import require_own_company
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

SURVEY_TAKERS = ("resident", "grid_worker", "community_worker")
PEERS = ("company_staff",)
DEPARTMENTS = ("department_inspector",)
READERS = ("company_staff", "community_worker", "street_officer", "county_officer", "city_admin", "department_inspector")

#: lets the domain add one evaluation to the loaded quarter
Adding = Callable[[QuarterlyEvaluation], None]


@dataclass(frozen=True)
class QuarterView:
    """One company's evaluations in one street and quarter, with the score the city's weights give them."""

    quarterly: QuarterlyEvaluation
    #: None while nobody evaluated
    combined_score: Fraction | None

    @classmethod
    def of(cls, quarterly: QuarterlyEvaluation, weights: EvaluationWeights) -> QuarterView:
        return cls(quarterly, quarterly.combined_score(weights) if quarterly.evaluations else None)


@dataclass(frozen=True)
class Submitted:
    evaluation_id: str
    view: QuarterView


async def submit_resident_survey(command: commands.SubmitResidentSurvey, uow: RatingsUnitOfWork) -> Submitted:
    """R3: one household's survey of the company serving its compound. The household is checked against
    the register (A4: it exists, in the compound named); a resident surveys only a household they own
    (A1); the grid and community workers enter a household's paper survey."""
    action = "submit a resident survey"
    caller = auth.require_role(SURVEY_TAKERS, action=action)
    wanted = require_text(command.household_id, field="household_id", rule="A4", max_length=36)
    household = await uow.households.household(wanted)  # NOT_FOUND naming household_id from the registry
    named = optional_text(command.compound_id, field="compound_id", max_length=64)
    if named is not None and named != household.compound_id:
        raise InvalidArgument(
            f"household {household.household_id} lies in compound {household.compound_id}, not {named}",
            field="household_id", rule="A4",
        )
    if household.developer_unsold:
        raise FailedPrecondition(
            f"household {household.household_id} is the developer's unsold stock: nobody lives there to survey",
            field="household_id", rule="R3",
        )
    if is_resident_only(caller) and caller.user not in household.owner_ids:
        raise PermissionDenied(
            f"{action}: a resident surveys only a household they own; household {household.household_id} "
            "is not among the caller's",
            field="household_id", rule="A1",
        )
    async with uow.reading():
        compound = await uow.companies.serving(household.compound_id)
    auth.require_access(compound.jurisdiction_path, action=action)
    return await _submit(
        uow, compound.company_id, compound.street_path, command.quarter, "household_id",
        lambda quarterly: quarterly.add_resident_survey(
            household_id=household.household_id, aspect_scores=command.aspect_scores, submitted_on=uow.today(), grace_days=uow.evaluation_grace_days
        ),
    )


def is_resident_only(caller: auth.AuthContext) -> bool:
    """A caller acting as an owner (the post owning units gives), with no worker's role beside it."""
    return caller.has_role(auth.RESIDENT_POST) and not caller.has_role(auth.SYSTEM_ROLE, *SURVEY_TAKERS[1:])


async def submit_peer_evaluation(command: commands.SubmitPeerEvaluation, uow: RatingsUnitOfWork) -> Submitted:
    caller = auth.require_role(PEERS, action="submit a peer evaluation")
    if not caller.company:
        raise PermissionDenied(
            "a peer evaluation needs the caller's company (their company_staff post)",
            field="evaluator_company_id", rule="R3",
        )
    street = _street(command.street_path, action="submit a peer evaluation")
    async with uow.reading():
        evaluator = await uow.companies.get(caller.company, field="evaluator_company_id")
    streets = evaluator.streets()
    if not streets:
        raise PermissionDenied(
            f"company {evaluator.company_id} serves no compound, so it is nobody's peer",
            field="evaluator_company_id", rule="R3",
        )
    # the street the evaluator serves in that the domain compares with the rated company's street
    evaluator_street = street if street in streets else min(streets)
    return await _submit(
        uow, command.company_id, street, command.quarter, "evaluator_company_id",
        lambda quarterly: quarterly.add_peer_evaluation(
            evaluator_company_id=evaluator.company_id, evaluator_street_path=evaluator_street,
            aspect_scores=command.aspect_scores, submitted_on=uow.today(), grace_days=uow.evaluation_grace_days,
        ),
    )


async def submit_department_evaluation(
    command: commands.SubmitDepartmentEvaluation, uow: RatingsUnitOfWork
) -> Submitted:
    caller = auth.require_role(DEPARTMENTS, action="submit a department evaluation")
    street = _street(command.street_path, action="submit a department evaluation")
    return await _submit(
        uow, command.company_id, street, command.quarter, "department_id",
        lambda quarterly: quarterly.add_department_evaluation(
            department_id=caller.department, aspect_scores=command.aspect_scores, submitted_on=uow.today(), grace_days=uow.evaluation_grace_days
        ),
    )


async def get_quarterly_evaluation(query: commands.GetQuarterlyEvaluation, uow: RatingsUnitOfWork) -> QuarterView:
    auth.require_role(READERS, action="read a quarterly evaluation")
    street = _street(query.street_path, action="read a quarterly evaluation")
    async with uow.reading():
        company = await uow.companies.get(query.company_id)
        require_own_company(company, action="read a quarterly evaluation")
        quarterly = await uow.evaluations.quarterly(
            company_id=company.company_id, street_path=street, quarter=Quarter.parse(query.quarter)
        )
    return QuarterView.of(quarterly, uow.weights)


def _street(street_path: str, *, action: str) -> str:
    street = str(JurisdictionPath.parse(street_path, field="street_path"))
    auth.require_access(street, action=action)
    return street


async def _submit(
    uow: RatingsUnitOfWork, company_id: str, street: str, quarter: str, evaluator_field: str, adding: Adding
) -> Submitted:
    caller = auth.current()
    period = Quarter.parse(quarter)
    try:
        async with uow:
            company = await uow.companies.get(company_id)
            if street not in company.streets():
                raise FailedPrecondition(
                    f"company {company.company_id} serves no compound in street {street}",
                    field="street_path", rule="R3",
                )
            quarterly = await uow.evaluations.quarterly(
                company_id=company.company_id, street_path=street, quarter=period
            )
            adding(quarterly)
            evaluation_id = await uow.evaluations.add_latest(quarterly, submitted_by=caller.user)
            await uow.commit()
    except IntegrityError:
        # a concurrent submission by the same evaluator won the race (R3: one per quarter)
        raise FailedPrecondition(
            f"this evaluator already evaluated company {company_id} in {period}", field=evaluator_field, rule="R3"
        ) from None
    return Submitted(evaluation_id, QuarterView.of(quarterly, uow.weights))
