"""Registry bulk import of a county with a million households and their owners, into SQLite and, when a
server answers, PostgreSQL.

``run()`` generates the county as CSV files in a temporary folder (jurisdictions, 1,000 compounds of 10
buildings of 100 units, one owner per unit, every tenth person owning two units, a phone for everyone and
an ID number for half), imports it with the real importer over the real migrated schema of each backend,
and returns rows for the ``make bench`` table: the import rate beside the bare ceiling of only reading
the same files.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from tests.bench import postgres
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.migrations import migrate_async
from wuye_chassis.pii import resident_id_check_character
from wuye_registry.adapters.import_files import COLUMNS, discover
from wuye_registry.domain.commands import DEFAULT_IMPORT_BATCH_SIZE, ImportCounty
from wuye_registry.entrypoints.app import build
from wuye_registry.service.bulk_import.county import ImportSummary, import_county
from wuye_registry.settings import RegistrySettings

HOUSEHOLDS = 1_000_000
BUILDINGS_PER_COMPOUND = 10
UNITS_PER_BUILDING = 100
STREETS = 5
COMMUNITIES_PER_STREET = 10
COUNTY = "350521"
BORN = dt.date(1950, 1, 1)


def _community(compound: int) -> str:
    street = f"{COUNTY}{100 + compound % STREETS:03d}"
    return f"{street}{1 + (compound // STREETS) % COMMUNITIES_PER_STREET:03d}"


def _write(folder: Path, kind: str, rows: Iterable[Iterable[object]]) -> None:
    with (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS[kind])
        writer.writerows(rows)


def generate(folder: Path, households: int) -> int:
    """Write the county's CSV files; returns the number of data rows."""
    compounds = households // (BUILDINGS_PER_COMPOUND * UNITS_PER_BUILDING)
    streets = [f"{COUNTY}{100 + n:03d}" for n in range(STREETS)]
    jurisdictions = [("", "350500", "泉州市"), ("350500", COUNTY, "惠安县")]
    jurisdictions += [(COUNTY, street, f"街道{street}") for street in streets]
    jurisdictions += [
        (street, f"{street}{n:03d}", f"社区{street}{n:03d}")
        for street in streets
        for n in range(1, 1 + COMMUNITIES_PER_STREET)
    ]
    _write(folder, "jurisdictions", jurisdictions)
    _write(
        folder,
        "compounds",
        ((f"C{c:05d}", f"小区{c}", "commodity", "company", _community(c)) for c in range(compounds)),
    )
    buildings = [(c, b) for c in range(compounds) for b in range(1, 1 + BUILDINGS_PER_COMPOUND)]
    _write(folder, "buildings", ((f"C{c:05d}", str(b), f"{b}号楼") for c, b in buildings))
    units = [
        (f"C{c:05d}", str(b), f"{u // 4 + 1}{u % 4 + 1:02d}") for c, b in buildings for u in range(UNITS_PER_BUILDING)
    ]
    _write(folder, "households", ((*unit, f"{60 + n % 9000 / 100:.2f}", "false") for n, unit in enumerate(units)))
    _write(folder, "owners", (_owner(n, unit) for n, unit in enumerate(units)))
    return len(jurisdictions) + compounds + len(buildings) + 2 * len(units)


def _owner(n: int, unit: tuple[str, str, str]) -> tuple[str, ...]:
    # every tenth person also owns the next unit, so persons are a little fewer than units
    person = n - 1 if n % 10 == 1 else n
    # distinct ID numbers: a thousand sequence numbers per birth date
    first = f"{COUNTY}{BORN + dt.timedelta(days=person // 1000):%Y%m%d}{person % 1000:03d}"
    id_number = f"{first}{resident_id_check_character(first)}" if person % 2 else ""
    return (*unit, f"P{person:07d}", f"业主{person}", f"138{person:08d}", id_number, "1")


async def _import(database_url: str, county: Path) -> ImportSummary:
    # a key of its own: PostgreSQL is not local development, where a public key is allowed
    definition = build(RegistrySettings(database_url=database_url, pii_key=base64.b64encode(os.urandom(32)).decode()))
    await migrate_async(database_url, definition.migrations)
    runtime = ServiceRuntime(definition)
    try:
        return await import_county(ImportCounty(str(county)), runtime.unit_of_work())
    finally:
        await runtime.db.dispose()


async def run(households: int = HOUSEHOLDS) -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        county = folder / "county"
        county.mkdir()
        rows = generate(county, households)
        sources = discover(county)

        started = time.perf_counter()
        read = sum(1 for source in sources for _ in source.rows())
        read_rate = read / (time.perf_counter() - started)

        summaries = {"SQLite": await _import(f"sqlite+aiosqlite:///{folder / 'registry.db'}", county)}
        if postgres.answers():
            async with postgres.scratch_database("wuye_bench_registry") as database_url:
                summaries["PostgreSQL"] = await _import(database_url, county)
    figures = [("read the county's CSV files only (bare ceiling)", f"{read_rate:,.0f} rows/s", "-", "1.00")]
    for backend, summary in summaries.items():
        assert summary.rows_imported == rows, summary
        figures += [
            (
                f"registry import, {households:,} households + owners, {backend}, batches of "
                f"{DEFAULT_IMPORT_BATCH_SIZE:,}",
                f"{summary.rows_per_second:,.0f} rows/s",
                f"{summary.seconds:,.0f} s for {rows:,} rows",
                f"{summary.rows_per_second / read_rate:.2f}",
            ),
            (f"the same county into {backend} in households per second of the whole import",
             f"{households / summary.seconds:,.0f}/s", "-", "-"),
        ]
    return figures


if __name__ == "__main__":
    for measure, rate, latency, ratio in asyncio.run(run()):
        print(f"{measure:<80}  {rate:>20}  {latency:>24}  {ratio}")
