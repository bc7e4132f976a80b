"""Helpers shared by the tests and the benchmarks: real NATS, real databases, real service apps."""

from __future__ import annotations

import asyncio
import io
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

import asyncpg
import openpyxl
from PIL import Image
from sqlalchemy.engine import make_url

T = TypeVar("T")
R = TypeVar("R")
#: what a scheduler's run answers: how many items it acted on, or whether it acted
Count = TypeVar("Count", bound=int)

#: set to a PostgreSQL DSN to run the database-facing tests there too (CI does)
POSTGRES_ENV = "WUYE_TEST_DATABASE_URL"


def postgres_admin_url() -> str | None:
    raw = os.environ.get(POSTGRES_ENV, "").strip()
    return raw or None


def _plain_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres_database(admin_url: str) -> str:
    """A fresh, empty database on the test server; returns its SQLAlchemy asyncpg URL."""
    name = f"wuye_test_{uuid.uuid4().hex[:16]}"
    connection = await asyncpg.connect(_plain_dsn(admin_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(admin_url).set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False
    )


async def drop_postgres_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_plain_dsn(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def eventually(
    check: Callable[[], Awaitable[T | None]], *, timeout: float = 10.0, interval: float = 0.05
) -> T:
    """Poll ``check`` until it returns a truthy value; fail with its last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        last = await check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)


async def run_at_once_on_both(first: R, second: R, work: Callable[[R], Awaitable[Count]]) -> list[Count]:
    """The same scheduled work started at one moment on two replicas, twice each (as replicas' schedulers
    meet on one database in production); the answers, sorted."""
    return sorted(await asyncio.gather(*(work(replica) for replica in (first, second, first, second))))


#: a page function of ``[selector, count]``: whether exactly ``count`` images match ``selector`` and every
#: one is loaded and decoded (``page.wait_for_function(DRAWN, arg=[selector, count])``)
DRAWN = ("([selector, count]) => { const images = [...document.querySelectorAll(selector)];"
         " return images.length === count && images.every((image) => image.complete && image.naturalWidth > 0); }")

#: EXIF tags: the GPS block and the camera's orientation
GPS_IFD, ORIENTATION = 0x8825, 0x0112


def phone_photo(width: int = 4000, height: int = 3000, *, orientation: int = 1, kind: str = "JPEG") -> bytes:
    """A photo as a phone writes it (issue 15): EXIF with where it was taken and which way up the camera was held."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Xiaomi"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (24.0, 55.0, 12.0), 3: "E", 4: (118.0, 35.0, 30.0)})
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def workbook_bytes(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """An .xlsx workbook as a person uploads one: these sheets in order, each its rows (the header first)."""
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
