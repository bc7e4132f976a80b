"""Handlers for the inspection-item catalogue (E1): partner departments maintain their own items.

The catalogue is deployment-wide (a city's departments check every compound the same way), so its
writes are guarded by role and department rather than by a jurisdiction path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, InvalidArgument, PermissionDenied
from wuye_chassis.tabular import sent_rows
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.catalogue import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    RESIDENTIAL_COMPOUND,
    Department,
    InspectionItem,
    NearDuplicate,
    RowError,
    near_duplicates,
    parse_catalogue_row,
)
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

CATALOGUE_ADMIN = "city_admin"
DEPARTMENT_INSPECTOR = "department_inspector"
MAINTAINERS = (CATALOGUE_ADMIN, DEPARTMENT_INSPECTOR)
READERS = (*MAINTAINERS, "county_officer", "street_officer")


@dataclass(frozen=True)
class ImportReport:
    imported: int
    errors: list[tuple[int, RowError]]  # (1-based row, error)
    #: imported items close to another item (1-based row, the pair): flagged for review, not refused (E2)
    near_duplicates: list[tuple[int, NearDuplicate]]


def _require_lead(caller: auth.AuthContext, item: InspectionItem, action: str) -> None:
    """A department inspector touches only the items its own department leads."""
    if caller.has_role(CATALOGUE_ADMIN, auth.SYSTEM_ROLE):
        return
    if not caller.department or item.lead_department != caller.department:
        raise PermissionDenied(
            f"{action}: department {caller.department or '(none)'} does not lead item {item.code!r}",
            field="lead_department",
            rule="E1",
        )


def _item(given: commands.InspectionItemInput) -> InspectionItem:
    return InspectionItem.create(
        code=given.code,
        lead_department=given.lead_department,
        partner_departments=given.partner_departments,
        content=given.content,
        legal_basis=given.legal_basis,
        standard=given.standard,
        frequency=given.frequency,
        scenario=given.scenario or RESIDENTIAL_COMPOUND,
    )


async def list_departments(query: commands.ListDepartments, uow: EnforcementUnitOfWork) -> Sequence[Department]:
    auth.require_role(READERS, action="list departments")
    async with uow.reading():
        return (await uow.catalogue.load()).departments


async def list_inspection_items(query: commands.ListInspectionItems, uow: EnforcementUnitOfWork) -> list[InspectionItem]:
    auth.require_role(READERS, action="list inspection items")
    async with uow.reading():
        catalogue = await uow.catalogue.load()
    return [item for item in catalogue if not query.department or query.department in item.departments]


async def create_inspection_item(command: commands.CreateInspectionItem, uow: EnforcementUnitOfWork) -> InspectionItem:
    caller = auth.require_role(MAINTAINERS, action="add an inspection item")
    item = _item(command.item)
    _require_lead(caller, item, "add an inspection item")
    async with uow:
        catalogue = await uow.catalogue.load()
        catalogue.add_item(item)
        await uow.catalogue.add(item, actor_id=caller.user)
        await uow.commit()
    return item


async def update_inspection_item(command: commands.UpdateInspectionItem, uow: EnforcementUnitOfWork) -> InspectionItem:
    caller = auth.require_role(MAINTAINERS, action="revise an inspection item")
    item = _item(command.item)
    async with uow:
        catalogue = await uow.catalogue.load()
        # both the item as it stands and as revised: a department cannot hand its lead to another
        _require_lead(caller, catalogue.item(item.code), "revise an inspection item")
        _require_lead(caller, item, "revise an inspection item")
        catalogue.replace_item(item)
        await uow.catalogue.replace(item, actor_id=caller.user)
        await uow.commit()
    return item


async def import_catalogue(command: commands.ImportCatalogue, uow: EnforcementUnitOfWork) -> ImportReport:
    """All or nothing: one bad row and nothing is imported; every row's errors are reported."""
    caller = auth.require_role((CATALOGUE_ADMIN,), action="import a catalogue")
    numbered = sent_rows(command.rows, command.workbook, COLUMNS, optional=OPTIONAL_COLUMNS, rule="E1")
    async with uow:
        catalogue = await uow.catalogue.load()
        errors: list[tuple[int, RowError]] = []
        items: list[InspectionItem] = []
        close: list[tuple[int, NearDuplicate]] = []
        for position, row in numbered:
            parsed = parse_catalogue_row(row, catalogue.departments)
            errors.extend((position, error) for error in parsed.errors)
            if parsed.item is None:
                continue
            close.extend((position, pair) for pair in near_duplicates(parsed.item, catalogue))
            try:
                catalogue.add_item(parsed.item)  # duplicates within the sheet and against the catalogue
            except (AlreadyExists, InvalidArgument) as refusal:
                errors.append((position, RowError(refusal.field or "row", refusal.message, refusal.rule)))
                continue
            items.append(parsed.item)
        if errors:
            return ImportReport(0, errors, close)
        for item in items:
            await uow.catalogue.add(item, actor_id=caller.user)
        await uow.commit()
    return ImportReport(len(items), [], close)
