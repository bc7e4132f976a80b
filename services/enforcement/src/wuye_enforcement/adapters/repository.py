"""Rows ⇄ domain objects: catalogue items, plans, inspections with their results, rectification orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.errors import NotFound
from wuye_chassis.path_queries import at_or_below
from wuye_enforcement.adapters.orm import (
    inspection_items,
    inspection_plans,
    inspection_results,
    inspections,
    rectification_orders,
)
from wuye_enforcement.domain.catalogue import STANDARD_DEPARTMENTS, Catalogue, Frequency, InspectionItem
from wuye_enforcement.domain.inspections import Inspection, InspectionState, ItemResult, Outcome
from wuye_enforcement.domain.plans import ChecklistLine, JointPlan, ScheduledVisit
from wuye_enforcement.domain.rectification import Escalation, EscalationKind, OrderState, Recheck, RectificationOrder
from wuye_enforcement.domain.vocabulary import Addressee, EscalationOutcome, InspectionKind, ReferralKind, Severity


def _after(first: sa.ColumnElement, second: sa.ColumnElement, key: tuple[object, str]) -> sa.ColumnElement[bool]:
    """Rows after the cursor key in (first, second) order; spelled out so each value binds with its
    column's type (a tuple comparison would send a date or moment untyped)."""
    return sa.or_(first > key[0], sa.and_(first == key[0], second > key[1]))


def department_list(codes: Iterable[str]) -> str:
    """``,a,b,``: one department's rows are ``LIKE '%,code,%'``."""
    return "," + ",".join(codes) + ","


# --- catalogue -------------------------------------------------------------------------------------


def _item(row: sa.RowMapping) -> InspectionItem:
    return InspectionItem(
        code=row["code"],
        lead_department=row["lead_department"],
        partner_departments=tuple(row["partner_departments"]),
        content=row["content"],
        legal_basis=row["legal_basis"],
        standard=row["standard"],
        frequency=Frequency(row["frequency"]),
        scenario=row["scenario"],
    )


async def load_catalogue(session: AsyncSession) -> Catalogue:
    rows = (await session.execute(sa.select(inspection_items).order_by(inspection_items.c.code))).mappings()
    return Catalogue(STANDARD_DEPARTMENTS, [_item(row) for row in rows])


async def save_item(session: AsyncSession, item: InspectionItem, *, actor_id: str, new: bool) -> None:
    values = {
        "lead_department": item.lead_department,
        "partner_departments": list(item.partner_departments),
        "content": item.content,
        "legal_basis": item.legal_basis,
        "standard": item.standard,
        "frequency": item.frequency.value,
        "scenario": item.scenario,
        "updated_by": actor_id,
        "updated_at": utcnow(),
    }
    if new:
        await session.execute(inspection_items.insert().values(code=item.code, **values))
    else:
        await session.execute(inspection_items.update().where(inspection_items.c.code == item.code).values(**values))


# --- plans and inspections -------------------------------------------------------------------------


async def routine_history(session: AsyncSession, compound_ids: Iterable[str]) -> list[ScheduledVisit]:
    query = sa.select(inspections.c.compound_id, inspections.c.kind, inspections.c.visit_date).where(
        inspections.c.compound_id.in_(list(compound_ids)), inspections.c.kind == InspectionKind.ROUTINE.value
    )
    return [ScheduledVisit(row[0], InspectionKind(row[1]), row[2]) for row in (await session.execute(query)).all()]


async def add_plan(
    session: AsyncSession, plan: JointPlan, *, places: dict[str, tuple[str, str | None, str]], actor_id: str
) -> None:
    """The plan and one open inspection per compound; ``places``: compound → (path, company, inspection id)."""
    await session.execute(
        inspection_plans.insert().values(
            plan_id=plan.plan_id,
            kind=plan.kind.value,
            basis=plan.basis,
            visit_date=plan.visit_date,
            checklist=[
                {
                    "item_code": line.item_code,
                    "content": line.content,
                    "legal_basis": line.legal_basis,
                    "standard": line.standard,
                    "departments": list(line.departments),
                }
                for line in plan.checklist
            ],
            teams={department: list(people) for department, people in plan.inspectors.items()},
            created_by=actor_id,
            created_at=utcnow(),
        )
    )
    for compound_id in plan.compound_ids:
        path, company_id, inspection_id = places[compound_id]
        await session.execute(
            inspections.insert().values(
                inspection_id=inspection_id, plan_id=plan.plan_id, compound_id=compound_id, jurisdiction_path=path,
                company_id=company_id, kind=plan.kind.value, visit_date=plan.visit_date,
                departments=department_list(plan.departments), state=InspectionState.OPEN.value,
                items_checked=0, findings=0, visits_saved=0,
            )
        )


async def load_plan(session: AsyncSession, plan_id: str, *, field: str = "plan_id", lock: bool = False) -> JointPlan:
    """The plan as made; ``lock`` holds its row until commit (PostgreSQL), so team changes take turns."""
    query = sa.select(inspection_plans).where(inspection_plans.c.plan_id == plan_id)
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound(f"unknown plan {plan_id!r}", field=field)
    compounds = (
        await session.execute(
            sa.select(inspections.c.compound_id).where(inspections.c.plan_id == plan_id).order_by(inspections.c.compound_id)
        )
    ).scalars()
    return JointPlan(
        plan_id=row["plan_id"],
        kind=InspectionKind(row["kind"]),
        basis=row["basis"],
        visit_date=row["visit_date"],
        compound_ids=tuple(compounds),
        checklist=tuple(
            ChecklistLine(
                item_code=line["item_code"], content=line["content"], legal_basis=line["legal_basis"],
                standard=line["standard"], departments=tuple(line["departments"]),
            )
            for line in row["checklist"]
        ),
        inspectors={department: tuple(people) for department, people in row["teams"].items()},
    )


async def plan_visits(session: AsyncSession, plan_id: str, *, within: str | None = None) -> list[sa.RowMapping]:
    """The plan's visits, or only those at or below the jurisdiction ``within``."""
    query = (
        sa.select(inspections.c.compound_id, inspections.c.inspection_id, inspections.c.jurisdiction_path)
        .where(inspections.c.plan_id == plan_id)
        .order_by(inspections.c.compound_id)
    )
    if within is not None:
        query = query.where(at_or_below(inspections.c.jurisdiction_path, within))
    return list((await session.execute(query)).mappings())


async def completed_visits(session: AsyncSession, plan_id: str) -> int:
    count = await session.scalar(
        sa.select(sa.func.count()).where(
            inspections.c.plan_id == plan_id, inspections.c.state == InspectionState.COMPLETED.value
        )
    )
    return int(count or 0)


async def save_teams(session: AsyncSession, plan: JointPlan) -> None:
    await session.execute(
        inspection_plans.update()
        .where(inspection_plans.c.plan_id == plan.plan_id)
        .values(teams={department: list(people) for department, people in plan.inspectors.items()})
    )


async def plans_visiting(
    session: AsyncSession, *, path: str, start: dt.date, end: dt.date, after: tuple[dt.date, str] | None, size: int
) -> list[tuple[dt.date, str]]:
    """(visit date, plan id) of the plans visiting the jurisdiction in [start, end), in that order, after
    the cursor key ``after``."""
    query = (
        sa.select(inspections.c.visit_date, inspections.c.plan_id)
        .where(
            at_or_below(inspections.c.jurisdiction_path, path),
            inspections.c.visit_date >= start,
            inspections.c.visit_date < end,
        )
        .group_by(inspections.c.visit_date, inspections.c.plan_id)
        .order_by(inspections.c.visit_date, inspections.c.plan_id)
        .limit(size)
    )
    if after is not None:
        query = query.where(_after(inspections.c.visit_date, inspections.c.plan_id, after))
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def load_inspection(session: AsyncSession, inspection_id: str) -> tuple[Inspection, str]:
    """The inspection with its plan and results, and its compound's jurisdiction path."""
    row = (
        await session.execute(sa.select(inspections).where(inspections.c.inspection_id == inspection_id))
    ).mappings().first()
    if row is None:
        raise NotFound(f"unknown inspection {inspection_id!r}", field="inspection_id")
    inspection = Inspection(
        inspection_id=row["inspection_id"],
        plan=await load_plan(session, row["plan_id"]),
        compound_id=row["compound_id"],
        company_id=row["company_id"],
        state=InspectionState(row["state"]),
        completed_at=row["completed_at"],
    )
    results = await session.execute(
        sa.select(inspection_results).where(inspection_results.c.inspection_id == inspection_id)
    )
    for result in results.mappings():
        inspection.results[result["item_code"]] = ItemResult(
            item_code=result["item_code"],
            outcome=Outcome(result["outcome"]),
            severity=None if result["severity"] is None else Severity(result["severity"]),
            evidence_refs=tuple(result["evidence_refs"]),
            inspector_id=result["inspector_id"],
            recorded_at=result["recorded_at"],
            note=result["note"],
        )
    return inspection, row["jurisdiction_path"]


async def save_result(session: AsyncSession, inspection_id: str, result: ItemResult) -> None:
    values = {
        "outcome": result.outcome.value,
        "severity": None if result.severity is None else result.severity.value,
        "evidence_refs": list(result.evidence_refs),
        "inspector_id": result.inspector_id,
        "recorded_at": result.recorded_at,
        "note": result.note,
    }
    key = (inspection_results.c.inspection_id == inspection_id, inspection_results.c.item_code == result.item_code)
    changed = await session.execute(inspection_results.update().where(*key).values(**values))
    if changed.rowcount == 0:
        await session.execute(
            inspection_results.insert().values(inspection_id=inspection_id, item_code=result.item_code, **values)
        )


async def save_completion(session: AsyncSession, inspection: Inspection) -> None:
    await session.execute(
        inspections.update()
        .where(inspections.c.inspection_id == inspection.inspection_id)
        .values(
            state=inspection.state.value, completed_at=inspection.completed_at,
            items_checked=inspection.items_checked, findings=len(inspection.findings),
            visits_saved=inspection.separate_visits_saved,
        )
    )


# --- rectification orders --------------------------------------------------------------------------


def _moment(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _order(row: sa.RowMapping) -> RectificationOrder:
    escalation = None
    if row["escalation_id"] is not None:
        escalation = Escalation(
            escalation_id=row["escalation_id"],
            kind=EscalationKind(row["escalation_kind"]),
            referral_kind=None if row["referral_kind"] is None else ReferralKind(row["referral_kind"]),
            department=row["escalation_department"],
            at=row["escalated_at"],
            outcome=None if row["escalation_outcome"] is None else EscalationOutcome(row["escalation_outcome"]),
            concluded_at=row["concluded_at"],
        )
    return RectificationOrder(
        order_id=row["order_id"],
        finding_id=row["finding_id"],
        inspection_id=row["inspection_id"],
        compound_id=row["compound_id"],
        item_code=row["item_code"],
        severity=Severity(row["severity"]),
        addressee=Addressee(row["addressee"]),
        addressee_id=row["addressee_id"],
        issued_at=row["issued_at"],
        deadline=row["deadline"],
        state=OrderState(row["state"]),
        rechecks=[
            Recheck(inspection_id=recheck["inspection_id"], at=_moment(recheck["at"]), passed=recheck["passed"])
            for recheck in row["rechecks"]
        ],
        rectified_at=row["rectified_at"],
        overdue_at=row["overdue_at"],
        escalation=escalation,
    )


def _order_values(order: RectificationOrder) -> dict[str, object]:
    escalation = order.escalation
    return {
        "state": order.state.value,
        "rechecks": [
            {"inspection_id": recheck.inspection_id, "at": recheck.at.isoformat(), "passed": recheck.passed}
            for recheck in order.rechecks
        ],
        "rectified_at": order.rectified_at,
        "overdue_at": order.overdue_at,
        "escalation_id": None if escalation is None else escalation.escalation_id,
        "escalation_kind": None if escalation is None else escalation.kind.value,
        "referral_kind": None if escalation is None or escalation.referral_kind is None else escalation.referral_kind.value,
        "escalation_department": None if escalation is None else escalation.department,
        "escalated_at": None if escalation is None else escalation.at,
        "escalation_outcome": None if escalation is None or escalation.outcome is None else escalation.outcome.value,
        "concluded_at": None if escalation is None else escalation.concluded_at,
    }


async def add_order(session: AsyncSession, order: RectificationOrder, *, path: str, departments: Iterable[str]) -> None:
    await session.execute(
        rectification_orders.insert().values(
            order_id=order.order_id, finding_id=order.finding_id, inspection_id=order.inspection_id,
            compound_id=order.compound_id, jurisdiction_path=path, item_code=order.item_code,
            departments=department_list(departments), severity=order.severity.value,
            addressee=order.addressee.value, addressee_id=order.addressee_id, issued_at=order.issued_at,
            deadline=order.deadline, **_order_values(order),
        )
    )


async def save_order(session: AsyncSession, order: RectificationOrder) -> None:
    await session.execute(
        rectification_orders.update()
        .where(rectification_orders.c.order_id == order.order_id)
        .values(**_order_values(order))
    )


async def load_order(session: AsyncSession, order_id: str, *, lock: bool = False) -> tuple[RectificationOrder, str]:
    """The order and its compound's jurisdiction path; ``lock`` holds it until commit (PostgreSQL)."""
    query = sa.select(rectification_orders).where(rectification_orders.c.order_id == order_id)
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise NotFound(f"unknown rectification order {order_id!r}", field="order_id")
    return _order(row), row["jurisdiction_path"]


async def orders_of(session: AsyncSession, inspection_id: str) -> list[tuple[RectificationOrder, str]]:
    query = (
        sa.select(rectification_orders)
        .where(rectification_orders.c.inspection_id == inspection_id)
        .order_by(rectification_orders.c.finding_id)
    )
    return [(_order(row), row["jurisdiction_path"]) for row in (await session.execute(query)).mappings()]


async def issued_past_deadline(session: AsyncSession, now: dt.datetime, limit: int) -> list[str]:
    query = (
        sa.select(rectification_orders.c.order_id)
        .where(rectification_orders.c.state == OrderState.ISSUED.value, rectification_orders.c.deadline < now)
        .order_by(rectification_orders.c.deadline)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def open_orders_due_by(
    session: AsyncSession,
    *,
    path: str,
    department: str | None,
    due_by: dt.datetime,
    after: tuple[dt.datetime, str] | None,
    size: int,
) -> list[tuple[RectificationOrder, str]]:
    """Issued or overdue orders in the jurisdiction with a deadline up to ``due_by``, by (deadline, id)
    after the cursor key ``after``: the candidates the domain's re-check and overdue lists choose from."""
    query = (
        sa.select(rectification_orders)
        .where(
            rectification_orders.c.state.in_([OrderState.ISSUED.value, OrderState.OVERDUE.value]),
            rectification_orders.c.deadline <= due_by,
            at_or_below(rectification_orders.c.jurisdiction_path, path),
        )
        .order_by(rectification_orders.c.deadline, rectification_orders.c.order_id)
        .limit(size)
    )
    if department is not None:
        query = query.where(rectification_orders.c.departments.like(f"%,{department},%"))
    if after is not None:
        query = query.where(_after(rectification_orders.c.deadline, rectification_orders.c.order_id, after))
    return [(_order(row), row["jurisdiction_path"]) for row in (await session.execute(query)).mappings()]
