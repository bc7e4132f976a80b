"""What one import run works with: the batch at hand, and what the database holds and the import has
met so far (kept current as batches commit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from wuye_chassis.errors import InvalidArgument, WuyeError
from wuye_registry.adapters.import_files import Source, SourceRow
from wuye_registry.adapters.import_report import RowError
from wuye_registry.adapters.places import CompoundRecord
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: what a kind's batch writer returns: what to remember once the batch has committed
Remember = Callable[[], None]


def nothing_to_remember() -> None:
    """A rejected batch leaves nothing to remember."""


@dataclass
class Batch:
    """Rows of one kind that are written together or not at all, with what validation made of them."""

    source: Source
    rows: list[SourceRow]
    errors: list[RowError] = field(default_factory=list)

    def refuse(self, row: SourceRow, error: WuyeError, columns: dict[str, str]) -> None:
        """Report ``row``; ``columns`` names the file's column for a domain field named otherwise."""
        column = columns.get(error.field or "", error.field or "")
        self.errors.append(
            RowError(self.source.file.name, self.source.sheet, str(row.number), column, error.rule or "", error.message)
        )


class ImportState:
    def __init__(self, paths: dict[str, str], compounds: dict[str, CompoundRecord], *, within: str = "") -> None:
        #: jurisdiction path by code
        self.paths = paths
        #: the path every imported jurisdiction must lie within ("" for anywhere)
        self.within = within
        #: compound by code
        self.compounds = compounds
        #: building id by (compound id, building code), loaded per compound when a batch names it
        self.buildings: dict[tuple[str, str], str] = {}
        self._compounds_with_buildings_loaded: set[str] = set()
        # natural keys met in this import, to refuse a row that repeats an earlier one
        self._seen: set[int] = set()
        #: the compounds whose units or owners this import changed, and those its files name
        self.roster_changed: set[str] = set()
        self.roster_named: set[str] = set()
        self.compounds_registered = 0

    def first_time(self, batch: Batch, row: SourceRow, key: tuple[str, ...], column: str) -> bool:
        """True the first time this import meets a natural key; a repeat is refused."""
        # hashes, not the keys: a million units' keys then take tens of MB; a 64-bit collision among them is negligible
        digest = hash(key)
        if digest in self._seen:
            repeated = InvalidArgument(
                f"repeats an earlier row of this import ({' '.join(key[1:])})", field=column, rule="duplicate"
            )
            batch.refuse(row, repeated, {})
            return False
        self._seen.add(digest)
        return True

    def compound(self, code: str) -> CompoundRecord:
        known = self.compounds.get(code)
        if known is None:
            raise InvalidArgument(
                f"compound {code or '(blank)'} is neither registered nor in this import's compounds",
                field="compound_code",
                rule="unknown_compound",
            )
        return known

    def building(self, parent: CompoundRecord, code: str) -> str:
        building_id = self.buildings.get((parent.compound_id, code))
        if building_id is None:
            raise InvalidArgument(
                f"building {code or '(blank)'} is neither registered in the compound nor in this import's buildings",
                field="building_code",
                rule="unknown_building",
            )
        return building_id

    async def load_buildings(self, uow: RegistryUnitOfWork, batch: Batch) -> None:
        """Know the buildings of the registered compounds the batch's rows name."""
        missing = self._named_compounds(batch) - self._compounds_with_buildings_loaded
        if missing:
            self.buildings.update(await uow.bulk.building_ids(missing))
            self._compounds_with_buildings_loaded |= missing

    def _named_compounds(self, batch: Batch) -> set[str]:
        codes: Iterable[str] = {row.values["compound_code"] for row in batch.rows}
        return {self.compounds[code].compound_id for code in codes if code in self.compounds}
