"""Durable JetStream consumers with an inbox: each event's effect is applied exactly once.

For every message the consumer gives the handler a fresh unit of work tied to the event
(``UnitOfWork.consuming``): the handler's transaction records ``(consumer, event id)`` in the ``inbox``
table before anything else, so the entry commits with the effect; only then is the message acked. A
handler with nothing to do leaves the entry to the consumer, which commits it alone. A redelivery (crash
before the ack, ack lost, publisher retry after the duplicate window) finds the entry with the first
statement of the handler's transaction, which rolls back, and is acked with nothing applied again
(handlers change nothing outside their database, so what they do before their transaction may run
twice). A handler that fails is retried with backoff (nak with delay); after ``max_deliver`` deliveries
the message is copied to the dead-letter subject ``dlq.wuye.<consumer>`` with the error, and terminated,
so one poison message never blocks the rest.

The consumer span continues the producer's trace (parent from ``traceparent``) and carries a span link
to the publish span, the OpenTelemetry convention for asynchronous hops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import nats.errors
from google.protobuf.message import Message
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from wuye_chassis import auth, metrics
from wuye_chassis.bus import EventBus, EventHeaders, dead_letter_subject, while_jetstream_settles
from wuye_chassis.uow import AlreadyConsumed, InboxEntry, UnitOfWork

log = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)
M = TypeVar("M", bound=Message)
U = TypeVar("U", bound=UnitOfWork)


@dataclass(frozen=True)
class ReceivedEvent:
    headers: EventHeaders
    payload: bytes
    delivery: int

    @property
    def event_id(self) -> str:
        return self.headers.event_id

    @property
    def event_type(self) -> str:
        return self.headers.event_type

    @classmethod
    def of(cls, message: Msg) -> ReceivedEvent:
        """Raises ValueError for a message without the Wuye event headers."""
        return cls(
            headers=EventHeaders.from_nats(message.headers),
            payload=message.data,
            delivery=message.metadata.num_delivered,
        )

    def parse(self, message_class: type[M]) -> M:
        message = message_class()
        message.ParseFromString(self.payload)
        return message


#: an entry point for one event type (``entrypoints/consumers.py``): it reads the protobuf payload and
#: calls the service's handler with the unit of work the consumer made for this event
Handler = Callable[[ReceivedEvent, U], Awaitable[None]]


@dataclass(frozen=True)
class Subscription(Generic[U]):
    """What a service consumes: a durable name, the event types, and the handler for each type."""

    durable: str
    handlers: dict[str, Handler[U]]

    @property
    def subjects(self) -> list[str]:
        return sorted(self.handlers)


def retry_delay_seconds(delivery: int) -> float:
    return min(30.0, 0.5 * 2.0 ** max(0, delivery - 1))


class EventConsumer:
    def __init__(
        self,
        bus: EventBus,
        subscription: Subscription[Any],
        unit_of_work: Callable[[], UnitOfWork],
        *,
        max_deliver: int = 5,
        ack_wait_seconds: float = 30.0,
    ) -> None:
        self.bus = bus
        self.subscription = subscription
        self.unit_of_work = unit_of_work
        self.max_deliver = max_deliver
        self.ack_wait_seconds = ack_wait_seconds
        self._task: asyncio.Task[None] | None = None
        self._pull: JetStreamContext.PullSubscription | None = None
        self._stopping = False

    @property
    def name(self) -> str:
        return self.subscription.durable

    async def ensure(self) -> None:
        """Create or update the durable consumer (idempotent)."""
        config = ConsumerConfig(
            name=self.name,
            durable_name=self.name,
            filter_subjects=self.subscription.subjects,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait_seconds,
            max_deliver=self.max_deliver,
            max_ack_pending=1000,
        )
        await while_jetstream_settles(
            lambda: self.bus.js.add_consumer(self.bus.stream, config), what=f"for consumer {self.name}"
        )

    async def start(self) -> None:
        await self.ensure()
        self._task = asyncio.create_task(self._run(), name=f"consumer-{self.name}")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._pull is not None:
            # an open pull subscription would hold up the connection's drain
            await self._pull.unsubscribe()
            self._pull = None

    async def _run(self) -> None:
        self._pull = await self.bus.js.pull_subscribe_bind(durable=self.name, stream=self.bus.stream)
        while not self._stopping:
            try:
                messages = await self._pull.fetch(batch=50, timeout=1)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            except Exception as exc:  # NATS down or reconnecting: wait and fetch again
                log.warning("consumer %s fetch failed: %s", self.name, exc)
                await asyncio.sleep(1)
                continue
            for message in messages:
                await self.process(message)

    async def process(self, message: Msg) -> None:
        try:
            event = ReceivedEvent.of(message)
        except ValueError as exc:
            await self._dead_letter(message, f"unreadable event: {exc}")
            return
        headers = event.headers
        parent = propagate.extract(message.headers or {})
        producer = trace.get_current_span(parent).get_span_context()
        with _tracer.start_as_current_span(
            f"{headers.event_type} process",
            context=parent,
            kind=SpanKind.CONSUMER,
            links=[Link(producer)] if producer.is_valid else [],
            attributes={
                "messaging.system": "nats",
                "messaging.consumer.group.name": self.name,
                "messaging.message.id": headers.event_id,
                "messaging.destination.name": message.subject,
            },
        ) as span:
            try:
                applied = await self.apply(event)
                span.set_attribute("wuye.inbox.duplicate", not applied)
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                await self._failed(message, event, exc)
                return
        await message.ack()

    async def apply(self, event: ReceivedEvent) -> bool:
        """Run the handler with the event's inbox entry in its transaction; False when it was already handled."""
        handler = self.subscription.handlers[event.event_type]
        # no look-up first: the entry's insert-if-absent, the first statement of the handler's transaction,
        # finds a redelivered event (one read per event saved; handlers change nothing outside the database)
        uow = self.unit_of_work().consuming(InboxEntry(self.name, event.event_id, event.event_type))
        token = auth.bind(auth.SYSTEM)
        try:
            await handler(event, uow)
            if not uow.inbox_recorded:
                # the handler had nothing to change: the entry alone says the event was handled
                async with uow:
                    await uow.commit()
        except AlreadyConsumed:
            # another replica recorded the same event first: its effect is already there
            return False
        finally:
            auth.reset(token)
        return True

    async def backlog(self) -> tuple[int, int, int]:
        """(pending, delivered and not acknowledged, redelivered and not acknowledged) of the durable consumer."""
        info = await self.bus.js.consumer_info(self.bus.stream, self.name)
        return int(info.num_pending or 0), int(info.num_ack_pending or 0), int(info.num_redelivered or 0)

    async def _failed(self, message: Msg, event: ReceivedEvent, exc: Exception) -> None:
        if event.delivery >= self.max_deliver:
            await self._dead_letter(message, f"{type(exc).__name__}: {exc}")
            return
        log.warning(
            "consumer %s failed on event %s (delivery %d of %d): %s",
            self.name, event.event_id, event.delivery, self.max_deliver, exc,
        )
        await message.nak(delay=retry_delay_seconds(event.delivery))

    async def _dead_letter(self, message: Msg, reason: str) -> None:
        headers = dict(message.headers or {})
        headers.pop("Nats-Msg-Id", None)
        headers["wuye-original-subject"] = message.subject
        headers["wuye-error"] = reason[:1000]
        headers["wuye-consumer"] = self.name
        await self.bus.js.publish(
            dead_letter_subject(self.name), message.data, headers=headers, stream=self.bus.dead_letter_stream
        )
        log.error("consumer %s parked a message on %s: %s", self.name, dead_letter_subject(self.name), reason)
        metrics.dead_letters.add(1, {"consumer": self.name})
        await message.term()


def consumers_for(
    bus: EventBus,
    subscriptions: Sequence[Subscription[Any]],
    unit_of_work: Callable[[], UnitOfWork],
    *,
    max_deliver: int,
    ack_wait_seconds: float,
) -> list[EventConsumer]:
    return [
        EventConsumer(bus, subscription, unit_of_work, max_deliver=max_deliver, ack_wait_seconds=ack_wait_seconds)
        for subscription in subscriptions
    ]

