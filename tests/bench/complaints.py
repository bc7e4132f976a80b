"""Complaint figures (C4/C5) for a county over a million closed cases, SQLite, bulk-loaded.

``run()`` returns rows for the ``make bench`` table: the bulk load rate, and the county figures query
(the real ``FigureService`` over the real migrated schema) timed cold and warm.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import tempfile
import time
from pathlib import Path

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.migrations import migrate_async
from wuye_complaints.domain.categories import CATEGORIES
from wuye_complaints.domain.commands import GetComplaintFigures
from wuye_complaints.entrypoints.app import build
from wuye_complaints.service.figures import get_complaint_figures
from wuye_complaints.settings import ComplaintsSettings

CASES = 1_000_000
BATCH = 50_000
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


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _load(path: Path) -> float:
    """Bulk INSERT the closed cases and their callbacks; returns rows per second."""
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    for first in range(0, CASES, BATCH):
        case_rows, callback_rows = [], []
        for n in range(first, first + BATCH):
            submitted = YEAR_START + dt.timedelta(minutes=n)  # about two years of cases, spread evenly
            closed = submitted + dt.timedelta(days=3)
            path_text, category = _community(n), CATEGORIES[n % len(CATEGORIES)].code
            company = f"company-{n % 40}"
            case_rows.append((
                f"case-{n:07d}", f"compound-{n % 5000}", path_text, category, "hotline_12345", "问题描述", "closed",
                TIERS[n % len(TIERS)], _stamp(submitted), _stamp(submitted + dt.timedelta(days=1)),
                "company", company, company, _stamp(closed), 0, 0, n % 11 == 0, n % 6,
                SATISFACTIONS[n % len(SATISFACTIONS)],
            ))
            callback_rows.append((
                f"case-{n:07d}", 0, _stamp(closed), "op", n % 20 != 0, True, n % 8 != 0,
                SATISFACTIONS[n % len(SATISFACTIONS)], path_text, category, company,
            ))
        connection.executemany(
            "INSERT INTO complaint_cases (case_id, compound_id, jurisdiction_path, category, channel, description,"
            " state, tier, submitted_at, accept_due_at, assignee_kind, assignee_id, company_id, closed_at,"
            " reopen_count, collective, resolved_late, handling_working_days, satisfaction)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            case_rows,
        )
        connection.executemany(
            "INSERT INTO case_callbacks (case_id, position, at, actor_id, valid, contacted, solved, satisfaction,"
            " jurisdiction_path, category, company_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            callback_rows,
        )
        connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return 2 * CASES / (time.perf_counter() - started)


async def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "complaints.db"
        url = f"sqlite+aiosqlite:///{path}"
        definition = build(ComplaintsSettings(database_url=url))
        await migrate_async(url, definition.migrations)
        load_rate = await asyncio.to_thread(_load, path)
        runtime = ServiceRuntime(definition)
        token = auth.bind(auth.AuthContext(user="bench", roles=frozenset({"county_officer"}), scope=f"{CITY}/350521"))
        try:
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                figures = await get_complaint_figures(
                    GetComplaintFigures(jurisdiction_path=f"{CITY}/350521", start_date="2026-01-01",
                                        end_date="2026-06-30"),
                    runtime.unit_of_work(),
                )
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            auth.reset(token)
            await runtime.db.dispose()
    assert figures.closed > 0 and figures.submitted_last_year > 0
    return [
        (f"complaints bulk INSERT ({CASES:,} closed cases + callbacks, SQLite)", f"{load_rate:,.0f} rows/s", "-", "-"),
        (
            f"county figures, half a year ({figures.closed:,} closed of {CASES:,}; cold / warm best of {RUNS - 1})",
            f"{1000 / min(timings[1:]):,.1f}/s",
            f"{timings[0]:.0f} / {min(timings[1:]):.0f} ms",
            "-",
        ),
    ]


if __name__ == "__main__":
    for row in asyncio.run(run()):
        print("  ".join(row))
