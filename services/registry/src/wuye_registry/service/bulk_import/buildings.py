"""Imported buildings: each in a compound registered or earlier in the import, by its code there."""

from __future__ import annotations

from wuye_chassis.errors import WuyeError
from wuye_chassis.ids import new_id
from wuye_registry.adapters.places import BuildingRecord
from wuye_registry.domain.places import Building
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember, nothing_to_remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


async def write(uow: RegistryUnitOfWork, batch: Batch, state: ImportState) -> Remember:
    await state.load_buildings(uow, batch)
    accepted: dict[tuple[str, str], BuildingRecord] = {}
    for row in batch.rows:
        values = row.values
        try:
            parent = state.compound(values["compound_code"])
            value = Building.create(compound_code=values["compound_code"], code=values["code"], name=values["name"])
            key = (parent.compound_id, value.code)
            if not state.first_time(batch, row, ("building", *key), "code"):
                continue
            building_id = state.buildings.get(key) or new_id()
            accepted[key] = BuildingRecord(building_id, parent.compound_id, value.code, value.name)
        except WuyeError as error:
            batch.refuse(row, error, {})
    if batch.errors:
        return nothing_to_remember
    await uow.bulk.upsert_buildings(accepted.values())
    return lambda: state.buildings.update((key, building.building_id) for key, building in accepted.items())
