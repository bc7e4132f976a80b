"""Handlers for joint plans (E2/E3): planned by an officer or opened by a complaint, staffed, listed.

A plan makes one open inspection per compound it visits, in the same unit of work; a refusal (bad input,
the E3 limit, wrong role or scope) leaves no plan, no inspection and no event behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.compounds import KnownCompound
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.paging import next_page_token, page_key, page_size
from wuye_chassis.periods import parse_period
from wuye_chassis.validation import parse_iso_date
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.adapters.plans import Visit
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.catalogue import RESIDENTIAL_COMPOUND
from wuye_enforcement.domain.inspections import Inspection
from wuye_enforcement.domain.plans import Assigner, JointPlan, plan_joint_inspection
from wuye_enforcement.domain.triggers import can_trigger_inspection, complaint_trigger
from wuye_enforcement.service.access import ASSIGNERS, PLANNERS, READERS, scoped_path
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanView:
    plan: JointPlan
    visits: list[Visit]


@dataclass(frozen=True)
class PlanPage:
    plans: list[PlanView]
    next_page_token: str


async def create_plan(command: commands.CreatePlan, uow: EnforcementUnitOfWork) -> PlanView:
    caller = auth.require_role(PLANNERS, action="plan a joint inspection")
    visit_date = parse_iso_date(command.visit_date, field="visit_date", rule="E2")
    async with uow:
        plan = await _plan(
            uow, kind=command.kind, basis=command.basis, visit_date=visit_date, compound_ids=command.compound_ids,
            scenarios=command.scenarios, inspectors={team.department: team.inspector_ids for team in command.teams},
            actor_id=caller.user, check_scope=True,
        )
        visits = await uow.plans.visits(plan.plan_id)
        await uow.commit()
    return PlanView(plan, visits)


async def open_complaint_inspection(
    command: commands.OpenComplaintInspection, uow: EnforcementUnitOfWork
) -> JointPlan | None:
    """A complaint in a violation category opens a complaint-triggered plan (exempt from E3), inspected by
    the departments its category names that have items to check, none of their people named yet; ``None``
    for other complaints."""
    if not can_trigger_inspection(command.category):
        return None
    trigger = complaint_trigger(case_id=command.case_id, compound_id=command.compound_id, category=command.category)
    async with uow:
        catalogue = await uow.catalogue.load()
        checking = {code for item in catalogue if item.scenario == RESIDENTIAL_COMPOUND for code in item.departments}
        departments = [code for code in trigger.departments if code in checking]
        if not departments:
            log.warning(
                "complaint %s (%s): no department has items to check; no inspection opened",
                trigger.case_id, trigger.category,
            )
            return None
        visit = uow.calendar.add_working_days(command.submitted_at, uow.complaint_visit_working_days)
        plan = await _plan(
            uow, kind=trigger.kind.value, basis=trigger.case_id, visit_date=visit.astimezone(SHANGHAI).date(),
            compound_ids=[trigger.compound_id], scenarios=[RESIDENTIAL_COMPOUND],
            inspectors={code: [] for code in departments},
            actor_id=auth.SYSTEM.user, check_scope=False,
        )
        await uow.commit()
    return plan


async def _plan(
    uow: EnforcementUnitOfWork,
    *,
    kind: str,
    basis: str | None,
    visit_date: dt.date,
    compound_ids: Sequence[str],
    scenarios: Sequence[str],
    inspectors: Mapping[str, Iterable[str]],
    actor_id: str,
    check_scope: bool,
) -> JointPlan:
    """The plan and an open inspection of each of its compounds, added to the unit of work."""
    compounds: list[KnownCompound] = []
    for position, compound_id in enumerate(compound_ids):
        # locked: two planners of the same compound take turns through the E3 check
        compound = await uow.compound(compound_id, field=f"compound_ids[{position}]", lock=True)
        if check_scope:
            auth.require_access(compound.jurisdiction_path, action="plan a joint inspection")
        compounds.append(compound)
    catalogue = await uow.catalogue.load()
    plan = plan_joint_inspection(
        plan_id=new_id(),
        kind=kind,
        compound_ids=compound_ids,
        visit_date=visit_date,
        scenarios=scenarios or (RESIDENTIAL_COMPOUND,),
        inspectors=inspectors,
        department_items=list(catalogue),
        history=await uow.plans.routine_history(compound.compound_id for compound in compounds),
        limit=uow.limit,
        basis=basis,
    )
    await uow.plans.add(plan, actor_id=actor_id)
    for compound in compounds:
        await uow.inspections.add(
            Inspection.start(
                inspection_id=new_id(), plan=plan, compound_id=compound.compound_id,
                jurisdiction_path=compound.jurisdiction_path, company_id=compound.company_id,
            )
        )
    return plan


async def get_plan(query: commands.GetPlan, uow: EnforcementUnitOfWork) -> PlanView:
    auth.require_role(READERS, action="read a plan")
    async with uow.reading():
        plan = await _require_plan(uow, query.plan_id)
        visits = await uow.plans.visits(plan.plan_id)
    for visit in visits:
        auth.require_access(visit.jurisdiction_path, action="read a plan")
    return PlanView(plan, visits)


async def assign_inspectors(command: commands.AssignInspectors, uow: EnforcementUnitOfWork) -> PlanView:
    caller = auth.require_role(ASSIGNERS, action="assign inspectors to a plan")
    async with uow:
        plan = await _require_plan(uow, command.plan_id, lock=True)
        visits = await uow.plans.visits(plan.plan_id)
        for visit in visits:
            auth.require_access(visit.jurisdiction_path, action="assign inspectors to a plan")
        staffed = plan.assign_inspectors(
            department=command.department,
            inspector_ids=command.inspector_ids,
            assigner=Assigner(
                department=caller.department or None, coordinates_visits=caller.has_role("county_officer")
            ),
            completed_visits=await uow.plans.completed_visits(plan.plan_id),
        )
        await uow.plans.save_teams(staffed)
        await uow.commit()
    return PlanView(staffed, visits)


async def list_plans(query: commands.ListPlans, uow: EnforcementUnitOfWork) -> PlanPage:
    """The plans visiting the jurisdiction in the period, by visit date, each with its visits there."""
    auth.require_role(READERS, action="list plans")
    path = scoped_path(query.jurisdiction_path, action="list plans")
    period = parse_period(query.start_date, query.end_date, rule="E2")
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.date.fromisoformat)
    async with uow.reading():
        keys = await uow.plans.visiting(path=path, start=period.first, end=period.day_after, after_key=after,
                                        size=size + 1)
        plans = []
        for _, plan_id in keys[:size]:
            plans.append(PlanView(await _require_plan(uow, plan_id), await uow.plans.visits(plan_id, within=path)))
    if len(keys) <= size:
        return PlanPage(plans, "")
    return PlanPage(plans, next_page_token(*keys[size - 1]))


async def _require_plan(uow: EnforcementUnitOfWork, plan_id: str, *, lock: bool = False) -> JointPlan:
    plan = await uow.plans.get(plan_id, lock=lock)
    if plan is None:
        raise NotFound(f"unknown plan {plan_id!r}", field="plan_id")
    return plan
