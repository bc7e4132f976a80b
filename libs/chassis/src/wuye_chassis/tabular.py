"""Reading a table a person keeps in a spreadsheet: a CSV file (UTF-8, a BOM is fine) or one sheet of an
Excel workbook (openpyxl, read-only, streamed).

The first row is the header; columns are found by name in any order and extra columns are ignored.
Rows are numbered as a spreadsheet shows them (the header is row 1), blank rows are skipped, and every
value arrives as the text a person typed (whole numbers without ".0", booleans as true/false).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from wuye_chassis.errors import InvalidArgument

EXCEL_SUFFIX = ".xlsx"
CSV_SUFFIX = ".csv"


def records(file: Path, sheet: str = "") -> Iterator[list[object]]:
    """The raw rows of a CSV file, or of one sheet of a workbook when ``sheet`` is given."""
    if sheet:
        with workbook(file) as book:
            for record in book[sheet].iter_rows(values_only=True):
                yield list(record)
        return
    with file.open(newline="", encoding="utf-8-sig") as stream:
        yield from csv.reader(stream)


def workbook(file: Path) -> closing[openpyxl.Workbook]:
    # read-only mode streams the rows and keeps the file open until closed
    return closing(openpyxl.load_workbook(file, read_only=True, data_only=True))


def cell_text(cell: object) -> str:
    """A cell as the text a person typed: whole numbers without ".0", booleans as true/false."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def column_positions(
    header: list[str], columns: Iterable[str], *, optional: frozenset[str] = frozenset(), source: str
) -> dict[str, int]:
    """Where each column is; a missing required column is refused naming it (a missing optional one reads blank)."""
    wanted = list(columns)
    missing = [column for column in wanted if column not in header and column not in optional]
    if missing:
        raise InvalidArgument(
            f"{source} lacks the column(s) {', '.join(missing)}; the header is {', '.join(wanted)}",
            field=missing[0],
            rule="header",
        )
    # a missing optional column points past the end of every record and so reads as blank
    return {column: header.index(column) if column in header else len(header) for column in wanted}


def read_table(
    file: Path, columns: Iterable[str], *, optional: frozenset[str] = frozenset(), sheet: str = ""
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every non-blank data row, after checking the header."""
    source = f"{file.name} sheet {sheet}" if sheet else file.name
    yield from _table(records(file, sheet), columns, optional=optional, source=source)


def read_workbook(
    content: bytes, columns: Iterable[str], *, optional: frozenset[str] = frozenset(), field: str = "workbook"
) -> list[tuple[int, dict[str, str]]]:
    """The first sheet of an Excel workbook a person uploaded, read as ``read_table`` reads a file; bytes
    that are no .xlsx workbook are refused naming ``field``."""
    try:
        with closing(openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)) as book:
            sheet = book.worksheets[0]
            rows = (list(record) for record in sheet.iter_rows(values_only=True))
            return list(_table(rows, columns, optional=optional, source=f"sheet {sheet.title}"))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError):
        raise InvalidArgument(f"{field} is not an Excel (.xlsx) workbook", field=field, rule="xlsx") from None


def sent_rows(
    rows: Sequence[Mapping[str, str]], workbook: bytes, columns: Iterable[str], *, rule: str,
    optional: frozenset[str] = frozenset(),
) -> list[tuple[int, Mapping[str, str]]]:
    """What an import was sent, numbered: the rows given (1 the first), or an uploaded workbook's rows as its
    sheet numbers them; both at once are refused naming ``workbook``."""
    if workbook and rows:
        raise InvalidArgument("send the rows or a workbook, not both", field="workbook", rule=rule)
    if workbook:
        return list(read_workbook(workbook, columns, optional=optional))
    return list(enumerate(rows, start=1))


def _table(
    rows: Iterator[list[object]], columns: Iterable[str], *, optional: frozenset[str], source: str
) -> Iterator[tuple[int, dict[str, str]]]:
    header = [cell_text(cell) for cell in next(rows, [])]
    positions = column_positions(header, columns, optional=optional, source=source)
    for number, record in enumerate(rows, start=2):
        values = {column: cell_text(record[at]) if at < len(record) else "" for column, at in positions.items()}
        if any(values.values()):
            yield number, values
