"""The PostgreSQL server the benchmarks measure on when it answers: ``WUYE_BENCH_POSTGRES``, else the local
one. Each benchmark works in databases of its own and drops them afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator, Iterable

import asyncpg
from sqlalchemy.engine import make_url

SERVER = os.environ.get("WUYE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def answers() -> bool:
    url = make_url(SERVER)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 5432), 2).close()
        return True
    except OSError:
        return False


def _server() -> str:
    return make_url(SERVER).set(drivername="postgresql").render_as_string(hide_password=False)


async def drop(names: Iterable[str]) -> None:
    connection = await asyncpg.connect(_server())
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def scratch_database(name: str) -> AsyncIterator[str]:
    """A new empty database ``name`` (an old one of that name dropped first); yields its SQLAlchemy URL."""
    await drop([name])
    connection = await asyncpg.connect(_server())
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield make_url(SERVER).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
    finally:
        await drop([name])
