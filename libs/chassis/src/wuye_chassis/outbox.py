"""Transactional outbox: an event is a row written in the same transaction as the change it announces.

``add_event`` inserts the row with the current trace context. ``OutboxRelay`` publishes unpublished rows
in order to JetStream with ``Nats-Msg-Id`` = event id, marks them published, and retries failures with
exponential backoff. A crash between publish and mark re-publishes the row on restart; JetStream drops
the duplicate inside its duplicate window and consumers' inboxes drop it after that, so the effect is
exactly once. Several relays (replicas) may run: PostgreSQL rows are claimed with SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from google.protobuf.message import Message
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.bus import EventBus, EventHeaders, event_type_of
from wuye_chassis.db import Database, UtcDateTime, changed_rows, utcnow
from wuye_chassis.ids import new_id

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)


class Outbox:
    """Writes event rows into a service's ``outbox`` table."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        # built once: values passed at execution skip building and hashing a statement per event
        self._insert = table.insert()

    async def add_event(self, session: AsyncSession, message: Message, *, aggregate_id: str) -> str:
        event_id = new_id()
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        now = utcnow()
        event_type = event_type_of(message)
        await session.execute(
            self._insert,
            {
                "event_id": event_id, "event_type": event_type, "subject": event_type, "aggregate_id": aggregate_id,
                "payload": message.SerializeToString(), "trace_context": carrier, "created_at": now,
                "next_attempt_at": now, "attempts": 0,
            },
        )
        return event_id


#: how often the relay deletes rows published longer ago than its retention
PRUNE_INTERVAL_SECONDS = 600.0


def backoff_seconds(attempts: int, maximum: float) -> float:
    """0.5 s, 1 s, 2 s … capped at ``maximum``."""
    return min(maximum, 0.5 * 2.0 ** max(0, attempts - 1))


@dataclass
class _Outcome:
    published: list[int] = field(default_factory=list)
    failed: sa.RowMapping | None = None
    error: Exception | None = None


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        table: sa.Table,
        bus: EventBus,
        *,
        source: str,
        batch_size: int = 200,
        poll_seconds: float = 0.5,
        backoff_max_seconds: float = 30.0,
        retention: dt.timedelta = dt.timedelta(days=3),
    ) -> None:
        self.db = db
        self.table = table
        self.bus = bus
        self.source = source
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.backoff_max_seconds = backoff_max_seconds
        self.retention = retention
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # built once: a pass runs at every commit under load, and a statement built per pass is hashed each time
        self._due = (
            sa.select(table)
            .where(table.c.published_at.is_(None), table.c.next_attempt_at <= sa.bindparam("now", type_=UtcDateTime()))
            .order_by(table.c.seq)
            .limit(batch_size)
        )
        self._claim_due = self._due.with_for_update(skip_locked=True)
        self._mark_published = (
            table.update().where(table.c.seq == sa.bindparam("published_seq")).values(published_at=sa.bindparam("at"))
        )

    def notify(self) -> None:
        """Called after a commit that wrote events, so they go out without waiting for the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.source}")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        next_prune = 0.0
        while not self._stopping:
            self._wake.clear()  # before the pass, so a commit during it wakes the next one at once
            try:
                # the polling queries would be a root trace every poll; each publish gets its own span
                with suppress_instrumentation():
                    published = await self.publish_pending()
                    if time.monotonic() >= next_prune:
                        await self.prune_published()
                        next_prune = time.monotonic() + PRUNE_INTERVAL_SECONDS
            except Exception:  # the relay must outlive database and NATS outages
                log.exception("outbox relay pass failed; retrying")
                published = 0
            if published == self.batch_size:
                continue  # more may be waiting
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass

    async def backlog(self) -> tuple[int, float]:
        """How many events wait to be published, and how many seconds the oldest has waited (0 when none)."""
        table = self.table
        async with self.db.reads() as session:
            count, oldest = (
                await session.execute(
                    sa.select(sa.func.count(), sa.func.min(table.c.created_at)).where(table.c.published_at.is_(None))
                )
            ).one()
        if oldest is None:
            return int(count), 0.0
        if oldest.tzinfo is None:  # SQLite hands back the aggregate without the column's type
            oldest = dt.datetime.fromisoformat(str(oldest)).replace(tzinfo=dt.UTC)
        return int(count), max(0.0, (utcnow() - oldest).total_seconds())

    async def prune_published(self) -> int:
        """Delete rows published more than ``retention`` ago; they only served as the publication record."""
        cutoff = utcnow() - self.retention
        async with self.db.sessions() as session, session.begin():
            return await changed_rows(
                session,
                self.table.delete().where(self.table.c.published_at.is_not(None), self.table.c.published_at < cutoff),
            )

    async def publish_pending(self) -> int:
        """Publish one batch of due rows in sequence order; returns how many were published.

        On PostgreSQL the rows are claimed with ``FOR UPDATE SKIP LOCKED`` for the whole pass, so relay
        replicas share the work without publishing the same row twice. SQLite has one writer per file
        and one relay per service, so the rows are read in a read-only transaction, published with no lock
        held (the request path keeps writing meanwhile), and marked in a second short transaction.
        """
        now = {"now": utcnow()}
        if self.db.is_sqlite:
            async with self.db.reads() as reader, reader.begin():
                rows = (await reader.execute(self._due, now)).mappings().all()
            if not rows:
                return 0
            outcome = await self._publish_in_order(rows)
            async with self.db.sessions() as session, session.begin():
                await self._record(session, outcome)
            return len(outcome.published)
        async with self.db.sessions() as session, session.begin():
            rows = (await session.execute(self._claim_due, now)).mappings().all()
            outcome = await self._publish_in_order(rows)
            await self._record(session, outcome)
        return len(outcome.published)

    async def _publish_in_order(self, rows: Sequence[sa.RowMapping]) -> _Outcome:
        outcome = _Outcome()
        for row in rows:
            try:
                await self.publish_row(row)
            except Exception as exc:
                outcome.failed, outcome.error = row, exc
                break  # keep order: later rows wait until this one goes out
            outcome.published.append(row["seq"])
        return outcome

    async def _record(self, session: AsyncSession, outcome: _Outcome) -> None:
        table = self.table
        if outcome.published:
            at = utcnow()  # one statement for the batch, each row its own parameters (one round trip on asyncpg)
            await session.execute(self._mark_published, [{"published_seq": seq, "at": at} for seq in outcome.published])
        if outcome.failed is not None:
            row = outcome.failed
            attempts = row["attempts"] + 1
            delay = backoff_seconds(attempts, self.backoff_max_seconds)
            log.warning(
                "publishing event %s failed (attempt %d), retrying in %.1fs: %s",
                row["event_id"], attempts, delay, outcome.error,
            )
            await session.execute(
                table.update()
                .where(table.c.seq == row["seq"])
                .values(
                    attempts=attempts,
                    next_attempt_at=utcnow() + dt.timedelta(seconds=delay),
                    last_error=str(outcome.error)[:1000],
                )
            )

    async def publish_row(self, row: sa.RowMapping) -> None:
        parent = propagate.extract(row["trace_context"] or {})
        with _tracer.start_as_current_span(
            f"{row['subject']} publish",
            context=parent,
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": row["subject"],
                "messaging.message.id": row["event_id"],
            },
        ):
            headers = EventHeaders(
                event_id=row["event_id"],
                event_type=row["event_type"],
                source=self.source,
                time=row["created_at"],
                subject=row["aggregate_id"],
            ).to_nats()
            propagate.inject(headers)
            await self.bus.js.publish(row["subject"], row["payload"], headers=headers, stream=self.bus.stream)
