"""Unit of work: one database transaction that holds a change and the events announcing it.

Every use case of every service is a handler ``handler(command_or_event, uow)``; whether a gRPC method,
an event consumer, a scheduler or the CLI called it, the handler opens the unit of work, lets the domain
decide, saves, publishes the domain events the domain raised, and commits::

    async def accept_case(command: AcceptCase, uow: ComplaintsUnitOfWork) -> CaseView:
        async with uow:
            case = await uow.cases.get(command.case_id)
            for event in case.accept(...):
                await uow.publish(event)
            await uow.commit()

``publish`` takes a domain event; the service's ``adapters/events.py`` (its ``EventTranslator``) turns it
into the protobuf message the outbox stores, so nothing above the adapters imports an API message.
A query handler reads inside ``async with uow.reading():`` — a read-only transaction that takes no write
lock (SQLite) and is READ ONLY (PostgreSQL).

For a consumed event the inbox hands the handler a unit of work that already carries the event's inbox
entry (``consuming``): the entry is written first thing in the handler's transaction, so it commits with
the effect or not at all, and a redelivered event finds it and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import idempotency
from wuye_chassis.db import Database, insert_if_absent, utcnow
from wuye_chassis.outbox import Outbox
from wuye_chassis.workdays import WorkingDayCalendar


@dataclass(frozen=True)
class OutgoingEvent:
    """A domain event as the outbox stores it: the protobuf payload and the aggregate it is about."""

    message: Message
    aggregate_id: str


#: a service's ``adapters/events.py``: one domain event → its protobuf form
EventTranslator = Callable[[Any], OutgoingEvent]


def no_events(event: object) -> OutgoingEvent:
    """The translator of a unit of work that publishes nothing (read models, tests)."""
    raise TypeError(f"this unit of work publishes no events, got {type(event).__name__}")


@dataclass(frozen=True)
class InboxEntry:
    consumer: str
    event_id: str
    event_type: str


class AlreadyConsumed(Exception):
    """The event's inbox entry exists: another delivery (or replica) applied it first."""


@dataclass(frozen=True)
class UnitOfWorkParts:
    """What every unit of work of one service shares; ``ServiceRuntime`` builds it once."""

    db: Database
    outbox: Outbox
    inbox: sa.Table
    calendar: WorkingDayCalendar
    translate: EventTranslator
    on_events_committed: Callable[[], None]


class UnitOfWork:
    """``async with uow: ...; await uow.commit()`` — leaving without commit rolls everything back,
    events included, so a refused or failed request changes nothing and announces nothing.

    A service subclasses it to add its repositories in ``opened`` (they live as long as the
    transaction) and whatever its handlers need beside the database.
    """

    def __init__(self, parts: UnitOfWorkParts) -> None:
        self.parts = parts
        self.calendar = parts.calendar
        self._read_only = False
        self._events = 0
        self._inbox_entry: InboxEntry | None = None
        self._inbox_recorded = False
        self.committed = False
        #: the transaction was handed to the keyed call, which commits it with its answer
        self._parked = False
        self.session: AsyncSession

    # --- the transaction -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        # a transaction held for a keyed call's answer commits before another begins (it would not see it)
        await idempotency.settle_parked()
        sessions = self.parts.db.reads if self._read_only else self.parts.db.sessions
        self.session = sessions()
        self._events = 0
        self._parked = False
        try:
            await self.session.begin()
            if self._inbox_entry is not None and not self._inbox_recorded and not self._read_only:
                await self._record_inbox_entry(self._inbox_entry)
            self.opened()
        except BaseException:
            # ``__aexit__`` does not run when entering fails: give the connection back here
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._parked:  # the keyed call commits and closes it
            self._read_only = False
            return
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()
            self._read_only = False

    def opened(self) -> None:
        """Called when the transaction has begun: a service builds its repositories on ``self.session``."""

    @property
    def read_only(self) -> bool:
        """Whether the open transaction is a query's (``reading()``), which writes nothing."""
        return self._read_only

    def reading(self) -> Self:
        """Make the next ``async with`` a read-only transaction (queries); it cannot publish or commit."""
        self._read_only = True
        return self

    async def publish(self, event: object) -> str:
        """Record a domain event in the outbox; it leaves only if this unit of work commits."""
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot publish")
        outgoing = self.parts.translate(event)
        self._events += 1
        return await self.parts.outbox.add_event(self.session, outgoing.message, aggregate_id=outgoing.aggregate_id)

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        call = idempotency.current()
        wake_relay = self.parts.on_events_committed if self._events else None
        self._events = 0
        if call is not None and (self._parked or call.parked is None) and self._inbox_entry is None:
            # held open until the call's key and answer are written with it (idempotency.py)
            await self.session.flush()
            if not self._parked:
                call.park(self.session, wake_relay)
            elif wake_relay is not None:
                call.after_commit.append(wake_relay)
            self._parked = True
            self.committed = True
            return
        # the caller's idempotency key commits with the change, or neither does
        await idempotency.claim(self.session)
        await self.session.commit()
        self.committed = True
        if self._inbox_entry is not None:
            self._inbox_recorded = True
        if wake_relay is not None:
            wake_relay()

    # --- consumed events -------------------------------------------------------------------------

    def consuming(self, entry: InboxEntry) -> Self:
        """Tie this unit of work to a consumed event: its first transaction records the inbox entry."""
        self._inbox_entry = entry
        return self

    @property
    def inbox_recorded(self) -> bool:
        return self._inbox_recorded

    async def _record_inbox_entry(self, entry: InboxEntry) -> None:
        inbox = self.parts.inbox
        # insert-if-absent rather than catching a failed INSERT: no savepoint per event
        inserted = await insert_if_absent(
            self.session,
            inbox,
            {"consumer": entry.consumer, "event_id": entry.event_id, "event_type": entry.event_type, "handled_at": utcnow()},
        )
        if not inserted:
            raise AlreadyConsumed(entry.event_id)
