"""The error report of a bulk import: the refused rows, as CSV beside the input the reader read.

``<file>.errors.csv`` beside a file, ``<folder>.errors.csv`` beside a folder, with the columns file,
sheet, row, field, rule, message. It is written only when some row is refused; an older report is
removed by an import that refuses nothing.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Self, TextIO

REPORT_COLUMNS = ("file", "sheet", "row", "field", "rule", "message")


@dataclass(frozen=True)
class RowError:
    file: str
    sheet: str
    #: a row number, or "first–last" for a whole batch the database refused
    row: str
    field: str
    rule: str
    message: str


def report_path(path: Path) -> Path:
    """Where the error report of an import of ``path`` goes: beside it, named after it."""
    return path.with_name(f"{path.stem if path.is_file() else path.name}.errors.csv")


class ErrorReport:
    """``with ErrorReport(path) as report: report.add(error)``; the file is created at the first error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None

    @property
    def written(self) -> bool:
        return self._stream is not None

    def add(self, error: RowError) -> None:
        if self._writer is None:
            self._stream = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.DictWriter(self._stream, REPORT_COLUMNS)
            self._writer.writeheader()
        self._writer.writerow(asdict(error))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            self._stream.close()
        else:
            self.path.unlink(missing_ok=True)


def read_report(path: Path, *, limit: int) -> list[RowError]:
    """The first ``limit`` refused rows of a written report."""
    with path.open(newline="", encoding="utf-8") as stream:
        rows = csv.DictReader(stream)
        return [RowError(**{column: row[column] for column in REPORT_COLUMNS}) for _, row in zip(range(limit), rows)]
