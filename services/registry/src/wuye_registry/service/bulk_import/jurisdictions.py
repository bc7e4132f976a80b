"""Imported jurisdictions: each under a parent registered or earlier in the import; new ones are announced."""

from __future__ import annotations

from wuye_chassis.errors import InvalidArgument, PermissionDenied, WuyeError
from wuye_chassis.jurisdiction import in_scope
from wuye_registry.domain.events import JurisdictionRegistered
from wuye_registry.domain.places import Jurisdiction
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


async def write(uow: RegistryUnitOfWork, batch: Batch, state: ImportState) -> Remember:
    added: dict[str, Jurisdiction] = {}
    for row in batch.rows:
        values = row.values
        try:
            parent_code, code = values["parent_code"], values["code"]
            if not state.first_time(batch, row, ("jurisdiction", code), "code"):
                continue
            if parent_code:
                parent_path = state.paths.get(parent_code) or (
                    str(added[parent_code].path) if parent_code in added else None
                )
                if parent_path is None:
                    raise InvalidArgument(
                        f"parent jurisdiction {parent_code} is neither registered nor earlier in this import",
                        field="parent_code",
                        rule="unknown_jurisdiction",
                    )
                value = Jurisdiction.create(path=f"{parent_path}/{code}", name=values["name"])
            else:
                value = Jurisdiction.create(path=code, name=values["name"])
            if state.within and not in_scope(state.within, str(value.path)):
                raise PermissionDenied(
                    f"jurisdiction {value.path} lies outside {state.within}, the importer's scope",
                    field="code", rule="scope",
                )
            registered = state.paths.get(value.division_code)
            if registered is not None and registered != str(value.path):
                raise InvalidArgument(
                    f"jurisdiction {code} is registered at {registered}, not under {parent_code}",
                    field="parent_code",
                    rule="jurisdiction_moved",
                )
            if registered is None:
                added[value.division_code] = value
        except WuyeError as error:
            batch.refuse(row, error, {"jurisdiction_path": "code"})
    if not batch.errors and added:
        await uow.bulk.add_missing_jurisdictions(added.values())
        for value in added.values():
            await uow.publish(JurisdictionRegistered(value))
    return lambda: state.paths.update((code, str(value.path)) for code, value in added.items())
