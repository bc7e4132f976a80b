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

from tqdm import tqdm

from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.cli import Command
from wuye_chassis.errors import WuyeError
from wuye_chassis.migrations import migrate_async
from wuye_chassis.pii import PersonalDataCipher
from wuye_registry.adapters.import_files import Source, discover
from wuye_registry.service.bulk_import import DEFAULT_BATCH_SIZE, BulkImport, ImportSummary, report_path


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="a folder of <kind>.csv files, one <kind>.csv, or an .xlsx workbook")
    parser.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows written (or rejected) together"
    )
    parser.add_argument(
        "--announce-all",
        action="store_true",
        help="announce the roster of every compound the files name, not only of those this import changed",
    )


def _run(definition: ServiceDefinition, args: argparse.Namespace) -> int:
    try:
        sources = discover(args.path)
    except WuyeError as error:
        print(f"import: {error.message}")
        return 2
    summary = asyncio.run(_import(definition, args, sources))
    print(describe(summary))
    return 1 if summary.batches_rejected else 0


async def _import(definition: ServiceDefinition, args: argparse.Namespace, sources: list[Source]) -> ImportSummary:
    settings = definition.settings
    if settings.migrate_on_start:
        await migrate_async(settings.database_url, definition.migrations)
    runtime = ServiceRuntime(definition)
    total = sum(source.estimated_rows() for source in sources)
    try:
        with tqdm(total=total, unit=" rows", desc=args.path.name) as progress:
            importer = BulkImport(
                runtime.unit_of_work,
                PersonalDataCipher.from_settings(settings),
                report=report_path(args.path),
                batch_size=args.batch_size,
                announce_all=args.announce_all,
                on_rows=progress.update,
            )
            return await importer.run(sources)
    finally:
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
