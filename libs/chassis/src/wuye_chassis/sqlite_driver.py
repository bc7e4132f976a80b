"""SQLite run on the event loop's own thread: no trip to a driver thread for each call.

SQLAlchemy's aiosqlite adapter hands every sqlite3 call (cursor, execute, fetch, close, commit) to
aiosqlite's thread, each a queue put, a wake-up of the event loop and a turn of it: a complaint intake
made 68 such trips, and on two cores they cost more CPU than the statements (measured in one run: 16
concurrent intakes through the gateway 67/s with them, 100/s without; complaints' CPU 13.1 → 8.9 ms each).
Here each call runs where SQLAlchemy makes it, in its greenlet on the loop's thread, and blocks the loop
for as long as SQLite takes for it. SQLite is the embedded, local backend; a service's statements are
short, indexed and on one pooled connection (SQLite has one writer), and PostgreSQL, the production
backend, keeps its asynchronous driver.

A statement awaits nothing but a finished no-op, once: SQLAlchemy's ``AsyncConnection.execute`` checks
that its driver awaited (a guard against a synchronous driver used by mistake). A statement cannot be
interrupted by a task's cancellation, so it always completes or fails whole.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any, Literal, cast

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)


async def _nothing() -> None:
    """Awaited once per statement: done at once, without a turn of the event loop."""


def _last_row_id(cursor: sqlite3.Cursor) -> int:
    # None only before any insert on the connection, where SQLAlchemy reads no row id; passed on as is
    return cast(int, cursor.lastrowid)


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _sqlite_cursor(self) -> sqlite3.Cursor:
        return cast(sqlite3.Connection, self._adapt_connection._connection).cursor()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self.await_(_nothing())
        cursor = self._sqlite_cursor()
        try:
            if parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            if cursor.description:
                self.description = cursor.description
                self.lastrowid = self.rowcount = -1
                self._rows = deque(cursor.fetchall())
            else:
                self.description = None
                self.lastrowid, self.rowcount = _last_row_id(cursor), cursor.rowcount
        finally:
            cursor.close()

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self.await_(_nothing())
        cursor = self._sqlite_cursor()
        try:
            cursor.executemany(operation, seq_of_parameters)
            self.description = None
            self.lastrowid, self.rowcount = _last_row_id(cursor), cursor.rowcount
        finally:
            cursor.close()


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's adapted connection over a plain ``sqlite3.Connection``, each call made directly."""

    __slots__ = ()
    _connection: sqlite3.Connection  # type: ignore[assignment]  # the plain connection, not aiosqlite's

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.isolation_level = cast(Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None, value)

    def create_function(self, *args: Any, **kw: Any) -> None:
        self._connection.create_function(*args, **kw)

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        # a streamed read is fetched whole: on the loop's thread there is nothing to gain by pieces
        return InlineCursor(self)

    def execute(self, *args: Any, **kw: Any) -> Any:
        return self._connection.execute(*args, **kw)

    def rollback(self) -> None:
        self._connection.rollback()

    def commit(self) -> None:
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()

    async def _terminate_graceful_close(self) -> None:
        self._connection.close()

    def _terminate_force_close(self) -> None:
        self._connection.close()


class InlineDriver(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module handed to ``create_async_engine(module=...)`` for SQLite."""

    def __init__(self) -> None:
        # sqlite3's own errors, which aiosqlite re-exports: SQLAlchemy's dialect reads them off both
        super().__init__(sqlite3, sqlite3)
        self.has_stop = True  # a connection can be terminated: it closes at once

    def connect(self, *arg: Any, **kw: Any) -> InlineConnection:
        kw.pop("async_fallback", None)
        # SQLAlchemy's pool may close a connection it lost track of from the garbage collector, which can
        # run on another thread; every statement is still made on the loop's thread
        kw["check_same_thread"] = False
        connection = sqlite3.connect(*arg, **kw)
        return InlineConnection(self, connection)
