"""``python -m wuye_enforcement import-catalogue PATH [--sheet NAME]``: a catalogue (E1) from CSV or Excel.

The operator's way to load the departments' inspection items kept in a spreadsheet (columns: code,
lead_department, partner_departments, content, legal_basis, standard, frequency, scenario). All or
nothing, as over gRPC: one bad row and nothing is imported; every bad row is printed with its spreadsheet
row number, column and rule. Exit status 0 when imported, 1 when refused, 2 when the file is unusable.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from wuye_chassis.app import ServiceDefinition
from wuye_chassis.cli import Command, as_platform
from wuye_chassis.errors import WuyeError
from wuye_chassis.tabular import read_table
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.catalogue import COLUMNS, OPTIONAL_COLUMNS
from wuye_enforcement.service import catalogue
from wuye_enforcement.service.catalogue import ImportReport
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="a .csv file, or an .xlsx workbook with --sheet")
    parser.add_argument("--sheet", default="", help="the workbook's sheet holding the catalogue")


def _run(definition: ServiceDefinition[EnforcementUnitOfWork], args: argparse.Namespace) -> int:
    try:
        numbered = list(read_table(args.path, COLUMNS, optional=OPTIONAL_COLUMNS, sheet=args.sheet))
    except (WuyeError, OSError, KeyError) as error:
        print(f"import-catalogue: {getattr(error, 'message', error)}")
        return 2
    report = asyncio.run(_import(definition, [values for _, values in numbered]))
    rows = [number for number, _ in numbered]
    for position, refusal in report.errors:
        print(f"row {rows[position - 1]}  {refusal.field}  {refusal.rule}  {refusal.message}")
    print(f"imported {report.imported} of {len(numbered)} rows" if not report.errors else "nothing imported")
    return 1 if report.errors else 0


async def _import(definition: ServiceDefinition[EnforcementUnitOfWork], rows: list[dict[str, str]]) -> ImportReport:
    command = commands.ImportCatalogue(tuple(rows))
    return await as_platform(definition, lambda uow: catalogue.import_catalogue(command, uow))


IMPORT_CATALOGUE = Command(help="import a department inspection-item catalogue from CSV or Excel",
                           configure=_configure, run=_run)
