"""Handlers for one compound's inspection: results per checklist line, then completion into findings,
each with its rectification order (E4). Completion's rows and events commit together or not at all.

A result's evidence photos (``service.evidence``) are read only through the inspection, by those who may
read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from wuye_chassis import auth, photo_library
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.photo_library import PhotoRecord
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.inspections import Inspection
from wuye_enforcement.domain.rectification import RectificationOrder, deadline_in_working_days
from wuye_enforcement.domain.vocabulary import Addressee
from wuye_enforcement.service import evidence
from wuye_enforcement.service.access import INSPECTORS, READERS, require_inspecting_department
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork


@dataclass(frozen=True)
class InspectionView:
    inspection: Inspection
    orders: list[RectificationOrder]


async def get_inspection(query: commands.GetInspection, uow: EnforcementUnitOfWork) -> InspectionView:
    auth.require_role(READERS, action="read an inspection")
    async with uow.reading():
        inspection = await _require_inspection(uow, query.inspection_id)
        auth.require_access(inspection.jurisdiction_path, action="read an inspection")
        orders = await uow.orders.of_inspection(inspection.inspection_id)
    return InspectionView(inspection, orders)


async def record_result(command: commands.RecordResult, uow: EnforcementUnitOfWork) -> InspectionView:
    action = "record an inspection result"
    auth.require_role(INSPECTORS, action=action)
    async with uow:
        inspection = await _require_inspection(uow, command.inspection_id)
        caller = auth.require_access(inspection.jurisdiction_path, action=action)
        line = inspection.plan.line(command.item_code.strip())
        if line is not None:  # an item off the checklist is the domain's refusal (E2)
            require_inspecting_department(
                line.departments, action=action, what=f"item {line.item_code} of plan {inspection.plan.plan_id}"
            )
        inspection.record_result(
            item_code=command.item_code, outcome=command.outcome, inspector_id=caller.user, now=utcnow(),
            evidence_refs=command.evidence_refs, severity=command.severity or None, note=command.note,
        )
        await uow.inspections.save_result(inspection.inspection_id, inspection.results[command.item_code.strip()])
        await evidence.file_named_photos(uow, caller, command.evidence_refs, held_by=inspection.inspection_id,
                                         path=inspection.jurisdiction_path, stage=evidence.RESULT_PHOTOS)
        await uow.commit()
    return InspectionView(inspection, [])


async def complete_inspection(command: commands.CompleteInspection, uow: EnforcementUnitOfWork) -> InspectionView:
    """Every failed line becomes a finding with its order, as the command asks for each (E4)."""
    action = "complete an inspection"
    auth.require_role(INSPECTORS, action=action)
    async with uow:
        inspection = await _require_inspection(uow, command.inspection_id)
        auth.require_access(inspection.jurisdiction_path, action=action)
        require_inspecting_department(
            inspection.plan.departments, action=action, what=f"a visit of plan {inspection.plan.plan_id}"
        )
        now = utcnow()
        events = inspection.complete(now=now)
        requested = _orders_by_item(command.orders)
        failed = {finding.item_code for finding in inspection.findings}
        extra = sorted(set(requested) - failed)
        if extra:
            raise InvalidArgument(f"orders name item(s) that did not fail: {', '.join(extra)}", field="orders", rule="E4")
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
                deadline=_deadline(wanted, now, uow.calendar), now=now,
            )
            await uow.orders.add(order)
            issued.append(order)
        await uow.inspections.save_completion(inspection)
        for event in events:
            await uow.publish(event)
        await uow.commit()
    return InspectionView(inspection, issued)


# --- evidence photos ------------------------------------------------------------------------------


async def get_inspection_photo(
    query: commands.GetInspectionPhoto, uow: EnforcementUnitOfWork
) -> tuple[PhotoRecord, bytes]:
    """An evidence photo of an inspection, to whoever may read the inspection."""
    action = "read an evidence photo"
    auth.require_role(READERS, action=action)
    async with uow.reading():
        inspection = await _require_inspection(uow, query.inspection_id)
        auth.require_access(inspection.jurisdiction_path, action=action)
        return await photo_library.held_photo(uow.photos, query.photo_id, held_by=inspection.inspection_id,
                                              what=f"inspection {inspection.inspection_id}")


async def _require_inspection(uow: EnforcementUnitOfWork, inspection_id: str) -> Inspection:
    inspection = await uow.inspections.get(inspection_id)
    if inspection is None:
        raise NotFound(f"unknown inspection {inspection_id!r}", field="inspection_id")
    return inspection


def _orders_by_item(orders: Sequence[commands.OrderInput]) -> dict[str, commands.OrderInput]:
    by_item: dict[str, commands.OrderInput] = {}
    for wanted in orders:
        if wanted.item_code in by_item:
            raise InvalidArgument(f"item {wanted.item_code!r} has two orders", field="orders", rule="E4")
        by_item[wanted.item_code] = wanted
    return by_item


def _default_addressee(wanted: commands.OrderInput, inspection: Inspection) -> str:
    """An order to the company may leave the id out: the company serving the compound is meant."""
    if wanted.addressee == Addressee.COMPANY.value and inspection.company_id:
        return inspection.company_id
    return ""


def _deadline(wanted: commands.OrderInput, now: dt.datetime, calendar: WorkingDayCalendar) -> dt.datetime | None:
    if wanted.deadline is not None:
        return wanted.deadline
    if wanted.deadline_working_days:
        return deadline_in_working_days(now, wanted.deadline_working_days, calendar)
    return None
