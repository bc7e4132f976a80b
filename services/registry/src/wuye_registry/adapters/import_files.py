"""Reading a county's registry files: CSV (``csv`` module) or an Excel workbook (openpyxl, read-only).

An import PATH is one of:
- a folder holding any of ``jurisdictions``, ``compounds``, ``buildings``, ``households``, ``owners``,
  ``posts`` as ``<kind>.csv`` (UTF-8, a BOM is fine) or ``<kind>.xlsx``;
- one ``<kind>.csv`` file;
- one ``.xlsx`` workbook whose sheets are named after the kinds (other sheets are ignored).

The first row of every file or sheet is the header; columns are found by name, in any order, and extra
columns are ignored. Rows are numbered as a spreadsheet shows them (the header is row 1). Blank rows
are skipped. Every value reaches the importer as stripped text. The refused rows go to the error report
written beside the input (``import_report.py``).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.exceptions import InvalidFileException

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.tabular import CSV_SUFFIX, EXCEL_SUFFIX, cell_text, column_positions, read_table, records, workbook

#: the kinds in the order they are imported: every kind refers only to kinds before it
KINDS = ("jurisdictions", "compounds", "buildings", "households", "owners", "posts")
COLUMNS = {
    "jurisdictions": ("parent_code", "code", "name"),
    "compounds": ("code", "name", "type", "management_mode", "community_code"),
    "buildings": ("compound_code", "code", "name"),
    "households": ("compound_code", "building_code", "unit_number", "exclusive_area_m2", "developer_unsold"),
    "owners": (
        "compound_code", "building_code", "unit_number", "person_key", "name", "phone", "id_number", "share",
        "party_member_since",
    ),
    "posts": (
        "person_key", "name", "phone", "id_number", "post", "jurisdiction_code", "company_uscc", "department",
        "started_on",
    ),
}
#: the columns of each kind that may be left out of a file; a missing one reads as blank
OPTIONAL_COLUMNS = {
    "jurisdictions": frozenset({"parent_code"}),
    "compounds": frozenset(),
    "buildings": frozenset(),
    "households": frozenset({"developer_unsold"}),
    "owners": frozenset({"phone", "id_number", "share", "party_member_since"}),
    "posts": frozenset({"name", "phone", "id_number", "jurisdiction_code", "company_uscc", "department", "started_on"}),
}


@dataclass(frozen=True)
class SourceRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str]


@dataclass(frozen=True)
class Source:
    """One file (CSV) or one sheet (workbook) holding rows of one kind."""

    kind: str
    file: Path
    sheet: str = ""  # blank for a CSV file

    def rows(self) -> Iterator[SourceRow]:
        """The data rows with the kind's columns as stripped text; checks the header first."""
        optional = OPTIONAL_COLUMNS[self.kind]
        for number, values in read_table(self.file, COLUMNS[self.kind], optional=optional, sheet=self.sheet):
            yield SourceRow(number, values)

    def estimated_rows(self) -> int:
        """Data rows, for the progress bar: lines of a CSV file, the stated dimension of a sheet."""
        if self.sheet:
            with workbook(self.file) as book:
                return max(0, (book[self.sheet].max_row or 1) - 1)
        with self.file.open("rb") as stream:
            return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b"")) - 1)

    def check_header(self) -> None:
        """Refuse a file without the kind's required columns before any row is imported."""
        rows = records(self.file, self.sheet)
        header = [cell_text(cell) for cell in next(rows, [])]
        if isinstance(rows, Generator):  # a workbook's rows stream from the open file: let it go now
            rows.close()
        column_positions(header, COLUMNS[self.kind], optional=OPTIONAL_COLUMNS[self.kind], source=self.describe())

    def describe(self) -> str:
        return f"{self.file.name} sheet {self.sheet}" if self.sheet else self.file.name


def discover(path: Path) -> list[Source]:
    """The sources under an import PATH, in import order (see the module docstring)."""
    if path.is_dir():
        sources: list[Source] = []
        for kind in KINDS:
            found = [path / f"{kind}{suffix}" for suffix in (CSV_SUFFIX, EXCEL_SUFFIX)]
            found = [file for file in found if file.exists()]
            if len(found) > 1:
                raise InvalidArgument(
                    f"{path} holds both {kind}.csv and {kind}.xlsx", field="path", rule="one_file_per_kind"
                )
            sources.extend(Source(kind, file, kind if file.suffix == EXCEL_SUFFIX else "") for file in found)
        if not sources:
            names = ", ".join(f"{kind}.csv" for kind in KINDS)
            raise InvalidArgument(f"{path} holds none of {names}", field="path", rule="no_input")
        return sources
    if not path.exists():
        raise InvalidArgument(f"{path} does not exist", field="path", rule="no_input")
    if path.suffix.lower() == EXCEL_SUFFIX:
        with workbook(path) as book:
            sheets = set(book.sheetnames)
        sources = [Source(kind, path, kind) for kind in KINDS if kind in sheets]
        if not sources:
            raise InvalidArgument(f"{path.name} has no sheet named {', '.join(KINDS)}", field="path", rule="no_input")
        return sources
    if path.suffix.lower() == CSV_SUFFIX and path.stem in KINDS:
        return [Source(path.stem, path)]
    raise InvalidArgument(
        f"{path.name}: give a folder, an .xlsx workbook or a CSV file named after its kind ({', '.join(KINDS)})",
        field="path",
        rule="no_input",
    )


@contextmanager
def uploaded_workbook(content: bytes, file_name: str) -> Iterator[Path]:
    """An uploaded workbook as a file the reader can import, in a folder of its own that is removed
    afterwards with the error report written beside it; bytes that are no .xlsx workbook are refused
    naming ``workbook``."""
    stem = re.sub(r"[^\w.-]", "_", Path(file_name).stem)[:80] or "upload"
    with tempfile.TemporaryDirectory(prefix="wuye-import-") as folder:
        path = Path(folder) / f"{stem}{EXCEL_SUFFIX}"
        path.write_bytes(content)
        try:
            with workbook(path):
                pass
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise InvalidArgument("workbook is not an Excel (.xlsx) workbook", field="workbook", rule="xlsx") from None
        yield path
