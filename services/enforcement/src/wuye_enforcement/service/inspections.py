"""Use cases for joint plans (E2/E3), results and completion (E4), and complaint-triggered plans.

Every change runs in one unit of work: rows and outbox events commit together, and a refusal (bad input,
the E3 limit, wrong role or scope) leaves no row and no event behind.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.compounds import require_compound
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import parse_iso_date
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.adapters import repository
from wuye_enforcement.adapters.events import to_message
from wuye_enforcement.adapters.orm import known_compounds
from wuye_enforcement.domain.catalogue import RESIDENTIAL_COMPOUND
from wuye_enforcement.domain.events import Event
from wuye_enforcement.domain.inspections import Inspection
from wuye_enforcement.domain.plans import Assigner, FrequencyLimit, JointPlan, plan_joint_inspection
from wuye_enforcement.domain.rectification import RectificationOrder, deadline_in_working_days
from wuye_enforcement.domain.triggers import can_trigger_inspection, complaint_trigger
from wuye_enforcement.domain.vocabulary import Addressee
from wuye_enforcement.settings import EnforcementSettings

log = logging.getLogger(__name__)

PLANNERS = ("county_officer", "street_officer", "department_inspector")
INSPECTORS = ("department_inspector",)
#: a department's inspector staffs its own team; the county officer coordinating the visit any team
ASSIGNERS = ("department_inspector", "county_officer")
#: who sees plans and inspections (inside their scope)
READERS = (*PLANNERS, "community_worker", "city_admin", "auditor")
#: a complaint-triggered plan is staffed by each department's duty roster until it names its people
DUTY_ROSTER = "duty"


@dataclass(frozen=True)
class PlanView:
    plan: JointPlan
    visits: list[sa.RowMapping]  # compound_id, inspection_id, jurisdiction_path


@dataclass(frozen=True)
class PlanPage:
    plans: list[PlanView]
    next_page_token: str


@dataclass(frozen=True)
class InspectionView:
    inspection: Inspection
    jurisdiction_path: str
    orders: list[RectificationOrder]


@dataclass(frozen=True)
class OrderRequest:
    """The order to issue for one failed item; a deadline is given as a moment or in working days."""

    item_code: str
    addressee: str
    addressee_id: str
    deadline: dt.datetime | None
    deadline_working_days: int


def parse_period(start_date: str, end_date: str, *, rule: str) -> tuple[dt.date, dt.date]:
    """[start, end) as local days; the end must lie after the start."""
    start = parse_iso_date(start_date, field="start_date", rule=rule)
    end = parse_iso_date(end_date, field="end_date", rule=rule)
    if end <= start:
        raise InvalidArgument("end_date must lie after start_date", field="end_date", rule=rule)
    return start, end


def scoped_path(jurisdiction_path: str, *, action: str) -> str:
    """The jurisdiction a read asks for, refused unless the caller's scope covers it."""
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action=action)
    return path


def _plan_key(token: str) -> tuple[dt.date, str] | None:
    key = decode_cursor(token)
    if key is None:
        return None
    day, _, plan_id = key.partition("|")
    try:
        return dt.date.fromisoformat(day), plan_id
    except ValueError:
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token") from None


async def publish(uow: UnitOfWork, events: Iterable[Event], jurisdiction_path: str) -> None:
    for event in events:
        message, subject = to_message(event, jurisdiction_path)
        await uow.publish(message, aggregate_id=subject)


class InspectionService:
    def __init__(self, runtime: ServiceRuntime, settings: EnforcementSettings) -> None:
        self.runtime = runtime
        self.settings = settings
        self.limit = FrequencyLimit(settings.routine_limit, settings.routine_limit_window)

    async def _plan(
        self,
        session: AsyncSession,
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
        places: dict[str, tuple[str, str | None, str]] = {}
        for position, compound_id in enumerate(compound_ids):
            # locked: two planners of the same compound take turns through the E3 check
            compound = await require_compound(
                session, known_compounds, compound_id, field=f"compound_ids[{position}]", lock=True
            )
            if check_scope:
                auth.require_access(compound.jurisdiction_path, action="plan a joint inspection")
            places[compound.compound_id] = (compound.jurisdiction_path, compound.company_id, new_id())
        catalogue = await repository.load_catalogue(session)
        plan = plan_joint_inspection(
            plan_id=new_id(),
            kind=kind,
            compound_ids=compound_ids,
            visit_date=visit_date,
            scenarios=scenarios or (RESIDENTIAL_COMPOUND,),
            inspectors=inspectors,
            department_items=list(catalogue),
            history=await repository.routine_history(session, places),
            limit=self.limit,
            basis=basis,
        )
        await repository.add_plan(session, plan, places=places, actor_id=actor_id)
        return plan

    async def create_plan(
        self,
        *,
        kind: str,
        basis: str,
        visit_date: dt.date,
        compound_ids: Sequence[str],
        scenarios: Sequence[str],
        inspectors: Mapping[str, Iterable[str]],
    ) -> PlanView:
        caller = auth.require_role(PLANNERS, action="plan a joint inspection")
        async with self.runtime.unit_of_work() as uow:
            plan = await self._plan(
                uow.session, kind=kind, basis=basis, visit_date=visit_date, compound_ids=compound_ids,
                scenarios=scenarios, inspectors=inspectors, actor_id=caller.user, check_scope=True,
            )
            visits = await repository.plan_visits(uow.session, plan.plan_id)
            await uow.commit()
        return PlanView(plan, visits)

    async def get_plan(self, plan_id: str) -> PlanView:
        auth.require_role(READERS, action="read a plan")
        async with self.runtime.db.sessions() as session:
            plan = await repository.load_plan(session, plan_id)
            visits = await repository.plan_visits(session, plan_id)
        for visit in visits:
            auth.require_access(visit["jurisdiction_path"], action="read a plan")
        return PlanView(plan, visits)

    async def assign_inspectors(self, *, plan_id: str, department: str, inspector_ids: Sequence[str]) -> PlanView:
        caller = auth.require_role(ASSIGNERS, action="assign inspectors to a plan")
        async with self.runtime.unit_of_work() as uow:
            plan = await repository.load_plan(uow.session, plan_id, lock=True)
            visits = await repository.plan_visits(uow.session, plan_id)
            for visit in visits:
                auth.require_access(visit["jurisdiction_path"], action="assign inspectors to a plan")
            staffed = plan.assign_inspectors(
                department=department,
                inspector_ids=inspector_ids,
                assigner=Assigner(
                    department=caller.department or None, coordinates_visits=caller.has_role("county_officer")
                ),
                completed_visits=await repository.completed_visits(uow.session, plan_id),
            )
            await repository.save_teams(uow.session, staffed)
            await uow.commit()
        return PlanView(staffed, visits)

    async def list_plans(
        self, *, jurisdiction_path: str, start_date: str, end_date: str, requested_size: int, page_token: str
    ) -> PlanPage:
        auth.require_role(READERS, action="list plans")
        path = scoped_path(jurisdiction_path, action="list plans")
        start, end = parse_period(start_date, end_date, rule="E2")
        size = page_size(requested_size)
        after = _plan_key(page_token)
        async with self.runtime.db.sessions() as session:
            keys = await repository.plans_visiting(session, path=path, start=start, end=end, after=after, size=size + 1)
            plans = [
                PlanView(await repository.load_plan(session, plan_id), await repository.plan_visits(session, plan_id, within=path))
                for _, plan_id in keys[:size]
            ]
        if len(keys) <= size:
            return PlanPage(plans, "")
        last_day, last_plan = keys[size - 1]
        return PlanPage(plans, encode_cursor(f"{last_day.isoformat()}|{last_plan}"))

    async def open_for_complaint(
        self, session: AsyncSession, *, case_id: str, compound_id: str, category: str, submitted_at: dt.datetime
    ) -> JointPlan | None:
        """A complaint in a violation category opens a complaint-triggered plan (exempt from E3), staffed by
        the departments its category names that have items to check; ``None`` for other complaints."""
        if not can_trigger_inspection(category):
            return None
        trigger = complaint_trigger(case_id=case_id, compound_id=compound_id, category=category)
        catalogue = await repository.load_catalogue(session)
        checking = {code for item in catalogue if item.scenario == RESIDENTIAL_COMPOUND for code in item.departments}
        departments = [code for code in trigger.departments if code in checking]
        if not departments:
            log.warning("complaint %s (%s): no department has items to check; no inspection opened", case_id, category)
            return None
        visit = self.runtime.calendar.add_working_days(submitted_at, self.settings.complaint_inspection_working_days)
        return await self._plan(
            session, kind=trigger.kind.value, basis=trigger.case_id, visit_date=visit.astimezone(SHANGHAI).date(),
            compound_ids=[trigger.compound_id], scenarios=[RESIDENTIAL_COMPOUND],
            inspectors={code: [f"{code}-{DUTY_ROSTER}"] for code in departments},
            actor_id=auth.SYSTEM.user, check_scope=False,
        )

    async def _view(self, session: AsyncSession, inspection: Inspection, path: str) -> InspectionView:
        orders = [order for order, _ in await repository.orders_of(session, inspection.inspection_id)]
        return InspectionView(inspection, path, orders)

    async def get_inspection(self, inspection_id: str) -> InspectionView:
        auth.require_role(READERS, action="read an inspection")
        async with self.runtime.db.sessions() as session:
            inspection, path = await repository.load_inspection(session, inspection_id)
            auth.require_access(path, action="read an inspection")
            return await self._view(session, inspection, path)

    async def record_result(
        self,
        *,
        inspection_id: str,
        item_code: str,
        outcome: str,
        severity: str | None,
        evidence_refs: Sequence[str],
        note: str,
    ) -> InspectionView:
        caller = auth.require_role(INSPECTORS, action="record an inspection result")
        async with self.runtime.unit_of_work() as uow:
            inspection, path = await repository.load_inspection(uow.session, inspection_id)
            auth.require_access(path, action="record an inspection result")
            inspection.record_result(
                item_code=item_code, outcome=outcome, inspector_id=caller.user, now=utcnow(),
                evidence_refs=evidence_refs, severity=severity, note=note,
            )
            await repository.save_result(uow.session, inspection_id, inspection.results[item_code.strip()])
            await uow.commit()
        return InspectionView(inspection, path, [])

    async def complete(self, *, inspection_id: str, orders: Sequence[OrderRequest]) -> InspectionView:
        auth.require_role(INSPECTORS, action="complete an inspection")
        async with self.runtime.unit_of_work() as uow:
            inspection, path = await repository.load_inspection(uow.session, inspection_id)
            auth.require_access(path, action="complete an inspection")
            now = utcnow()
            events = inspection.complete(now=now)
            requested = _orders_by_item(orders)
            failed = {finding.item_code for finding in inspection.findings}
            extra = sorted(set(requested) - failed)
            if extra:
                raise InvalidArgument(
                    f"orders name item(s) that did not fail: {', '.join(extra)}", field="orders", rule="E4"
                )
            issued: list[RectificationOrder] = []
            for finding in inspection.findings:
                wanted = requested.get(finding.item_code)
                if wanted is None:
                    raise InvalidArgument(
                        f"failed item {finding.item_code!r} needs a rectification order", field="orders", rule="E4"
                    )
                order = RectificationOrder.issue(
                    order_id=new_id(), finding=finding, addressee=wanted.addressee,
                    addressee_id=wanted.addressee_id or _default_addressee(wanted, inspection),
                    deadline=self._deadline(wanted, now), now=now,
                )
                await repository.add_order(uow.session, order, path=path, departments=finding.departments)
                issued.append(order)
            await repository.save_completion(uow.session, inspection)
            await publish(uow, events, path)
            await uow.commit()
        return InspectionView(inspection, path, issued)

    def _deadline(self, wanted: OrderRequest, now: dt.datetime) -> dt.datetime | None:
        if wanted.deadline is not None:
            return wanted.deadline
        if wanted.deadline_working_days:
            return deadline_in_working_days(now, wanted.deadline_working_days, self.runtime.calendar)
        return None


def _orders_by_item(orders: Sequence[OrderRequest]) -> dict[str, OrderRequest]:
    by_item: dict[str, OrderRequest] = {}
    for wanted in orders:
        if wanted.item_code in by_item:
            raise InvalidArgument(f"item {wanted.item_code!r} has two orders", field="orders", rule="E4")
        by_item[wanted.item_code] = wanted
    return by_item


def _default_addressee(wanted: OrderRequest, inspection: Inspection) -> str:
    """An order to the company may leave the id out: the company serving the compound is meant."""
    if wanted.addressee == Addressee.COMPANY.value and inspection.company_id:
        return inspection.company_id
    return ""
