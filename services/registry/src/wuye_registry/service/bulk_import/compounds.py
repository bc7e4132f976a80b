"""Imported compounds: each in a registered community, never moved by an import; a new compound is
announced as registered, a changed one as updated."""

from __future__ import annotations

from wuye_chassis.errors import InvalidArgument, WuyeError
from wuye_chassis.ids import new_id
from wuye_registry.adapters.places import compound_record
from wuye_registry.domain.events import CompoundRegistered, CompoundUpdated
from wuye_registry.domain.places import Compound
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember, nothing_to_remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: the file's column of each domain field named otherwise
COLUMNS = {"compound_type": "type", "jurisdiction_path": "community_code"}


async def write(uow: RegistryUnitOfWork, batch: Batch, state: ImportState) -> Remember:
    accepted: dict[str, tuple[str, Compound]] = {}  # code → (id, value)
    for row in batch.rows:
        values = row.values
        try:
            if not state.first_time(batch, row, ("compound", values["code"]), "code"):
                continue
            community = state.paths.get(values["community_code"])
            if community is None:
                raise InvalidArgument(
                    f"community {values['community_code'] or '(blank)'} is not registered",
                    field="community_code",
                    rule="unknown_jurisdiction",
                )
            value = Compound.create(
                code=values["code"],
                name=values["name"],
                compound_type=values["type"],
                management_mode=values["management_mode"],
                jurisdiction_path=community,
            )
            known = state.compounds.get(value.code)
            if known is not None and known.jurisdiction_path != str(value.jurisdiction_path):
                raise InvalidArgument(
                    f"compound {value.code} lies in {known.jurisdiction_path}; an import does not move it",
                    field="community_code",
                    rule="compound_community_fixed",
                )
            accepted[value.code] = (known.compound_id if known else new_id(), value)
        except WuyeError as error:
            batch.refuse(row, error, COLUMNS)
    if batch.errors:
        return nothing_to_remember
    changed = await uow.bulk.upsert_compounds(accepted.values())
    registered = 0
    for code in sorted(changed):
        compound_id, value = accepted[code]
        if code in state.compounds:
            await uow.publish(CompoundUpdated(compound_id, value))
        else:
            registered += 1
            await uow.publish(CompoundRegistered(compound_id, value))

    def remember() -> None:
        state.compounds_registered += registered
        state.compounds.update((code, compound_record(*pair)) for code, pair in accepted.items())

    return remember
