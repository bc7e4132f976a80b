"""The import of a county: the sources in order, each in batches written all or nothing, then the
roster announcement (see this package's docstring for what one import does)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from wuye_chassis.errors import InvalidArgument
from wuye_registry.adapters.import_files import Source, SourceRow, discover
from wuye_registry.adapters.import_report import ErrorReport, RowError, report_path
from wuye_registry.domain import commands
from wuye_registry.domain.events import HouseholdRosterChanged
from wuye_registry.service.bulk_import import buildings, compounds, households, jurisdictions, owners, posts
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: a batch's keys travel as one SQL parameter list, and SQLite and asyncpg take at most 32,766 parameters
MAX_BATCH_SIZE = 20_000
#: each kind's batch writer: validate the batch's rows and write them inside the unit of work
WRITERS: dict[str, Callable[[RegistryUnitOfWork, Batch, ImportState], Awaitable[Remember]]] = {
    "jurisdictions": jurisdictions.write,
    "compounds": compounds.write,
    "buildings": buildings.write,
    "households": households.write,
    "owners": owners.write,
    "posts": posts.write,
}


class Progress(Protocol):
    """Who watches an import: told the rows to expect, then the rows of each batch as it is done."""

    def begin(self, rows: int) -> None: ...

    def advance(self, rows: int) -> None: ...


class _Unwatched:
    def begin(self, rows: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass


_UNWATCHED = _Unwatched()


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


class _Rejected(Exception):
    """Raised inside a batch's unit of work to leave it without committing."""


async def import_county(
    command: commands.ImportCounty, uow: RegistryUnitOfWork, progress: Progress = _UNWATCHED
) -> ImportSummary:
    """Import the files at ``command.path``, each batch in a transaction of its own; an unusable input
    (no such file, a missing column, a bad batch size) is refused before any row is written."""
    if not 1 <= command.batch_size <= MAX_BATCH_SIZE:
        raise InvalidArgument(
            f"batch size must be between 1 and {MAX_BATCH_SIZE:,}, got {command.batch_size}", field="batch_size"
        )
    started = time.perf_counter()
    path = Path(command.path)
    sources = discover(path)
    for source in sources:
        source.check_header()
    progress.begin(sum(source.estimated_rows() for source in sources))
    async with uow.reading():
        state = ImportState(await uow.bulk.jurisdiction_paths(), await uow.bulk.known_compounds(), within=command.within)
    summary = ImportSummary()
    with ErrorReport(report_path(path)) as report:
        for source in sources:
            await _import(source, command.batch_size, uow, state, summary, report, progress)
        summary.compounds_announced = await _announce_rosters(uow, state, announce_all=command.announce_all)
    summary.report = report.path if report.written else None
    summary.compounds_registered = state.compounds_registered
    summary.seconds = time.perf_counter() - started
    return summary


async def _import(
    source: Source,
    batch_size: int,
    uow: RegistryUnitOfWork,
    state: ImportState,
    summary: ImportSummary,
    report: ErrorReport,
    progress: Progress,
) -> None:
    same_unit = owners.unit_key if source.kind == "owners" else None
    for rows in _batches(source.rows(), batch_size, same_group=same_unit):
        batch = Batch(source, rows)
        summary.rows_read += len(rows)
        summary.batches += 1
        errors: list[RowError] = []
        try:
            async with uow:
                remember = await WRITERS[source.kind](uow, batch, state)
                if batch.errors:
                    raise _Rejected
                await uow.commit()
            remember()
            summary.rows_imported += len(rows)
        except _Rejected:
            errors = batch.errors
        except IntegrityError as error:
            span = f"{rows[0].number}–{rows[-1].number}"
            message = f"the database refused the batch: {error.orig}"
            errors = [RowError(source.file.name, source.sheet, span, "", "database", message)]
        if errors:
            summary.rows_rejected += len(rows)
            summary.batches_rejected += 1
            summary.bad_rows += len(errors)
            for row_error in errors:
                report.add(row_error)
        progress.advance(len(rows))


async def _announce_rosters(uow: RegistryUnitOfWork, state: ImportState, *, announce_all: bool) -> int:
    """One roster announcement per compound this import changed (or named), in one transaction."""
    announced = state.roster_named if announce_all else state.roster_changed
    if not announced:
        return 0
    paths = {known.compound_id: known.jurisdiction_path for known in state.compounds.values()}
    async with uow:
        for compound_id in sorted(announced):
            await uow.publish(HouseholdRosterChanged(compound_id, paths[compound_id]))
        await uow.commit()
    return len(announced)


def _batches(
    rows: Iterable[SourceRow], size: int, *, same_group: Callable[[SourceRow], object] | None
) -> Iterator[list[SourceRow]]:
    """Batches of ``size`` rows; with ``same_group`` a batch never ends inside a run of one group's rows."""
    batch: list[SourceRow] = []
    for row in rows:
        if len(batch) >= size and not (same_group is not None and same_group(batch[-1]) == same_group(row)):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch
