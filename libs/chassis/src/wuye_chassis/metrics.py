"""Metrics with the OpenTelemetry SDK: a Prometheus scrape endpoint on every process, OTLP when configured.

What every process exports (Prometheus names; ``charts/wuye/alerts`` and the dashboards use exactly
these, ``tests/test_metrics.py`` scrapes them from every process of the local stack):

- ``wuye_rpc_requests_total{rpc_service, rpc_method, rpc_code}`` and ``wuye_rpc_duration_seconds`` — RED
  per gRPC method (services); ``wuye_http_requests_total{route, method, status}`` and
  ``wuye_http_duration_seconds`` per REST route (gateway);
- ``wuye_db_pool_checked_out`` / ``wuye_db_pool_size`` — connections in use and the pool's size;
- ``wuye_outbox_pending`` and ``wuye_outbox_oldest_age_seconds`` — events not yet published, and how
  long the oldest has waited;
- ``wuye_consumer_pending``, ``wuye_consumer_ack_pending``, ``wuye_consumer_redelivered`` per durable
  consumer, and ``wuye_dead_letters_total`` — messages parked on the dead-letter subject;
- ``wuye_business{service, gauge, ...}`` — each service's own gauges (complaints: open and overdue cases by tier;
  enforcement: open and overdue rectification orders by severity; funds: open votes), sampled by the
  service's ``ServiceDefinition.gauges``.

Gauges that need a query (outbox, consumers, business) are sampled by a background task every
``SAMPLE_SECONDS`` into ``Samples``; the instruments' callbacks read the latest samples, so a scrape
never waits on the database. The endpoint listens on ``WUYE_METRICS_PORT`` (0: no endpoint).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from opentelemetry import metrics
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)
#: the chassis' own gauges (outbox, pool, consumers) are cheap to read
SAMPLE_SECONDS = 5.0
#: a service's business gauges count rows of its tables: an overdue-case alert needs minutes, not seconds,
#: and a count every few seconds would compete with the requests for the database
BUSINESS_SAMPLE_SECONDS = 60.0

_meter = metrics.get_meter("wuye")
rpc_requests = _meter.create_counter("wuye_rpc_requests", description="gRPC calls served, by method and status code")
rpc_duration = _meter.create_histogram("wuye_rpc_duration", unit="s", description="gRPC call duration")
http_requests = _meter.create_counter("wuye_http_requests", description="REST requests, by route and status")
http_duration = _meter.create_histogram("wuye_http_duration", unit="s", description="REST request duration")
dead_letters = _meter.create_counter("wuye_dead_letters", description="messages a consumer parked as dead letters")

Labels = dict[str, str]

#: the metric families every process may export, by their Prometheus names (a counter's ``_total``, a
#: histogram's ``_bucket``/``_sum``/``_count`` series); the chart's alerts and dashboards name only these
EXPORTED = (
    "wuye_rpc_requests_total", "wuye_rpc_duration_seconds",
    "wuye_http_requests_total", "wuye_http_duration_seconds",
    "wuye_dead_letters_total",
    "wuye_db_pool_checked_out", "wuye_db_pool_size",
    "wuye_outbox_pending", "wuye_outbox_oldest_age_seconds",
    "wuye_consumer_pending", "wuye_consumer_ack_pending", "wuye_consumer_redelivered",
    "wuye_business",
)


@dataclass
class Samples:
    """The latest sampled values of one process's query-backed gauges, by gauge name."""

    values: dict[str, list[tuple[Labels, float]]] = field(default_factory=dict)

    def put(self, name: str, observations: Iterable[tuple[Labels, float]]) -> None:
        self.values[name] = list(observations)


#: every running sampler of this process (tests run several services in one process)
_samples: list[Samples] = []


def _observer(name: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def observe(options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(value, labels) for samples in _samples for labels, value in samples.values.get(name, [])]

    return observe


for _name, _description in {
    "wuye_db_pool_checked_out": "database connections in use",
    "wuye_db_pool_size": "database connections the pool keeps",
    "wuye_outbox_pending": "events written and not yet published",
    "wuye_outbox_oldest_age_seconds": "how long the oldest unpublished event has waited",
    "wuye_consumer_pending": "messages a durable consumer has not yet received",
    "wuye_consumer_ack_pending": "messages delivered and not yet acknowledged",
    "wuye_consumer_redelivered": "messages delivered more than once and not yet acknowledged",
    "wuye_business": "a service's own gauges (cases, orders, votes)",
}.items():
    _meter.create_observable_gauge(_name, callbacks=[_observer(_name)], description=_description)


@dataclass(frozen=True)
class BusinessGauge:
    """One of a service's own gauges: its name (the ``gauge`` label) and a read-only query of its values."""

    name: str
    description: str
    #: the session is a read-only transaction; each value comes with its labels (e.g. the tier)
    sample: Callable[[AsyncSession], Awaitable[Sequence[tuple[Labels, float]]]]


async def count_by(
    session: AsyncSession, column: sa.ColumnElement[str], condition: sa.ColumnElement[bool], values: Iterable[str]
) -> list[tuple[Labels, float]]:
    """Rows matching ``condition`` counted per value of ``column``, labelled by the column's name, every value
    reported (zero included: an alert on growth needs the series before the first row arrives)."""
    rows = await session.execute(sa.select(column, sa.func.count()).where(condition).group_by(column))
    counts = dict(rows.tuples().all())
    return [({column.name: value}, float(counts.get(value, 0))) for value in values]


#: one sampling of gauges: (gauge name, observations)
Sample = Callable[[], Awaitable[Sequence[tuple[str, Sequence[tuple[Labels, float]]]]]]


class Sampler:
    """A background task that refreshes a process's query-backed gauges every ``interval`` seconds."""

    def __init__(self, sources: Sequence[Sample], *, interval: float = SAMPLE_SECONDS) -> None:
        self.sources = list(sources)
        self.interval = interval
        self.samples = Samples()
        self._task: asyncio.Task[None] | None = None

    async def sample_once(self) -> None:
        # a sampling round is not a request: a trace every few seconds would drown the real ones
        with suppress_instrumentation():
            for source in self.sources:
                try:
                    for name, observations in await source():
                        self.samples.put(name, observations)
                except Exception as exc:  # a gauge that cannot be read now keeps its last value
                    log.warning("metrics sample failed: %s", exc)

    async def start(self) -> None:
        _samples.append(self.samples)
        await self.sample_once()
        self._task = asyncio.create_task(self._run(), name="metrics-sampler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self.samples in _samples:
            _samples.remove(self.samples)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.sample_once()


_provider_installed = False
_server_port = 0


def setup_metrics(service_name: str, port: int) -> int:
    """Install the meter provider once per process and serve ``/metrics`` on ``port`` (0: not served).

    Returns the port the endpoint listens on (0 when none)."""
    global _provider_installed, _server_port
    if not _provider_installed:
        from opentelemetry.exporter.prometheus import PrometheusMetricReader

        readers: list[MetricReader] = [PrometheusMetricReader()]
        if _otlp_metrics_configured():
            from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

            readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
        resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
        metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))
        _provider_installed = True
    if port and not _server_port:
        from prometheus_client import start_http_server

        start_http_server(port, addr=os.environ.get("WUYE_METRICS_HOST", "0.0.0.0"))
        _server_port = port
    return _server_port


def _otlp_metrics_configured() -> bool:
    if os.environ.get("OTEL_METRICS_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
    )

