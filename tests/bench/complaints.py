"""Complaint figures (C4/C5) for a county over 100 k, 1 M (and 3 M) closed cases, SQLite, bulk-loaded.

The cases are loaded into the schema as it was before the daily counters (migration 0006), then the
upgrade counts the counters from them, as a deployment upgrading with its cases does. ``run()`` returns
rows for the ``make bench`` table: the load rate, the upgrade, and the county figures (the real handler
over the real schema: from the counters; and one category's, counted over the cases) timed cold and warm.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.migrations import migrate, migrate_async
from wuye_complaints.adapters.figures import rebuild
from wuye_complaints.domain.categories import CATEGORIES
from wuye_complaints.domain.commands import GetComplaintFigures, GetHotlineAnalysis
from wuye_complaints.entrypoints.app import build
from wuye_complaints.service.figures import Figures, get_complaint_figures
from wuye_complaints.service.hotline import get_hotline_analysis
from wuye_complaints.settings import ComplaintsSettings

T = TypeVar("T")
BATCH = 50_000
#: the schema the cases are loaded into: the last revision before the daily figure counters
BEFORE_COUNTERS = "0006"
RUNS = 5
CITY = "350500"
#: three counties of four streets of five communities each; the figures ask for Hui'an (a third of the rows)
COUNTIES = ("350521", "350524", "350525")
TIERS = ("community",) * 7 + ("street",) * 2 + ("county",)
SATISFACTIONS = ("satisfied",) * 6 + ("basically_satisfied",) * 3 + ("unsatisfied",)
YEAR_START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _community(n: int) -> str:
    county = COUNTIES[n % len(COUNTIES)]
    street = f"{county}{100 + (n // 3) % 4:03d}"
    return f"{CITY}/{county}/{street}/{street}{1 + (n // 12) % 5:03d}"


CASE_COLUMNS = ("case_id", "compound_id", "jurisdiction_path", "category", "channel", "description", "state", "tier",
                "submitted_at", "accept_due_at", "assignee_kind", "assignee_id", "company_id", "closed_at",
                "reopen_count", "collective", "resolved_late", "handling_working_days", "satisfaction")
CALLBACK_COLUMNS = ("case_id", "position", "at", "actor_id", "valid", "contacted", "solved", "satisfaction",
                    "jurisdiction_path", "category", "company_id")


def closed_cases(first: int, count: int, spread: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Cases ``first`` … ``first + count - 1`` of ``spread`` closed cases submitted evenly over about two
    years, with their callbacks (times as UTC datetimes)."""
    case_rows: list[tuple[object, ...]] = []
    callback_rows: list[tuple[object, ...]] = []
    for n in range(first, first + count):
        submitted = YEAR_START + dt.timedelta(minutes=n * 1_000_000 // spread)
        closed = submitted + dt.timedelta(days=3)
        path_text, category = _community(n), CATEGORIES[n % len(CATEGORIES)].code
        company = f"company-{n % 40}"
        case_rows.append((
            f"case-{n:07d}", f"compound-{n % 5000}", path_text, category, "hotline_12345", "问题描述", "closed",
            TIERS[n % len(TIERS)], submitted, submitted + dt.timedelta(days=1), "company", company, company, closed,
            0, False, n % 11 == 0, n % 6, SATISFACTIONS[n % len(SATISFACTIONS)],
        ))
        callback_rows.append((
            f"case-{n:07d}", 0, closed, "op", n % 20 != 0, True, n % 8 != 0, SATISFACTIONS[n % len(SATISFACTIONS)],
            path_text, category, company,
        ))
    return case_rows, callback_rows


def _stamped(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """SQLite's form of the rows: times as the naive UTC text ``UtcDateTime`` stores."""
    return [tuple(value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, dt.datetime)
                  else value for value in row) for row in rows]


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def load_sqlite(path: Path, first: int, count: int, spread: int) -> float:
    """Bulk INSERT closed cases and their callbacks into a complaints SQLite file; returns rows per second."""
    started = time.perf_counter()
    connection = sqlite3.connect(path, timeout=60)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    for batch in range(first, first + count, BATCH):
        case_rows, callback_rows = closed_cases(batch, min(BATCH, first + count - batch), spread)
        connection.executemany(_insert("complaint_cases", CASE_COLUMNS), _stamped(case_rows))
        connection.executemany(_insert("case_callbacks", CALLBACK_COLUMNS), _stamped(callback_rows))
        connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return 2 * count / (time.perf_counter() - started)


async def load_postgresql(database_url: str, first: int, count: int, spread: int) -> float:
    """The same into a complaints PostgreSQL database, with COPY; returns rows per second."""
    started = time.perf_counter()
    connection = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        for batch in range(first, first + count, BATCH):
            case_rows, callback_rows = closed_cases(batch, min(BATCH, first + count - batch), spread)
            await connection.copy_records_to_table("complaint_cases", records=case_rows, columns=CASE_COLUMNS)
            await connection.copy_records_to_table("case_callbacks", records=callback_rows, columns=CALLBACK_COLUMNS)
        await connection.execute("ANALYZE complaint_cases; ANALYZE case_callbacks")
    finally:
        await connection.close()
    return 2 * count / (time.perf_counter() - started)


async def recount_figures(database_url: str) -> None:
    """What ``rebuild-figures`` does, on the database of a running complaints service."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            for statement in rebuild():
                await connection.execute(statement)
    finally:
        await engine.dispose()


async def _timed(work: Callable[[], Awaitable[T]]) -> tuple[T, list[float]]:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        figures = await work()
        timings.append((time.perf_counter() - started) * 1000)
    return figures, timings


async def measure(cases: int) -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "complaints.db"
        url = f"sqlite+aiosqlite:///{path}"
        definition = build(ComplaintsSettings(database_url=url))
        await asyncio.to_thread(migrate, url, definition.migrations, BEFORE_COUNTERS)
        load_rate = await asyncio.to_thread(load_sqlite, path, 0, cases, cases)
        started = time.perf_counter()
        await migrate_async(url, definition.migrations)
        upgrade_s = time.perf_counter() - started
        runtime = ServiceRuntime(definition)
        token = auth.bind(auth.AuthContext(user="bench", roles=frozenset({"county_officer"}), scope=f"{CITY}/350521"))

        def figures(category: str = "") -> Callable[[], Awaitable[Figures]]:
            query = GetComplaintFigures(jurisdiction_path=f"{CITY}/350521", start_date="2026-01-01",
                                        end_date="2026-06-30", category=category)
            return lambda: get_complaint_figures(query, runtime.unit_of_work())

        async def hotline() -> object:
            return await get_hotline_analysis(GetHotlineAnalysis(
                jurisdiction_path=f"{CITY}/350521", start_date="2026-01-01", end_date="2026-06-30"),
                runtime.unit_of_work())

        try:
            every, timings = await _timed(figures())
            lifts, lift_timings = await _timed(figures("lifts"))
            _, hotline_timings = await _timed(hotline)
        finally:
            auth.reset(token)
            await runtime.db.dispose()
    assert every.closed > 0 and every.submitted_last_year > 0 and 0 < lifts.closed < every.closed
    return [
        (f"complaints bulk INSERT ({cases:,} closed cases + callbacks, SQLite)", f"{load_rate:,.0f} rows/s", "-", "-"),
        (f"upgrade counting the daily figure counters of {cases:,} cases (migration 0007)", "-", f"{upgrade_s:.1f} s",
         "-"),
        (f"county figures, half a year, {cases:,} cases ({every.closed:,} closed in scope; cold / warm best of "
         f"{RUNS - 1})", f"{1000 / min(timings[1:]):,.1f}/s", f"{timings[0]:.0f} / {min(timings[1:]):.0f} ms", "-"),
        (f"the same for one category, counted over the cases ({lifts.closed:,} closed)",
         f"{1000 / min(lift_timings[1:]):,.1f}/s", f"{lift_timings[0]:.0f} / {min(lift_timings[1:]):.0f} ms", "-"),
        ("the county's hotline analysis (H1), the same half year beside the year before, counted over the cases",
         f"{1000 / min(hotline_timings[1:]):,.1f}/s",
         f"{hotline_timings[0]:.0f} / {min(hotline_timings[1:]):.0f} ms", "-"),
    ]


async def run(sizes: Sequence[int]) -> list[tuple[str, str, str, str]]:
    rows = []
    for cases in sizes:
        rows += await measure(cases)
    return rows


if __name__ == "__main__":
    for row in asyncio.run(run([100_000, 1_000_000])):
        print("  ".join(row))
