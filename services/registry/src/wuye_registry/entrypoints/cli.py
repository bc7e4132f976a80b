"""``python -m wuye_registry import PATH [--batch-size N] [--announce-all]``: bulk import of a county.

An operator's command beside ``migrate``: it writes straight into the registry's database
(``WUYE_DATABASE_URL``), migrating it first when ``WUYE_MIGRATE_ON_START`` is true, while the service may
be running; the running service's outbox relay publishes the import's events. Exit status 0 when every
row was imported, 1 when some batch was rejected (see the error report), 2 when the input is unusable.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from tqdm import tqdm

from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.cli import Command
from wuye_chassis.errors import WuyeError
from wuye_chassis.migrations import migrate_async
from wuye_registry.domain import commands
from wuye_registry.service.bulk_import.county import ImportSummary, import_county
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="a folder of <kind>.csv files, one <kind>.csv, or an .xlsx workbook")
    parser.add_argument(
        "--batch-size", type=int, default=commands.DEFAULT_IMPORT_BATCH_SIZE, help="rows written (or rejected) together"
    )
    parser.add_argument(
        "--announce-all",
        action="store_true",
        help="announce the roster of every compound the files name, not only of those this import changed",
    )


class _ProgressBar:
    """The import's progress on the terminal, shown once the input proved usable."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.bar: tqdm[Any] | None = None

    def begin(self, rows: int) -> None:
        self.bar = tqdm(total=rows, unit=" rows", desc=self.name)

    def advance(self, rows: int) -> None:
        assert self.bar is not None, "begin comes first"
        self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run(definition: ServiceDefinition[RegistryUnitOfWork], args: argparse.Namespace) -> int:
    command = commands.ImportCounty(str(args.path), batch_size=args.batch_size, announce_all=args.announce_all)
    try:
        summary = asyncio.run(_import(definition, command, args.path.name))
    except WuyeError as error:
        print(f"import: {error.message}")
        return 2
    print(describe(summary))
    return 1 if summary.batches_rejected else 0


async def _import(
    definition: ServiceDefinition[RegistryUnitOfWork], command: commands.ImportCounty, name: str
) -> ImportSummary:
    settings = definition.settings
    if settings.migrate_on_start:
        await migrate_async(settings.database_url, definition.migrations)
    runtime = ServiceRuntime(definition)
    progress = _ProgressBar(name)
    try:
        return await import_county(command, runtime.unit_of_work(), progress)
    finally:
        progress.close()
        await runtime.db.dispose()


def describe(summary: ImportSummary) -> str:
    lines = [
        f"rows read      {summary.rows_read:>12,}",
        f"rows imported  {summary.rows_imported:>12,}",
        f"rows rejected  {summary.rows_rejected:>12,}  ({summary.bad_rows:,} bad rows, "
        f"{summary.batches_rejected:,} of {summary.batches:,} batches)",
        f"compounds      {summary.compounds_registered:>12,}  registered, "
        f"{summary.compounds_announced:,} roster announcements",
        f"time           {summary.seconds:>12,.2f}  s  ({summary.rows_per_second:,.0f} rows/s)",
    ]
    if summary.report is not None:
        lines.append(f"error report   {summary.report}")
    return "\n".join(lines)


IMPORT = Command(help="bulk import a county's registry from CSV or Excel", configure=_configure, run=_run)
