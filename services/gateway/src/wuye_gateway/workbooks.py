"""Excel workbooks of what an officer reads on screen, as officers report upward in Excel: one sheet with a
title row, a bold header and the rows, each column as wide as its longest text; and the templates an
officer fills in for an import."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from wuye_chassis.workdays import SHANGHAI

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel refuses longer sheet titles
SHEET_TITLE_LENGTH = 31
#: no column wider than this many characters
MAX_WIDTH = 60


def local_time(moment: str | None) -> str:
    """An RFC 3339 instant as a person in Asia/Shanghai reads it ("2026-12-04 09:30"); "" when unset."""
    if not moment:
        return ""
    return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _cell(value: object) -> object:
    """A value a worksheet can hold: text loses the control characters Excel refuses (numbers stay numbers)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet_title(title: str) -> str:
    return "".join(char for char in title if char not in "[]:*?/\\")[:SHEET_TITLE_LENGTH] or "Sheet1"


def _fill(sheet: Worksheet, title: str | None, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A bold title row (when given), a bold header and the rows, each column as wide as its longest text."""
    headers = [str(_cell(header)) for header in headers]
    if title is not None:
        sheet.append([str(_cell(title))])
        sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    widths = [len(header) * 2 for header in headers]
    for given in rows:
        row = [_cell(value) for value in given]
        sheet.append(row)
        for at, value in enumerate(row):
            text = str(value)
            # a Chinese character takes about two columns
            widths[at] = max(widths[at], sum(2 if ord(char) > 0x2E80 else 1 for char in text))
    for at, width in enumerate(widths):
        sheet.column_dimensions[sheet.cell(row=header_row, column=at + 1).column_letter].width = min(width + 2, MAX_WIDTH)


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    title = str(_cell(title))
    sheet.title = _sheet_title(title)
    _fill(sheet, title, headers, rows)
    return _saved(book)


#: a sheet of a workbook: its title, its header and its rows
Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]


def import_template(sheet_title: str, columns: Sequence[str], guides: Iterable[Sheet]) -> bytes:
    """A workbook to fill in and upload: a first sheet with only the header row an import reads (its column
    names exactly), then guide sheets saying what the columns hold."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(sheet_title)
    _fill(sheet, None, columns, [])
    for title, headers, rows in guides:
        _fill(book.create_sheet(_sheet_title(title)), title, headers, rows)
    return _saved(book)


def workbook_response(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]], *, filename: str) -> Response:
    return download(workbook(title, headers, rows), filename=filename)


def download(content: bytes, *, filename: str) -> Response:
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
