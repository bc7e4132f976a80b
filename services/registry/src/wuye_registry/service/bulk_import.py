"""Bulk import of a county's registry: jurisdictions, compounds, buildings, households, owners.

What counts as one import and in what order: see ``adapters/import_files.py`` (a folder of CSV files, one
CSV file, or one workbook; kinds are imported in the order jurisdictions → compounds → buildings →
households → owners, each kind referring only to rows of the kinds before it, in the database or
earlier in the same import).

Batches, all or nothing. Rows of each kind are taken in batches of ``batch_size`` rows (default 5,000,
at most 20,000). Every row is validated by the registry domain (``domain/places.py``, ``domain/area.py``,
the chassis ``pii`` rules for phone and ID number). A batch with no bad row is written in one
transaction; a batch with any bad row is rejected whole: nothing of it is written, every bad row is
listed in the error report, and the import continues with the next batch. A batch that the database
refuses (a constraint the validation could not see, such as a concurrent writer) is rejected the same
way, with one report line naming its first and last row. The owners of one unit are never split across
batches, so a batch may run a few rows over its size.

The error report is a CSV file next to the input (``<file>.errors.csv``, or ``<folder>.errors.csv``)
with the columns file, sheet, row, field, rule, message: the row number as a spreadsheet shows it,
the file's column name, and the rule refused (the domain's rule names: ``positive``,
``max_two_decimals``, ``unknown_compound``, ``shares_sum_to_one`` …). It is written only when some row
is refused; an older report is removed by an import that refuses nothing.

Idempotent. Every table is written by upsert on its natural key (jurisdiction code, compound code,
building code in its compound, unit number in its building, owner person in the unit) and a row is
rewritten only when its content differs, so importing the same files again changes nothing and
announces nothing. People are keyed by ``person_key``, unique within the county: their id is derived
from the county and the key, so an owner of several units is one person, and a re-import finds the same
person again. Phone and ID number are stored encrypted with blind indexes (``wuye_chassis.pii``).

Events, through the outbox, in the transaction of the change they announce: ``JurisdictionRegistered``
for each new jurisdiction, ``CompoundRegistered`` for each new compound, ``CompoundUpdated`` when an
import changes a compound's name, type or management mode. Household and owner changes are announced
once per compound per import, not once per unit: after the last batch, one transaction publishes one
``HouseholdRosterChanged`` (compound id and path only; the consumer re-reads the roster) for each
compound whose units or owners this import changed. If the process dies after a batch committed and
before that announcement, importing the same files again finds nothing to change, so run it with
``announce_all`` (``--announce-all``), which announces every compound the files name.
"""

from __future__ import annotations

import csv
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import IntegrityError

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import events_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument, WuyeError
from wuye_chassis.ids import new_id
from wuye_chassis.pii import PersonalDataCipher, validate_mobile, validate_resident_id
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_registry.adapters import bulk_writer
from wuye_registry.adapters.import_files import Source, SourceRow
from wuye_registry.adapters.orm import buildings, compounds, households, jurisdictions, people
from wuye_registry.domain.area import parse_area_m2
from wuye_registry.domain.places import (
    Building,
    Compound,
    Household,
    Jurisdiction,
    OwnerLink,
    check_unit_owners,
)
from wuye_registry.service.places import compound_event

DEFAULT_BATCH_SIZE = 5_000
#: a batch's keys travel as one SQL parameter list, and SQLite and asyncpg take at most 32,766 parameters
MAX_BATCH_SIZE = 20_000
REPORT_COLUMNS = ("file", "sheet", "row", "field", "rule", "message")
#: the namespace of people's ids derived from (county path, person_key)
PEOPLE_NAMESPACE = uuid.UUID("6f1f3c52-3d5e-4c1b-9a57-0b8e2a6d4e11")
_TRUE = frozenset({"true", "yes", "y", "1", "是"})
_FALSE = frozenset({"false", "no", "n", "0", "否", ""})


@dataclass(frozen=True)
class RowError:
    file: str
    sheet: str
    row: str  # a row number, or "first–last" for a whole batch the database refused
    field: str
    rule: str
    message: str


@dataclass
class ImportSummary:
    rows_read: int = 0
    rows_imported: int = 0  # rows of accepted batches (whether or not they changed anything)
    rows_rejected: int = 0  # rows of rejected batches: the bad rows and the good rows batched with them
    bad_rows: int = 0
    batches: int = 0
    batches_rejected: int = 0
    compounds_registered: int = 0
    compounds_announced: int = 0
    seconds: float = 0.0
    report: Path | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


def report_path(path: Path) -> Path:
    """Where the error report of an import of ``path`` goes: beside it, named after it."""
    return path.with_name(f"{path.stem if path.is_file() else path.name}.errors.csv")


def parse_flag(text: str, *, field: str) -> bool:
    """A yes/no cell: true/false, yes/no, 1/0, 是/否; blank is no."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidArgument(f"{field} must be true or false, got {text!r}", field=field, rule="boolean")


@dataclass(frozen=True)
class _PersonRow:
    id: str
    row: SourceRow  # the first row that names the person in the batch
    columns: dict[str, object]


class _Rejected(Exception):
    """Raised inside a batch's unit of work to leave it without committing."""


@dataclass
class _Batch:
    """Rows of one kind that are written together or not at all, with what validation made of them."""

    source: Source
    rows: list[SourceRow]
    errors: list[RowError] = field(default_factory=list)

    def refuse(self, row: SourceRow, error: WuyeError, columns: dict[str, str]) -> None:
        column = columns.get(error.field or "", error.field or "")
        self.errors.append(
            RowError(self.source.file.name, self.source.sheet, str(row.number), column, error.rule or "", error.message)
        )


class BulkImport:
    """One import run; ``run`` takes the sources in order and returns the summary."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        cipher: PersonalDataCipher,
        *,
        report: Path,
        batch_size: int = DEFAULT_BATCH_SIZE,
        announce_all: bool = False,
        on_rows: Callable[[int], None] = lambda rows: None,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise InvalidArgument(
                f"batch size must be between 1 and {MAX_BATCH_SIZE:,}, got {batch_size}", field="batch_size"
            )
        self.unit_of_work = unit_of_work
        self.cipher = cipher
        self.batch_size = batch_size
        self.announce_all = announce_all
        self.on_rows = on_rows
        self.report = report
        self.summary = ImportSummary()
        self._report_stream: TextIO | None = None
        self._report_writer: csv.DictWriter[str] | None = None
        # what the database holds, kept current as batches commit
        self._paths: dict[str, str] = {}
        self._compounds: dict[str, bulk_writer.KnownCompound] = {}
        self._buildings: dict[tuple[str, str], str] = {}
        self._compounds_with_buildings_loaded: set[str] = set()
        # natural keys met in this import, to refuse a row that repeats an earlier one
        self._seen: set[int] = set()
        self._roster_changed: set[str] = set()
        self._roster_named: set[str] = set()

    async def run(self, sources: Sequence[Source]) -> ImportSummary:
        started = time.perf_counter()
        for source in sources:
            source.check_header()
        async with self.unit_of_work() as uow:
            self._paths = await bulk_writer.jurisdiction_paths(uow.session)
            self._compounds = await bulk_writer.known_compounds(uow.session)
        try:
            for source in sources:
                await self._import(source)
            await self._announce_rosters()
        finally:
            self._close_report()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    async def _import(self, source: Source) -> None:
        for rows in _batches(source.rows(), self.batch_size, grouped=source.kind == "owners"):
            batch = _Batch(source, rows)
            self.summary.rows_read += len(rows)
            self.summary.batches += 1
            try:
                async with self.unit_of_work() as uow:
                    committed = await self._write(uow, batch)
                    if batch.errors:
                        raise _Rejected
                    await uow.commit()
                committed()
                self.summary.rows_imported += len(rows)
            except _Rejected:
                self._reject(batch, batch.errors)
            except IntegrityError as error:
                span = f"{rows[0].number}–{rows[-1].number}"
                message = f"the database refused the batch: {error.orig}"
                self._reject(batch, [RowError(source.file.name, source.sheet, span, "", "database", message)])
            self.on_rows(len(rows))

    def _reject(self, batch: _Batch, errors: Iterable[RowError]) -> None:
        self.summary.rows_rejected += len(batch.rows)
        self.summary.batches_rejected += 1
        for error in errors:
            self.summary.bad_rows += 1
            self._write_report(error)

    async def _write(self, uow: UnitOfWork, batch: _Batch) -> Callable[[], None]:
        """Validate and write one batch inside ``uow``; returns what to remember once it commits.

        Writes are skipped as soon as a row is bad (the unit of work then rolls back).
        """
        writers = {
            "jurisdictions": self._jurisdictions_batch,
            "compounds": self._compounds_batch,
            "buildings": self._buildings_batch,
            "households": self._households_batch,
            "owners": self._owners_batch,
        }
        return await writers[batch.source.kind](uow, batch)

    def _first_time(self, batch: _Batch, row: SourceRow, key: tuple[str, ...], column: str) -> bool:
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

    # --- jurisdictions -------------------------------------------------------------------------------

    async def _jurisdictions_batch(self, uow: UnitOfWork, batch: _Batch) -> Callable[[], None]:
        added: dict[str, Jurisdiction] = {}
        for row in batch.rows:
            values = row.values
            try:
                parent_code, code = values["parent_code"], values["code"]
                if not self._first_time(batch, row, ("jurisdiction", code), "code"):
                    continue
                if parent_code:
                    parent_path = self._paths.get(parent_code) or (
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
                registered = self._paths.get(value.division_code)
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
            now = utcnow()
            messages = [
                common_pb2.Jurisdiction(
                    code=value.division_code,
                    name=value.name,
                    level=common_pb2.JurisdictionLevel.Value(f"JURISDICTION_LEVEL_{value.level.upper()}"),
                    path=str(value.path),
                    parent_code=value.parent_path.code if value.parent_path else "",
                )
                for value in added.values()
            ]
            await bulk_writer.insert_missing(
                uow.session,
                jurisdictions,
                [
                    {
                        "code": message.code,
                        "name": message.name,
                        "level": message.level,
                        "path": message.path,
                        "parent_code": message.parent_code or None,
                        "created_at": now,
                    }
                    for message in messages
                ],
                keys=["code"],
            )
            for message in messages:
                await uow.publish(events_pb2.JurisdictionRegistered(jurisdiction=message), aggregate_id=message.code)
        return lambda: self._paths.update((code, str(value.path)) for code, value in added.items())

    # --- compounds -----------------------------------------------------------------------------------

    async def _compounds_batch(self, uow: UnitOfWork, batch: _Batch) -> Callable[[], None]:
        accepted: dict[str, tuple[str, Compound]] = {}  # code → (id, value)
        columns = {"compound_type": "type", "jurisdiction_path": "community_code"}
        for row in batch.rows:
            values = row.values
            try:
                if not self._first_time(batch, row, ("compound", values["code"]), "code"):
                    continue
                community = self._paths.get(values["community_code"])
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
                known = self._compounds.get(value.code)
                if known is not None and known.jurisdiction_path != str(value.jurisdiction_path):
                    raise InvalidArgument(
                        f"compound {value.code} lies in {known.jurisdiction_path}; an import does not move it",
                        field="community_code",
                        rule="compound_community_fixed",
                    )
                accepted[value.code] = (known.id if known else new_id(), value)
            except WuyeError as error:
                batch.refuse(row, error, columns)
        if batch.errors:
            return lambda: None
        now = utcnow()
        rows = [
            {
                "id": compound_id,
                "code": value.code,
                "name": value.name,
                "compound_type": value.compound_type.value,
                "management_mode": value.management_mode.value,
                "jurisdiction_path": str(value.jurisdiction_path),
                "created_at": now,
                "updated_at": now,
            }
            for compound_id, value in accepted.values()
        ]
        changed = set(
            await bulk_writer.upsert_changed(
                uow.session,
                compounds,
                rows,
                keys=["code"],
                compared=["name", "compound_type", "management_mode"],
                also_set=["updated_at"],
                returning=compounds.c.code,
            )
        )
        registered = 0
        for code in sorted(changed):
            compound_id, value = accepted[code]
            event = events_pb2.CompoundUpdated if code in self._compounds else events_pb2.CompoundRegistered
            registered += event is events_pb2.CompoundRegistered
            await uow.publish(compound_event(event, compound_id, value), aggregate_id=compound_id)

        def remember() -> None:
            self.summary.compounds_registered += registered
            for code, (compound_id, value) in accepted.items():
                self._compounds[code] = bulk_writer.KnownCompound(
                    compound_id,
                    value.name,
                    value.compound_type.value,
                    value.management_mode.value,
                    str(value.jurisdiction_path),
                )

        return remember

    # --- buildings -----------------------------------------------------------------------------------

    def _compound(self, code: str) -> bulk_writer.KnownCompound:
        known = self._compounds.get(code)
        if known is None:
            raise InvalidArgument(
                f"compound {code or '(blank)'} is neither registered nor in this import's compounds",
                field="compound_code",
                rule="unknown_compound",
            )
        return known

    async def _load_buildings(self, uow: UnitOfWork, compound_ids: Iterable[str]) -> None:
        missing = set(compound_ids) - self._compounds_with_buildings_loaded
        if missing:
            self._buildings.update(await bulk_writer.building_ids(uow.session, missing))
            self._compounds_with_buildings_loaded |= missing

    def _referenced_compounds(self, batch: _Batch) -> set[str]:
        return {
            self._compounds[code].id
            for code in {row.values["compound_code"] for row in batch.rows}
            if code in self._compounds
        }

    async def _buildings_batch(self, uow: UnitOfWork, batch: _Batch) -> Callable[[], None]:
        await self._load_buildings(uow, self._referenced_compounds(batch))
        accepted: dict[tuple[str, str], dict[str, object]] = {}
        now = utcnow()
        for row in batch.rows:
            values = row.values
            try:
                parent = self._compound(values["compound_code"])
                value = Building.create(compound_code=values["compound_code"], code=values["code"], name=values["name"])
                key = (parent.id, value.code)
                if not self._first_time(batch, row, ("building", *key), "code"):
                    continue
                accepted[key] = {
                    "id": self._buildings.get(key) or new_id(),
                    "compound_id": parent.id,
                    "code": value.code,
                    "name": value.name,
                    "created_at": now,
                }
            except WuyeError as error:
                batch.refuse(row, error, {})
        if not batch.errors:
            await bulk_writer.upsert_changed(
                uow.session,
                buildings,
                list(accepted.values()),
                keys=["compound_id", "code"],
                compared=["name"],
                returning=buildings.c.id,
            )
        return lambda: self._buildings.update((key, str(row["id"])) for key, row in accepted.items())

    def _building(self, parent: bulk_writer.KnownCompound, code: str) -> str:
        building_id = self._buildings.get((parent.id, code))
        if building_id is None:
            raise InvalidArgument(
                f"building {code or '(blank)'} is neither registered in the compound nor in this import's buildings",
                field="building_code",
                rule="unknown_building",
            )
        return building_id

    # --- households ----------------------------------------------------------------------------------

    async def _households_batch(self, uow: UnitOfWork, batch: _Batch) -> Callable[[], None]:
        await self._load_buildings(uow, self._referenced_compounds(batch))
        rows: list[dict[str, object]] = []
        now = utcnow()
        columns = {"area_dm2": "exclusive_area_m2"}
        for row in batch.rows:
            values = row.values
            try:
                parent = self._compound(values["compound_code"])
                building_id = self._building(parent, values["building_code"])
                value = Household.create(
                    compound_code=values["compound_code"],
                    building_code=values["building_code"],
                    unit_number=values["unit_number"],
                    area_dm2=parse_area_m2(values["exclusive_area_m2"], field="exclusive_area_m2"),
                )
                unsold = parse_flag(values["developer_unsold"], field="developer_unsold")
                if not self._first_time(batch, row, ("unit", building_id, value.unit_number), "unit_number"):
                    continue
                self._roster_named.add(parent.id)
                rows.append(
                    {
                        "id": new_id(),
                        "compound_id": parent.id,
                        "building_id": building_id,
                        "unit_number": value.unit_number,
                        "area_dm2": value.area_dm2,
                        "developer_unsold": unsold,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            except WuyeError as error:
                batch.refuse(row, error, columns)
        if batch.errors:
            return lambda: None
        changed = await bulk_writer.upsert_changed(
            uow.session,
            households,
            rows,
            keys=["building_id", "unit_number"],
            compared=["area_dm2", "developer_unsold"],
            also_set=["updated_at"],
            returning=households.c.compound_id,
        )
        return lambda: self._roster_changed.update(str(compound_id) for compound_id in changed)

    # --- owners and people ---------------------------------------------------------------------------

    @staticmethod
    def _person_id(compound: bulk_writer.KnownCompound, person_key: str) -> str:
        """The same id for the same person_key in the same county, in this import and every later one."""
        county = "/".join(compound.jurisdiction_path.split("/")[:2])
        return str(uuid.uuid5(PEOPLE_NAMESPACE, f"{county}/{person_key}"))

    async def _owners_batch(self, uow: UnitOfWork, batch: _Batch) -> Callable[[], None]:
        await self._load_buildings(uow, self._referenced_compounds(batch))
        known_building_ids = set()
        for row in batch.rows:
            parent = self._compounds.get(row.values["compound_code"])
            building_id = parent and self._buildings.get((parent.id, row.values["building_code"]))
            if building_id:
                known_building_ids.add(building_id)
        units = await bulk_writer.households_in(uow.session, known_building_ids)
        people_rows: dict[str, _PersonRow] = {}
        owner_sets: dict[str, bulk_writer.OwnerSet] = {}
        compound_of_household: dict[str, str] = {}
        for group in _unit_groups(batch.rows):
            self._owner_group(batch, group, units, people_rows, owner_sets, compound_of_household)
        await self._check_id_numbers(uow, batch, people_rows)
        if batch.errors:
            return lambda: None
        now = utcnow()
        await bulk_writer.upsert_changed(
            uow.session,
            people,
            [{**person.columns, "created_at": now, "updated_at": now} for person in people_rows.values()],
            keys=["id"],
            compared=["name", "phone_index", "id_number_index"],
            also_set=["phone_cipher", "id_number_cipher", "updated_at"],
            returning=people.c.id,
        )
        registered = await bulk_writer.owner_sets(uow.session, owner_sets.keys())
        changed = [
            household for household, links in owner_sets.items() if registered.get(household, frozenset()) != links
        ]
        await bulk_writer.replace_owner_sets(
            uow.session,
            changed,
            [
                {
                    "household_id": household,
                    "person_id": person_id,
                    "share_numerator": share.numerator,
                    "share_denominator": share.denominator,
                    "created_at": now,
                }
                for household in changed
                for person_id, share in owner_sets[household]
            ],
        )
        return lambda: self._roster_changed.update(compound_of_household[household] for household in changed)

    def _owner_group(
        self,
        batch: _Batch,
        group: list[SourceRow],
        units: dict[tuple[str, str], bulk_writer.KnownHousehold],
        people_rows: dict[str, _PersonRow],
        owner_sets: dict[str, bulk_writer.OwnerSet],
        compound_of_household: dict[str, str],
    ) -> None:
        """Validate the owner rows of one unit; records the unit's owner set when all rows are good."""
        first = group[0]
        try:
            parent = self._compound(first.values["compound_code"])
            building_id = self._building(parent, first.values["building_code"])
            unit_number = first.values["unit_number"]
            unit = units.get((building_id, unit_number))
            if unit is None:
                raise InvalidArgument(
                    f"unit {unit_number or '(blank)'} is not registered in building {first.values['building_code']}",
                    field="unit_number",
                    rule="unknown_household",
                )
            if not self._first_time(batch, first, ("owners", unit.id, unit_number), "unit_number"):
                return
        except WuyeError as error:
            for row in group:
                batch.refuse(row, error, {})
            return
        links: list[OwnerLink] = []
        people_of_unit: dict[str, str] = {}
        errors_before = len(batch.errors)
        for row in group:
            try:
                links.append(
                    OwnerLink.create(
                        household_id=unit.id, person_key=row.values["person_key"], share=row.values["share"] or 1
                    )
                )
                person = self._person(parent, row)
                earlier = people_rows.setdefault(person.id, person).columns
                for column in ("name", "phone_index", "id_number_index"):
                    if earlier[column] != person.columns[column]:
                        raise InvalidArgument(
                            f"person {row.values['person_key']} appears earlier in this batch with another "
                            f"{column.removesuffix('_index')}",
                            field=column.removesuffix("_index"),
                            rule="same_person_same_details",
                        )
                people_of_unit[links[-1].person_key] = person.id
            except WuyeError as error:
                batch.refuse(row, error, {"household_id": "unit_number"})
        if len(batch.errors) > errors_before:
            return
        try:
            check_unit_owners(unit.id, links, developer_unsold=unit.developer_unsold)
        except WuyeError as error:
            batch.refuse(first, error, {"owners": "person_key"})
            return
        self._roster_named.add(parent.id)
        owner_sets[unit.id] = frozenset((people_of_unit[link.person_key], link.share) for link in links)
        compound_of_household[unit.id] = parent.id

    def _person(self, parent: bulk_writer.KnownCompound, row: SourceRow) -> _PersonRow:
        """The people row of an owner row: phone and ID number validated, encrypted and indexed."""
        values = row.values
        name = require_text(values["name"], field="name")
        phone = validate_mobile(values["phone"]) if values["phone"] else None
        id_number = validate_resident_id(values["id_number"]) if values["id_number"] else None
        person_id = self._person_id(parent, values["person_key"])
        columns: dict[str, object] = {
            "id": person_id,
            "name": name,
            # where the person was first met; an import never moves a person
            "jurisdiction_path": parent.jurisdiction_path,
            "phone_cipher": self.cipher.encrypt(phone) if phone else None,
            "phone_index": self.cipher.blind_index(phone) if phone else None,
            "id_number_cipher": self.cipher.encrypt(id_number) if id_number else None,
            "id_number_index": self.cipher.blind_index(id_number) if id_number else None,
            "is_party_member": False,
        }
        return _PersonRow(person_id, row, columns)

    async def _check_id_numbers(self, uow: UnitOfWork, batch: _Batch, people_rows: dict[str, _PersonRow]) -> None:
        """One ID number, one person: refuse a person_key whose ID number another person holds."""
        indexes = [person.columns["id_number_index"] for person in people_rows.values()]
        holders = await bulk_writer.people_holding_id_numbers(uow.session, [str(index) for index in indexes if index])
        for person in people_rows.values():
            index = person.columns["id_number_index"]
            if index is not None and holders.setdefault(str(index), person.id) != person.id:
                taken = InvalidArgument(
                    f"another person already holds the ID number of person {person.row.values['person_key']}",
                    field="id_number",
                    rule="unique_id_number",
                )
                batch.refuse(person.row, taken, {})

    # --- the roster announcement ---------------------------------------------------------------------

    async def _announce_rosters(self) -> None:
        announced = self._roster_named if self.announce_all else self._roster_changed
        if not announced:
            return
        paths = {known.id: known.jurisdiction_path for known in self._compounds.values()}
        async with self.unit_of_work() as uow:
            for compound_id in sorted(announced):
                event = events_pb2.HouseholdRosterChanged(compound_id=compound_id, jurisdiction_path=paths[compound_id])
                await uow.publish(event, aggregate_id=compound_id)
            await uow.commit()
        self.summary.compounds_announced = len(announced)

    # --- the error report ----------------------------------------------------------------------------

    def _write_report(self, error: RowError) -> None:
        if self._report_writer is None:
            self._report_stream = self.report.open("w", newline="", encoding="utf-8")
            self._report_writer = csv.DictWriter(self._report_stream, REPORT_COLUMNS)
            self._report_writer.writeheader()
            self.summary.report = self.report
        self._report_writer.writerow(error.__dict__)

    def _close_report(self) -> None:
        if self._report_stream is not None:
            self._report_stream.close()
        else:
            self.report.unlink(missing_ok=True)


def _unit_key(row: SourceRow) -> tuple[str, str, str]:
    return row.values["compound_code"], row.values["building_code"], row.values["unit_number"]


def _unit_groups(rows: list[SourceRow]) -> Iterator[list[SourceRow]]:
    """Consecutive owner rows of the same unit."""
    group: list[SourceRow] = []
    for row in rows:
        if group and _unit_key(group[0]) != _unit_key(row):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def _batches(rows: Iterator[SourceRow], size: int, *, grouped: bool) -> Iterator[list[SourceRow]]:
    """Batches of ``size`` rows; with ``grouped`` a batch never ends inside a run of one unit's rows."""
    batch: list[SourceRow] = []
    for row in rows:
        if len(batch) >= size and not (grouped and _unit_key(batch[-1]) == _unit_key(row)):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch
