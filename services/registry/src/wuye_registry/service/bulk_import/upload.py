"""A workbook uploaded by the city's administrator (``ImportWorkbook``), imported as an operator's
``python -m wuye_registry import`` of it would be, with the refused rows handed back instead of left in a
report file.

Who: ``city_admin`` only, and every jurisdiction the workbook registers must lie within the caller's scope
(rule ``scope``, checked row by row as the jurisdictions' other rules are). The rosters of every compound
the workbook names are announced (``announce_all``): an upload that a crash cut short is simply uploaded
again, and what its first run committed is then still announced.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument
from wuye_registry.adapters.import_files import uploaded_workbook
from wuye_registry.adapters.import_report import RowError, read_report
from wuye_registry.domain import commands
from wuye_registry.service.bulk_import.county import ImportSummary, Progress, import_county
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

UPLOADERS = ("city_admin",)
#: below gRPC's message limit (16 MB) with room for the rest of the request
MAX_WORKBOOK_BYTES = 15 * 1024 * 1024
#: the refused rows handed back (the summary counts them all)
MAX_ERRORS_RETURNED = 1_000


@dataclass(frozen=True)
class UploadedImport:
    summary: ImportSummary
    errors: list[RowError]


async def import_workbook(
    command: commands.ImportWorkbook, uow: RegistryUnitOfWork, progress: Progress
) -> UploadedImport:
    caller = auth.require_role(UPLOADERS, action="import a registry workbook")
    if not command.content:
        raise InvalidArgument("workbook is empty", field="workbook", rule="xlsx")
    if len(command.content) > MAX_WORKBOOK_BYTES:
        raise InvalidArgument(
            f"workbook is {len(command.content):,} bytes; at most {MAX_WORKBOOK_BYTES:,} can be uploaded "
            "(import a larger one with python -m wuye_registry import)", field="workbook", rule="size",
        )
    with uploaded_workbook(command.content, command.file_name) as path:
        summary = await import_county(
            commands.ImportCounty(str(path), announce_all=True, within=caller.scope), uow, progress
        )
        errors = read_report(summary.report, limit=MAX_ERRORS_RETURNED) if summary.report else []
    return UploadedImport(summary, errors)
