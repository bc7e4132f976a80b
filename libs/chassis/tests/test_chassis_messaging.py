"""Outbox and inbox against a real NATS server and real databases (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc
import pytest
import sqlalchemy as sa
from nats.js.api import ConsumerConfig

from tests.support import eventually
from wuye.common.v1 import common_pb2
from wuye.registry.v1 import events_pb2
from wuye_chassis import idempotency
from wuye_chassis.bus import EventBus, dead_letter_subject, event_type_of
from wuye_chassis.db import Database, utcnow
from wuye_chassis.errors import FailedPrecondition
from wuye_chassis.grpc_server import CallInterceptor
from wuye_chassis.idempotency import IdempotencyInterceptor
from wuye_chassis.inbox import EventConsumer, ReceivedEvent, Subscription
from wuye_chassis.messaging_tables import add_messaging_tables
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.outbox import Outbox, OutboxRelay
from wuye_chassis.pii import PersonalDataCipher
from wuye_chassis.uow import AlreadyConsumed, InboxEntry, OutgoingEvent, UnitOfWork, UnitOfWorkParts
from wuye_chassis.workdays import WorkingDayCalendar

EVENT_TYPE = event_type_of(events_pb2.JurisdictionRegistered)


def registered(code: str) -> events_pb2.JurisdictionRegistered:
    return events_pb2.JurisdictionRegistered(jurisdiction=common_pb2.Jurisdiction(code=code, name=f"place {code}"))


@dataclass
class Messaging:
    db: Database
    bus: EventBus
    widgets: sa.Table
    applied: sa.Table
    outbox_table: sa.Table
    inbox_table: sa.Table
    idempotency_table: sa.Table
    relay: OutboxRelay

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(
            UnitOfWorkParts(
                db=self.db, outbox=Outbox(self.outbox_table), inbox=self.inbox_table,
                calendar=WorkingDayCalendar(),
                translate=lambda event: OutgoingEvent(event, event.jurisdiction.code),
                on_events_committed=self.relay.notify,
            )
        )

    def consumer(
        self, subscription: Subscription[UnitOfWork], *, max_deliver: int = 5, ack_wait_seconds: float = 30.0
    ) -> EventConsumer:
        return EventConsumer(
            self.bus, subscription, self.unit_of_work,
            max_deliver=max_deliver, ack_wait_seconds=ack_wait_seconds,
        )

    async def add_widget(self, code: str) -> str:
        async with self.unit_of_work() as uow:
            await uow.session.execute(self.widgets.insert().values(code=code))
            event_id = await uow.publish(registered(code))
            await uow.commit()
        return event_id

    async def count(self, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
        async with self.db.sessions() as session:
            return int(await session.scalar(sa.select(sa.func.count()).select_from(table).where(*where)) or 0)

    async def stream_messages(self, stream: str | None = None) -> list:
        """Every message in the stream, read by a throwaway consumer."""
        name = stream or self.bus.stream
        info = await self.bus.js.stream_info(name)
        if info.state.messages == 0:
            return []
        subscription = await self.bus.js.pull_subscribe("", stream=name, config=ConsumerConfig())
        messages = await subscription.fetch(batch=info.state.messages, timeout=5)
        await subscription.unsubscribe()
        return messages


@pytest.fixture
async def messaging(database_url: str, nats_server: EmbeddedNats) -> AsyncIterator[Messaging]:
    metadata = sa.MetaData()
    widgets = sa.Table("widgets", metadata, sa.Column("code", sa.String(20), primary_key=True))
    applied = sa.Table(
        "applied", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
    )
    outbox_table, inbox_table = add_messaging_tables(metadata)
    db = Database(database_url)
    async with db.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    bus = EventBus(nats_server.url, client_name="test")
    await bus.connect()
    await bus.ensure_streams()
    relay = OutboxRelay(db, outbox_table, bus, source="/wuye/test", batch_size=4, backoff_max_seconds=1)
    yield Messaging(db, bus, widgets, applied, outbox_table, inbox_table, metadata.tables["idempotency_keys"], relay)
    await relay.stop()
    await bus.close()
    await db.dispose()


async def test_outbox_publishes_a_committed_change_exactly_once_and_a_rolled_back_one_never(
    messaging: Messaging,
) -> None:
    committed_id = await messaging.add_widget("A")
    with pytest.raises(RuntimeError):
        async with messaging.unit_of_work() as uow:
            await uow.session.execute(messaging.widgets.insert().values(code="B"))
            await uow.publish(registered("B"))
            raise RuntimeError("the use case failed after writing its event")

    assert await messaging.relay.publish_pending() == 1
    assert await messaging.relay.publish_pending() == 0  # a second pass finds nothing left

    messages = await messaging.stream_messages()
    assert [m.headers["ce-id"] for m in messages] == [committed_id]
    headers = messages[0].headers
    assert headers["Nats-Msg-Id"] == committed_id
    assert headers["ce-type"] == EVENT_TYPE and headers["ce-source"] == "/wuye/test"
    assert headers["ce-subject"] == "A" and headers["ce-specversion"] == "1.0"
    assert messages[0].subject == EVENT_TYPE
    assert events_pb2.JurisdictionRegistered.FromString(messages[0].data).jurisdiction.code == "A"
    assert await messaging.count(messaging.widgets) == 1
    assert await messaging.count(messaging.outbox_table) == 1


async def test_relay_restart_mid_batch_loses_nothing_and_duplicates_nothing(messaging: Messaging) -> None:
    ids = [await messaging.add_widget(f"W{i}") for i in range(10)]
    assert await messaging.relay.publish_pending() == 4

    # The relay publishes the next batch and dies before its transaction marks the rows published:
    # exactly that state is the published messages in NATS and the rows still pending.
    table = messaging.outbox_table
    async with messaging.db.sessions() as session:
        pending = (
            await session.execute(sa.select(table).where(table.c.published_at.is_(None)).order_by(table.c.seq).limit(4))
        ).mappings().all()
    for row in pending:
        await messaging.relay.publish_row(row)

    restarted = OutboxRelay(messaging.db, table, messaging.bus, source="/wuye/test", batch_size=4)
    while await restarted.publish_pending():
        pass

    messages = await messaging.stream_messages()
    assert sorted(m.headers["ce-id"] for m in messages) == sorted(ids)
    assert [m.headers["ce-id"] for m in messages] == ids  # and in commit order
    assert await messaging.count(table, table.c.published_at.is_(None)) == 0


async def test_relay_retries_while_nats_is_down_then_delivers_everything(
    messaging: Messaging, nats_server: EmbeddedNats
) -> None:
    nats_server.kill()
    ids = [await messaging.add_widget(f"D{i}") for i in range(3)]
    assert await messaging.relay.publish_pending() == 0
    table = messaging.outbox_table
    assert await messaging.count(table, table.c.attempts > 0) == 1  # the first row failed, the rest wait behind it

    nats_server.start()  # same port, same store: the stream survives
    messaging.relay.start()
    await eventually(lambda: messaging.count(table, table.c.published_at.is_(None)), timeout=20)
    await eventually(lambda: _all_published(messaging), timeout=20)
    messages = await messaging.stream_messages()
    assert [m.headers["ce-id"] for m in messages] == ids


async def _all_published(messaging: Messaging) -> bool:
    table = messaging.outbox_table
    return await messaging.count(table, table.c.published_at.is_(None)) == 0


def recording_handler(messaging: Messaging):
    async def handle(event: ReceivedEvent, uow: UnitOfWork) -> None:
        async with uow:
            await uow.session.execute(messaging.applied.insert().values(event_id=event.event_id))
            await uow.commit()

    return handle


async def test_the_inbox_entry_commits_with_the_handlers_effect_and_a_second_delivery_changes_nothing(
    messaging: Messaging,
) -> None:
    event_id = await messaging.add_widget("E")
    await messaging.relay.publish_pending()
    [message] = await messaging.stream_messages()
    consumer = messaging.consumer(Subscription("test-once", {EVENT_TYPE: recording_handler(messaging)}))
    assert await consumer.apply(ReceivedEvent.of(message)) is True
    assert await consumer.apply(ReceivedEvent.of(message)) is False
    inbox = messaging.inbox_table
    assert await messaging.count(messaging.applied) == 1
    assert await messaging.count(inbox, inbox.c.event_id == event_id, inbox.c.consumer == "test-once") == 1


async def test_a_handler_with_nothing_to_change_still_marks_the_event_handled(messaging: Messaging) -> None:
    event_id = await messaging.add_widget("N")
    await messaging.relay.publish_pending()
    [message] = await messaging.stream_messages()
    calls: list[str] = []

    async def ignore(event: ReceivedEvent, uow: UnitOfWork) -> None:
        calls.append(event.event_id)  # e.g. an event about a compound this service does not keep

    consumer = messaging.consumer(Subscription("test-ignore", {EVENT_TYPE: ignore}))
    assert await consumer.apply(ReceivedEvent.of(message)) is True
    # the redelivery finds the entry in its own transaction: handled once, though the handler was entered again
    assert await consumer.apply(ReceivedEvent.of(message)) is False
    assert set(calls) == {event_id}
    assert await messaging.count(messaging.inbox_table, messaging.inbox_table.c.event_id == event_id) == 1


async def test_an_inbox_entry_another_replica_wrote_first_rolls_back_the_whole_effect(messaging: Messaging) -> None:
    entry = InboxEntry("test-race", "event-1", EVENT_TYPE)
    first = messaging.unit_of_work().consuming(entry)
    async with first:
        await first.commit()
    second = messaging.unit_of_work().consuming(entry)
    with pytest.raises(AlreadyConsumed):
        async with second:
            await second.session.execute(messaging.applied.insert().values(event_id="event-1"))
            await second.commit()
    assert await messaging.count(messaging.applied) == 0


async def test_consumer_killed_before_ack_gets_the_message_again_and_applies_it_once(messaging: Messaging) -> None:
    event_id = await messaging.add_widget("K")
    await messaging.relay.publish_pending()
    subscription = Subscription(durable="test-kill", handlers={EVENT_TYPE: recording_handler(messaging)})
    consumer = messaging.consumer(subscription, ack_wait_seconds=1.0)
    await consumer.ensure()

    # first delivery: the effect commits, then the process dies before it can ack
    pull = await messaging.bus.js.pull_subscribe_bind(durable="test-kill", stream=messaging.bus.stream)
    [first] = await pull.fetch(batch=1, timeout=5)
    assert await consumer.apply(ReceivedEvent.of(first)) is True
    await pull.unsubscribe()

    # a new consumer process gets the message again after ack_wait and must not apply it twice
    await consumer.start()
    info = await eventually(lambda: _settled(messaging, "test-kill"), timeout=15)
    await consumer.stop()
    assert info.delivered.consumer_seq == 2  # one stream message, delivered twice
    assert await messaging.count(messaging.applied) == 1
    assert await messaging.count(messaging.inbox_table, messaging.inbox_table.c.event_id == event_id) == 1


async def _settled(messaging: Messaging, durable: str):
    info = await messaging.bus.js.consumer_info(messaging.bus.stream, durable)
    done = info.num_ack_pending == 0 and info.num_pending == 0 and info.delivered.consumer_seq >= 2
    return info if done else None


async def test_handler_failure_is_retried_and_applied_once(messaging: Messaging) -> None:
    await messaging.add_widget("R")
    await messaging.relay.publish_pending()
    attempts: list[int] = []

    async def flaky(event: ReceivedEvent, uow: UnitOfWork) -> None:
        attempts.append(event.delivery)
        async with uow:
            await uow.session.execute(messaging.applied.insert().values(event_id=event.event_id))
            if event.delivery == 1:
                raise ConnectionError("downstream hiccup")  # rolls back the effect and the inbox row
            await uow.commit()

    consumer = messaging.consumer(Subscription("test-retry", {EVENT_TYPE: flaky}), max_deliver=3)
    await consumer.start()
    await eventually(lambda: messaging.count(messaging.applied), timeout=15)
    await consumer.stop()
    assert attempts == [1, 2]
    assert await messaging.count(messaging.applied) == 1


async def test_poison_message_is_parked_on_the_dead_letter_subject_after_max_deliver(messaging: Messaging) -> None:
    poison_id = await messaging.add_widget("P")
    healthy_id = await messaging.add_widget("Q")
    await messaging.relay.publish_pending()
    seen: list[str] = []
    record = recording_handler(messaging)

    async def picky(event: ReceivedEvent, uow: UnitOfWork) -> None:
        seen.append(event.event_id)
        if event.event_id == poison_id:
            raise ValueError("cannot be applied, ever")
        await record(event, uow)

    consumer = messaging.consumer(Subscription("test-poison", {EVENT_TYPE: picky}), max_deliver=2)
    await consumer.start()
    parked = await eventually(lambda: messaging.stream_messages(messaging.bus.dead_letter_stream), timeout=15)
    await asyncio.sleep(1.5)  # a poison message that came back would show up here
    await consumer.stop()

    assert seen.count(poison_id) == 2 and seen.count(healthy_id) == 1
    assert len(parked) == 1 and parked[0].subject == dead_letter_subject("test-poison")
    assert parked[0].headers["ce-id"] == poison_id
    assert "cannot be applied" in parked[0].headers["wuye-error"]
    assert await messaging.count(messaging.applied) == 1
    assert await messaging.count(messaging.inbox_table, messaging.inbox_table.c.event_id == poison_id) == 0


async def test_published_rows_are_pruned_after_retention_and_pending_rows_never(messaging: Messaging) -> None:
    await messaging.add_widget("old")
    await messaging.relay.publish_pending()
    nats_down_row = await messaging.add_widget("pending")  # not yet published
    table = messaging.outbox_table
    async with messaging.db.sessions() as session, session.begin():
        await session.execute(
            table.update().where(table.c.published_at.is_not(None)).values(published_at=utcnow() - dt.timedelta(days=4))
        )
    assert await messaging.relay.prune_published() == 1  # older than the default 3 days
    async with messaging.db.sessions() as session:
        remaining = (await session.execute(sa.select(table.c.event_id))).scalars().all()
    assert remaining == [nats_down_row]


@asynccontextmanager
async def keyed_calls(
    messaging: Messaging, create: Callable[..., Awaitable[object]]
) -> AsyncIterator[grpc.aio.UnaryUnaryMultiCallable]:
    """``create`` served as /test.Widgets/Create behind the idempotency interceptor; yields the client call."""
    handler = grpc.unary_unary_rpc_method_handler(
        create, request_deserializer=common_pb2.Jurisdiction.FromString,
        response_serializer=common_pb2.Jurisdiction.SerializeToString,
    )
    cipher = PersonalDataCipher(os.urandom(32))
    # as GrpcServer orders them: the call interceptor's deadline cancels what runs inside it
    server = grpc.aio.server(
        interceptors=[CallInterceptor(), IdempotencyInterceptor(messaging.db, messaging.idempotency_table, cipher)]
    )
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("test.Widgets", {"Create": handler})])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield channel.unary_unary(
                "/test.Widgets/Create", request_serializer=common_pb2.Jurisdiction.SerializeToString,
                response_deserializer=common_pb2.Jurisdiction.FromString,
            )
    finally:
        await server.stop(None)


async def test_a_keyed_call_whose_caller_gives_up_after_the_change_committed_keeps_its_answer_for_the_retry(
    messaging: Messaging,
) -> None:
    """The caller's deadline passes while the answer is being built after the commit: the work goes on, the
    answer is stored with the key, and the retry (which waits for the held key) is answered with it."""
    attempts: list[str] = []

    async def create(request: common_pb2.Jurisdiction, context: grpc.aio.ServicerContext) -> common_pb2.Jurisdiction:
        attempt = f"{request.code}{len(attempts)}"  # each attempt would make a widget of its own
        attempts.append(attempt)
        async with messaging.unit_of_work() as uow:
            await uow.session.execute(messaging.widgets.insert().values(code=attempt))
            await uow.commit()
        await asyncio.sleep(0.5)  # still building the answer when the caller gives up
        return common_pb2.Jurisdiction(code=attempt, name="created")

    async with keyed_calls(messaging, create) as call:
        keyed = [("idempotency-key", "widget-1")]
        with pytest.raises(grpc.aio.AioRpcError) as gave_up:
            await call(common_pb2.Jurisdiction(code="W"), metadata=keyed, timeout=0.2)
        assert gave_up.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED

        replayed = await call(common_pb2.Jurisdiction(code="W"), metadata=keyed, timeout=5)
        assert replayed == common_pb2.Jurisdiction(code="W0", name="created")
        async with messaging.db.sessions() as session:
            codes = (await session.execute(sa.select(messaging.widgets.c.code))).scalars().all()
        assert codes == ["W0"]  # the retry's own widget rolled back with its refused key


async def test_a_keyed_change_commits_only_with_its_answer_so_a_crash_in_between_leaves_nothing_to_lose(
    messaging: Messaging,
) -> None:
    """The process dies after the method's commit but before its answer is stored (here: the answer cannot be
    built, as if the process stopped there): the change was not applied either, the retry applies it once and
    is answered; the event announcing it leaves only with it."""
    answers = iter([RuntimeError("the process stops here"), None])

    async def create(request: common_pb2.Jurisdiction, context: grpc.aio.ServicerContext) -> common_pb2.Jurisdiction:
        async with messaging.unit_of_work() as uow:
            await uow.session.execute(messaging.widgets.insert().values(code=request.code))
            await uow.publish(registered(request.code))
            await uow.commit()
            # another process does not see it yet: the change, its event and its key wait for the answer
            elsewhere = Database(messaging.db.url)
            try:
                async with elsewhere.reads() as other:
                    for table in (messaging.widgets, messaging.outbox_table, messaging.idempotency_table):
                        assert await other.scalar(sa.select(sa.func.count()).select_from(table)) == 0
            finally:
                await elsewhere.dispose()
        return common_pb2.Jurisdiction(code=request.code, name="created")

    class Dies(Exception):
        pass

    async def answer_or_die(request: common_pb2.Jurisdiction, context: grpc.aio.ServicerContext) -> object:
        response = await create(request, context)
        if next(answers) is not None:
            # what a kill between the commit and the stored answer looks like to the database
            call = idempotency.current()
            assert call is not None and call.parked is not None
            await call.abandon()
            raise Dies()
        return response

    async with keyed_calls(messaging, answer_or_die) as call:
        keyed = [("idempotency-key", "widget-2")]
        with pytest.raises(grpc.aio.AioRpcError) as died:
            await call(common_pb2.Jurisdiction(code="X"), metadata=keyed, timeout=5)
        assert died.value.code() == grpc.StatusCode.INTERNAL
        assert await messaging.count(messaging.widgets) == 0
        assert await messaging.count(messaging.outbox_table) == 0

        answered = await call(common_pb2.Jurisdiction(code="X"), metadata=keyed, timeout=5)
        assert answered == common_pb2.Jurisdiction(code="X", name="created")
        assert await messaging.count(messaging.widgets) == 1
        assert await messaging.count(messaging.outbox_table) == 1
        again = await call(common_pb2.Jurisdiction(code="X"), metadata=keyed, timeout=5)
        assert again == answered and await messaging.count(messaging.widgets) == 1


async def test_a_keyed_change_writes_its_key_with_its_answer_in_one_statement(messaging: Messaging) -> None:
    """The key row is inserted with the sealed answer just before the commit (not inserted, then updated,
    and not looked up first): one statement on the key table per keyed change; the retry is answered alike."""
    async def create(request: common_pb2.Jurisdiction, context: grpc.aio.ServicerContext) -> common_pb2.Jurisdiction:
        async with messaging.unit_of_work() as uow:
            await uow.session.execute(messaging.widgets.insert().values(code=request.code))
            await uow.commit()
        return common_pb2.Jurisdiction(code=request.code, name="created")

    engine = messaging.db.engine.sync_engine
    on_keys: list[str] = []

    def seen(connection, cursor, statement: str, parameters, context, executemany) -> None:  # noqa: ANN001
        if "idempotency_keys" in statement:
            on_keys.append(statement.split()[0].upper())

    async with keyed_calls(messaging, create) as call:
        sa.event.listen(engine, "before_cursor_execute", seen)
        try:
            answered = await call(common_pb2.Jurisdiction(code="Y"), metadata=[("idempotency-key", "w-3")], timeout=5)
        finally:
            sa.event.remove(engine, "before_cursor_execute", seen)
        assert on_keys == ["INSERT"]
        replayed = await call(common_pb2.Jurisdiction(code="Y"), metadata=[("idempotency-key", "w-3")], timeout=5)
    assert replayed == answered and await messaging.count(messaging.widgets) == 1


async def test_a_retry_the_method_refuses_for_what_the_first_attempt_changed_is_answered_with_the_first_answer(
    messaging: Messaging,
) -> None:
    """The key is looked up only when a keyed call fails: a retry of a change that was applied may be refused
    by the method because of that very change (here: the widget exists); it gets the first answer instead.
    Another key for the same request is a new request, and hears the refusal."""
    async def create(request: common_pb2.Jurisdiction, context: grpc.aio.ServicerContext) -> common_pb2.Jurisdiction:
        async with messaging.unit_of_work() as uow:
            widgets = messaging.widgets
            if await uow.session.scalar(sa.select(widgets.c.code).where(widgets.c.code == request.code)):
                raise FailedPrecondition(f"widget {request.code} exists", field="code")
            await uow.session.execute(widgets.insert().values(code=request.code))
            await uow.commit()
        return common_pb2.Jurisdiction(code=request.code, name="created")

    async with keyed_calls(messaging, create) as call:
        answered = await call(common_pb2.Jurisdiction(code="Z"), metadata=[("idempotency-key", "w-9")], timeout=5)
        retried = await call(common_pb2.Jurisdiction(code="Z"), metadata=[("idempotency-key", "w-9")], timeout=5)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await call(common_pb2.Jurisdiction(code="Z"), metadata=[("idempotency-key", "w-10")], timeout=5)
        with pytest.raises(grpc.aio.AioRpcError) as reused:
            await call(common_pb2.Jurisdiction(code="Q"), metadata=[("idempotency-key", "w-9")], timeout=5)
    assert retried == answered and answered.name == "created"
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert reused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "Idempotency-Key" in (reused.value.details() or "")
    assert await messaging.count(messaging.widgets) == 1


async def test_a_keyed_call_that_reads_after_its_commit_sees_its_change_and_keeps_its_answer(
    messaging: Messaging,
) -> None:
    """A method that opens another transaction after its commit (here: reads back what it wrote) commits the
    held transaction first, so it reads its own change; the answer is then stored on its own and replayed."""

    async def create(request: common_pb2.Jurisdiction, context: grpc.aio.ServicerContext) -> common_pb2.Jurisdiction:
        uow = messaging.unit_of_work()
        async with uow:
            await uow.session.execute(messaging.widgets.insert().values(code=request.code))
            await uow.commit()
        async with uow.reading():
            stored = await uow.session.scalar(sa.select(sa.func.count()).select_from(messaging.widgets))
        return common_pb2.Jurisdiction(code=request.code, name=f"{stored} stored")

    async with keyed_calls(messaging, create) as call:
        keyed = [("idempotency-key", "widget-3")]
        first = await call(common_pb2.Jurisdiction(code="Y"), metadata=keyed, timeout=5)
        assert first == common_pb2.Jurisdiction(code="Y", name="1 stored")
        assert await call(common_pb2.Jurisdiction(code="Y"), metadata=keyed, timeout=5) == first
        assert await messaging.count(messaging.widgets) == 1
