"""The service process: everything a service's ``main`` needs, wired once.

A service describes itself with a ``ServiceDefinition`` (its settings, tables, migrations, the event
translator and unit of work of its handlers, gRPC servicers, event subscriptions, the registry read
models it keeps and its background tasks); ``ServiceApp`` starts telemetry, the database
(migrating it when ``migrate_on_start``), NATS and the streams, the outbox relay, the consumers, the
background tasks, and the gRPC server, keeps the health status true to the database and NATS
connections, and on SIGTERM/SIGINT shuts down in order: NOT_SERVING, drain calls, stop background tasks,
consumers and relay, close NATS and the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import grpc
import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

from wuye_chassis import internal_tokens, partners, pii
from wuye_chassis.background import BackgroundTask
from wuye_chassis.bus import EventBus
from wuye_chassis.db import Database
from wuye_chassis.grpc_server import GrpcServer, Servicer
from wuye_chassis.idempotency import IdempotencyInterceptor
from wuye_chassis.inbox import EventConsumer, Subscription, consumers_for
from wuye_chassis.metrics import BUSINESS_SAMPLE_SECONDS, BusinessGauge, Labels, Sampler, setup_metrics
from wuye_chassis.migrations import Migrations, migrate_async
from wuye_chassis.outbox import Outbox, OutboxRelay
from wuye_chassis.read_models import ReadModel
from wuye_chassis.settings import ServiceSettings
from wuye_chassis.telemetry import setup_telemetry
from wuye_chassis.uow import EventTranslator, UnitOfWork, UnitOfWorkParts, no_events
from wuye_chassis.workdays import SHANGHAI, WorkingDayCalendar

log = logging.getLogger(__name__)
#: the unit of work a service's handlers take
U = TypeVar("U", bound=UnitOfWork)


class ServiceRuntime(Generic[U]):
    """What entry points get: the database, the bus, the calendar, and units of work for the handlers."""

    def __init__(self, definition: ServiceDefinition[U]) -> None:
        settings = definition.settings
        metadata = definition.metadata
        self.settings = settings
        self.db = Database(settings.database_url)
        self.bus = EventBus(
            settings.nats_url,
            client_name=settings.service_name,
            stream=settings.nats_stream,
            replicas=settings.nats_stream_replicas,
            user=settings.nats_user,
            password=settings.nats_password.get_secret_value() if settings.nats_password else "",
        )
        self.outbox_table = metadata.tables["outbox"]
        self.inbox_table = metadata.tables["inbox"]
        self.idempotency_table = metadata.tables["idempotency_keys"]
        self.outbox = Outbox(self.outbox_table)
        self.relay = OutboxRelay(
            self.db,
            self.outbox_table,
            self.bus,
            source=f"/wuye/{settings.service_name}",
            batch_size=settings.outbox_batch_size,
            poll_seconds=settings.outbox_poll_seconds,
            backoff_max_seconds=settings.outbox_backoff_max_seconds,
            retention=dt.timedelta(hours=settings.outbox_retention_hours),
        )
        self.calendar = WorkingDayCalendar(
            settings.extra_holidays, settings.extra_workdays, settings.calendar_configured_years
        )
        self._parts = UnitOfWorkParts(
            db=self.db,
            outbox=self.outbox,
            inbox=self.inbox_table,
            calendar=self.calendar,
            translate=definition.events,
            on_events_committed=self.relay.notify,
        )
        self._unit_of_work = definition.unit_of_work

    def unit_of_work(self) -> U:
        """A fresh unit of work of the service's own kind (its repositories, its event translator)."""
        return self._unit_of_work(self._parts)


def _nothing(runtime: ServiceRuntime[Any]) -> Sequence[Any]:
    return ()


@dataclass
class ServiceDefinition(Generic[U]):
    settings: ServiceSettings
    metadata: sa.MetaData
    #: where its Alembic revisions live, e.g. ``Migrations("wuye_complaints:migrations")``
    migrations: Migrations
    #: the unit of work its handlers take (a ``UnitOfWork`` subclass with the service's repositories);
    #: the app makes one before it serves, so a missing key or setting stops the start, not a request
    unit_of_work: Callable[[UnitOfWorkParts], U]
    #: the gRPC services it serves, built once the runtime exists
    servicers: Callable[[ServiceRuntime[U]], Sequence[Servicer]]
    #: the service's ``adapters/events.py``: domain event → protobuf for the outbox
    events: EventTranslator = no_events
    #: registry read models it keeps (``wuye_chassis.read_models``): their consumers and servicers
    read_models: Sequence[ReadModel] = field(default_factory=tuple)
    #: its own consumers (``entrypoints/consumers.py``)
    subscriptions: Callable[[ServiceRuntime[U]], Sequence[Subscription[Any]]] = _nothing
    #: tasks that run beside the server (``entrypoints/schedulers.py``); started after the consumers,
    #: stopped before them
    background: Callable[[ServiceRuntime[U]], Sequence[BackgroundTask]] = _nothing
    #: it counts deadlines in working days: not ready while the calendar cannot count this year or the next
    counts_working_days: bool = False
    #: its own gauges for ``wuye_business`` (open and overdue work), sampled with the runtime's metrics
    gauges: Callable[[ServiceRuntime[U]], Sequence[BusinessGauge]] = _nothing

    def all_subscriptions(self, runtime: ServiceRuntime[U]) -> list[Subscription[Any]]:
        name = self.settings.service_name
        return [*(model.subscription(self.metadata, name) for model in self.read_models), *self.subscriptions(runtime)]

    def all_servicers(self, runtime: ServiceRuntime[U]) -> list[Servicer]:
        kept = (model.servicer(runtime.db, self.metadata) for model in self.read_models)
        return [*self.servicers(runtime), *(servicer for servicer in kept if servicer is not None)]


READINESS_INTERVAL_SECONDS = 1.0


class ServiceApp(Generic[U]):
    def __init__(self, definition: ServiceDefinition[U]) -> None:
        self.definition = definition
        self.settings = definition.settings
        setup_telemetry(definition.settings.service_name)
        self.metrics_port = setup_metrics(definition.settings.service_name, definition.settings.metrics_port)
        self.runtime: ServiceRuntime[U] = ServiceRuntime(definition)
        self.consumers: list[EventConsumer] = []
        self.background: list[BackgroundTask] = []
        self.grpc: GrpcServer | None = None
        self._readiness: asyncio.Task[None] | None = None
        #: why the service is not ready ("" when it is; None before the first check)
        self._not_ready_reason: str | None = None

    @property
    def port(self) -> int:
        return self.grpc.port if self.grpc else 0

    @property
    def partner_port(self) -> int:
        """The mutual-TLS listener's port for partner departments; 0 when it is off."""
        return self.grpc.partner_port if self.grpc else 0

    async def start(self) -> None:
        settings = self.settings
        runtime = self.runtime
        runtime.unit_of_work()
        internal_tokens.tokens()  # no key, no way to tell who calls: refuse to start, saying so
        if settings.migrate_on_start:
            await migrate_async(settings.database_url, self.definition.migrations)
        await runtime.bus.connect()
        await runtime.bus.ensure_streams()
        runtime.relay.start()
        self.consumers = consumers_for(
            runtime.bus,
            self.definition.all_subscriptions(runtime),
            runtime.unit_of_work,
            max_deliver=settings.consumer_max_deliver,
            ack_wait_seconds=settings.consumer_ack_wait_seconds,
        )
        for consumer in self.consumers:
            await consumer.start()
        self.background = [*self._metrics_samplers(), *self.definition.background(runtime)]
        for task in self.background:
            await task.start()
        partner_interceptors: list[grpc.aio.ServerInterceptor] = []
        partner_listener = None
        if settings.partner_tls:
            # before idempotency: a partner's stored answers are keyed by its certified identity
            partner_interceptors = list(partners.interceptors_for(settings.partners_file))
            partner_listener = (
                settings.grpc_partner_address,
                partners.server_credentials(settings.grpc_tls_cert, settings.grpc_tls_key, settings.grpc_tls_client_ca),
            )
        self.grpc = GrpcServer(
            settings.grpc_address,
            self.definition.all_servicers(runtime),
            extra_interceptors=[
                *partner_interceptors,
                IdempotencyInterceptor(
                    runtime.db, runtime.idempotency_table, pii.PersonalDataCipher.from_settings(settings)
                ),
            ],
            partner_listener=partner_listener,
            reflection_enabled=settings.grpc_reflection,
        )
        await self.grpc.start()
        await self._check_readiness()
        self._readiness = asyncio.create_task(self._watch_readiness(), name="readiness")
        log.info("%s serving gRPC on port %d", settings.service_name, self.grpc.port)
        if partner_listener is not None:
            log.info("%s serving partner departments (mTLS) on port %d", settings.service_name, self.grpc.partner_port)

    def _metrics_samplers(self) -> list[Sampler]:
        runtime, service = self.runtime, self.settings.service_name
        gauges = list(self.definition.gauges(runtime))

        async def messaging() -> list[tuple[str, list[tuple[Labels, float]]]]:
            pending, oldest = await runtime.relay.backlog()
            pool = runtime.db.engine.sync_engine.pool
            checked_out = float(pool.checkedout()) if isinstance(pool, QueuePool) else 0.0
            size = float(pool.size()) if isinstance(pool, QueuePool) else 0.0
            backlogs = [(consumer.name, await consumer.backlog()) for consumer in self.consumers]
            mine = {"service": service}
            return [
                ("wuye_outbox_pending", [(mine, float(pending))]),
                ("wuye_outbox_oldest_age_seconds", [(mine, oldest)]),
                ("wuye_db_pool_checked_out", [(mine, checked_out)]),
                ("wuye_db_pool_size", [(mine, size)]),
                *(
                    (name, [({**mine, "consumer": consumer}, float(values[index])) for consumer, values in backlogs])
                    for index, name in enumerate(
                        ("wuye_consumer_pending", "wuye_consumer_ack_pending", "wuye_consumer_redelivered")
                    )
                ),
            ]

        async def business() -> list[tuple[str, list[tuple[Labels, float]]]]:
            observations: list[tuple[Labels, float]] = []
            for gauge in gauges:
                async with runtime.db.reads() as session:
                    for labels, value in await gauge.sample(session):
                        observations.append(({"service": service, "gauge": gauge.name, **labels}, value))
            return [("wuye_business", observations)]

        return [Sampler([messaging]), Sampler([business], interval=BUSINESS_SAMPLE_SECONDS)]

    def _not_ready_because(self, database_answers: bool) -> str:
        if not self.runtime.bus.is_connected:
            return "NATS is not connected"
        if not database_answers:
            return "the database does not answer"
        if self.definition.counts_working_days:
            unknown = self.runtime.calendar.unknown_years(dt.datetime.now(SHANGHAI).date())
            if unknown:
                years = ", ".join(map(str, unknown))
                return (
                    f"the working-day calendar does not know {years}: enter the published schedule as "
                    f"WUYE_EXTRA_HOLIDAYS / WUYE_EXTRA_WORKDAYS and WUYE_CALENDAR_CONFIGURED_YEARS={years}"
                )
        return ""

    async def _check_readiness(self) -> None:
        reason = self._not_ready_because(await self.runtime.db.ping())
        if reason == self._not_ready_reason or self.grpc is None:
            return
        self._not_ready_reason = reason
        await self.grpc.set_ready(not reason)
        if reason:
            log.warning("%s is NOT ready: %s", self.settings.service_name, reason)
        else:
            log.info("%s is ready", self.settings.service_name)

    async def _watch_readiness(self) -> None:
        while True:
            await asyncio.sleep(READINESS_INTERVAL_SECONDS)
            await self._check_readiness()

    async def stop(self) -> None:
        if self._readiness is not None:
            self._readiness.cancel()
        if self.grpc is not None:
            await self.grpc.stop(self.settings.shutdown_grace_seconds)
        for task in reversed(self.background):
            await task.stop()
        for consumer in self.consumers:
            await consumer.stop()
        await self.runtime.relay.stop()
        await self.runtime.bus.close()
        await self.runtime.db.dispose()
        log.info("%s stopped", self.settings.service_name)

    async def serve_until_signalled(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await self.start()
        await stop.wait()
        log.info("%s received a stop signal; shutting down", self.settings.service_name)
        await self.stop()
