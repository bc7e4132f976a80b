"""Imported units: each in a building of its compound, with its exclusive area in m² ("89.57") and
whether it is developer stock; a compound whose units changed has its roster announced."""

from __future__ import annotations

from wuye_chassis.errors import InvalidArgument, WuyeError
from wuye_chassis.ids import new_id
from wuye_registry.adapters.bulk_writer import ImportedUnit
from wuye_registry.domain.area import parse_area_m2
from wuye_registry.domain.places import Household
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember, nothing_to_remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

_TRUE = frozenset({"true", "yes", "y", "1", "是"})
_FALSE = frozenset({"false", "no", "n", "0", "否", ""})


def parse_flag(text: str, *, field: str) -> bool:
    """A yes/no cell: true/false, yes/no, 1/0, 是/否; blank is no."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidArgument(f"{field} must be true or false, got {text!r}", field=field, rule="boolean")


async def write(uow: RegistryUnitOfWork, batch: Batch, state: ImportState) -> Remember:
    await state.load_buildings(uow, batch)
    units: list[ImportedUnit] = []
    for row in batch.rows:
        values = row.values
        try:
            parent = state.compound(values["compound_code"])
            building_id = state.building(parent, values["building_code"])
            value = Household.create(
                compound_code=values["compound_code"],
                building_code=values["building_code"],
                unit_number=values["unit_number"],
                area_dm2=parse_area_m2(values["exclusive_area_m2"], field="exclusive_area_m2"),
            )
            unsold = parse_flag(values["developer_unsold"], field="developer_unsold")
            if not state.first_time(batch, row, ("unit", building_id, value.unit_number), "unit_number"):
                continue
            state.roster_named.add(parent.compound_id)
            units.append(ImportedUnit(new_id(), parent.compound_id, building_id, value, unsold))
        except WuyeError as error:
            batch.refuse(row, error, {"area_dm2": "exclusive_area_m2"})
    if batch.errors:
        return nothing_to_remember
    changed = await uow.bulk.upsert_units(units)
    return lambda: state.roster_changed.update(changed)
