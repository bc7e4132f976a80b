"""Use cases for the inspection-item catalogue (E1): partner departments maintain their own items.

The catalogue is deployment-wide (a city's departments check every compound the same way), so its
writes are guarded by role and department rather than by a jurisdiction path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.errors import AlreadyExists, InvalidArgument, PermissionDenied
from wuye_enforcement.adapters import repository
from wuye_enforcement.domain.catalogue import Department, InspectionItem, RowError, parse_catalogue_row

CATALOGUE_ADMIN = "city_admin"
DEPARTMENT_INSPECTOR = "department_inspector"
READERS = (CATALOGUE_ADMIN, DEPARTMENT_INSPECTOR, "county_officer", "street_officer")


@dataclass(frozen=True)
class ImportReport:
    imported: int
    errors: list[tuple[int, RowError]]  # (1-based row, error)


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


class CatalogueService:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    async def departments(self) -> Sequence[Department]:
        auth.require_role(READERS, action="list departments")
        async with self.runtime.db.sessions() as session:
            return (await repository.load_catalogue(session)).departments

    async def items(self, department: str) -> list[InspectionItem]:
        auth.require_role(READERS, action="list inspection items")
        async with self.runtime.db.sessions() as session:
            catalogue = await repository.load_catalogue(session)
        return [item for item in catalogue if not department or department in item.departments]

    async def create(self, fields: Mapping[str, object]) -> InspectionItem:
        caller = auth.require_role((CATALOGUE_ADMIN, DEPARTMENT_INSPECTOR), action="add an inspection item")
        item = InspectionItem.create(**fields)  # type: ignore[arg-type]
        _require_lead(caller, item, "add an inspection item")
        async with self.runtime.unit_of_work() as uow:
            catalogue = await repository.load_catalogue(uow.session)
            catalogue.add_item(item)
            await repository.save_item(uow.session, item, actor_id=caller.user, new=True)
            await uow.commit()
        return item

    async def update(self, fields: Mapping[str, object]) -> InspectionItem:
        caller = auth.require_role((CATALOGUE_ADMIN, DEPARTMENT_INSPECTOR), action="revise an inspection item")
        item = InspectionItem.create(**fields)  # type: ignore[arg-type]
        async with self.runtime.unit_of_work() as uow:
            catalogue = await repository.load_catalogue(uow.session)
            # both the item as it stands and as revised: a department cannot hand its lead to another
            _require_lead(caller, catalogue.item(item.code), "revise an inspection item")
            _require_lead(caller, item, "revise an inspection item")
            catalogue.replace_item(item)
            await repository.save_item(uow.session, item, actor_id=caller.user, new=False)
            await uow.commit()
        return item

    async def import_rows(self, rows: Sequence[Mapping[str, object]]) -> ImportReport:
        """All or nothing: one bad row and nothing is imported; every row's errors are reported."""
        caller = auth.require_role((CATALOGUE_ADMIN,), action="import a catalogue")
        async with self.runtime.unit_of_work() as uow:
            catalogue = await repository.load_catalogue(uow.session)
            errors: list[tuple[int, RowError]] = []
            items: list[InspectionItem] = []
            for position, row in enumerate(rows, start=1):
                parsed = parse_catalogue_row(row, catalogue.departments)
                errors.extend((position, error) for error in parsed.errors)
                if parsed.item is None:
                    continue
                try:
                    catalogue.add_item(parsed.item)  # duplicates within the sheet and against the catalogue
                except (AlreadyExists, InvalidArgument) as refusal:
                    errors.append((position, RowError(refusal.field or "row", refusal.message, refusal.rule)))
                    continue
                items.append(parsed.item)
            if errors:
                return ImportReport(0, errors)
            for item in items:
                await repository.save_item(uow.session, item, actor_id=caller.user, new=True)
            await uow.commit()
        return ImportReport(len(items), [])
