"""Unit of work: one database transaction that holds a change and the events announcing it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye_chassis import idempotency
from wuye_chassis.outbox import Outbox


class UnitOfWork:
    """``async with uow: ...; await uow.commit()`` — leaving without commit rolls everything back,
    events included, so a refused or failed request changes nothing and announces nothing."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox,
        on_events_committed: Callable[[], None],
        idempotency_keys: sa.Table | None = None,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._idempotency_keys = idempotency_keys
        self._on_events_committed = on_events_committed
        self._events = 0
        self.session: AsyncSession

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        await self.session.begin()
        self._events = 0
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def publish(self, message: Message, *, aggregate_id: str) -> str:
        """Record an event in the outbox; it leaves only if this unit of work commits."""
        self._events += 1
        return await self._outbox.add_event(self.session, message, aggregate_id=aggregate_id)

    async def commit(self) -> None:
        if self._idempotency_keys is not None:
            # the caller's idempotency key commits with the change, or neither does
            await idempotency.claim(self.session, self._idempotency_keys)
        await self.session.commit()
        if self._events:
            self._on_events_committed()
            self._events = 0
