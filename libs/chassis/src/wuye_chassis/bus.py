"""NATS JetStream: connection, streams, and the CloudEvents-style headers every event carries.

One stream (``WUYE`` by default) holds every event subject ``wuye.<service>.v1.<Event>``; a second
stream holds dead letters under ``dlq.wuye.<consumer>``. Both are created or updated idempotently by
every service at start, so start-up order does not matter. The event subject is the protobuf message's
full name, which is also the CloudEvents ``type``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import nats
from google.protobuf.message import Message
from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError, ServiceUnavailableError

log = logging.getLogger(__name__)

EVENT_SUBJECTS = "wuye.>"
DEAD_LETTER_PREFIX = "dlq.wuye"
MSG_ID = "Nats-Msg-Id"
CONTENT_TYPE = "application/protobuf"
#: JetStream drops a second publish with the same Nats-Msg-Id inside this window
DUPLICATE_WINDOW_SECONDS = 120.0
#: how long start-up keeps asking a JetStream cluster that has no leader yet, or is too busy to answer
SETTLE_SECONDS = 90.0

Result = TypeVar("Result")


async def while_jetstream_settles(
    call: Callable[[], Awaitable[Result]], *, what: str, within: float = SETTLE_SECONDS
) -> Result:
    """``call()``, asked again while JetStream cannot answer yet: a clustered stream or consumer is created
    by the cluster's leaders, which a cluster that is starting or has just lost a node is still electing,
    and many replicas starting at once keep it busy. Any other error, and the last one, is raised."""
    deadline = time.monotonic() + within
    pause = 0.5
    while True:
        try:
            return await call()
        except (NatsTimeoutError, NoRespondersError, ServiceUnavailableError) as exc:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("JetStream did not answer %s yet (%s); asking again in %.1f s", what, type(exc).__name__, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)


def event_type_of(message: Message | type[Message]) -> str:
    return message.DESCRIPTOR.full_name


def dead_letter_subject(consumer: str) -> str:
    return f"{DEAD_LETTER_PREFIX}.{consumer}"


@dataclass(frozen=True)
class EventHeaders:
    """The CloudEvents attributes, in NATS headers (binary content mode)."""

    event_id: str
    event_type: str
    source: str
    time: dt.datetime
    subject: str

    def to_nats(self) -> dict[str, str]:
        return {
            MSG_ID: self.event_id,
            "ce-specversion": "1.0",
            "ce-id": self.event_id,
            "ce-type": self.event_type,
            "ce-source": self.source,
            "ce-time": self.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "ce-subject": self.subject,
            "content-type": CONTENT_TYPE,
        }

    @classmethod
    def from_nats(cls, headers: dict[str, str] | None) -> EventHeaders:
        headers = headers or {}
        event_id = headers.get("ce-id") or headers.get(MSG_ID)
        if not event_id or "ce-type" not in headers:
            raise ValueError("message lacks the ce-id/ce-type headers of a Wuye event")
        time_text = headers.get("ce-time", "").replace("Z", "+00:00")
        return cls(
            event_id=event_id,
            event_type=headers["ce-type"],
            source=headers.get("ce-source", ""),
            time=dt.datetime.fromisoformat(time_text) if time_text else dt.datetime.now(dt.UTC),
            subject=headers.get("ce-subject", ""),
        )


def nats_servers(url: str) -> list[str]:
    """The servers of ``WUYE_NATS_URL``: one address, or a cluster's addresses separated by commas (the
    client fails over between them and learns the rest of the cluster from the first it reaches)."""
    return [server.strip() for server in url.split(",") if server.strip()]


class EventBus:
    def __init__(
        self, url: str, *, client_name: str, stream: str = "WUYE", replicas: int = 1,
        user: str = "", password: str = "",
    ) -> None:
        self.url = url
        self._credentials = {"user": user, "password": password} if user else {}
        self.client_name = client_name
        self.stream = stream
        self.dead_letter_stream = f"{stream}_DLQ"
        self.replicas = replicas
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("EventBus.connect() has not been called")
        return self._js

    @property
    def is_connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def connect(self) -> None:
        async def on_disconnect() -> None:
            log.warning("disconnected from NATS")

        async def on_reconnect() -> None:
            log.info("reconnected to NATS")

        async def on_error(exc: Exception) -> None:
            log.warning("NATS error: %s", exc)

        self._nc = await nats.connect(
            nats_servers(self.url),
            name=self.client_name,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=5,
            disconnected_cb=on_disconnect,
            reconnected_cb=on_reconnect,
            error_cb=on_error,
            **self._credentials,
        )
        self._js = self._nc.jetstream(timeout=5)

    async def ensure_streams(self) -> None:
        await self._ensure_stream(
            StreamConfig(
                name=self.stream,
                subjects=[EVENT_SUBJECTS],
                retention=RetentionPolicy.LIMITS,
                storage=StorageType.FILE,
                num_replicas=self.replicas,
                duplicate_window=DUPLICATE_WINDOW_SECONDS,
                max_age=365 * 24 * 3600.0,
                discard=DiscardPolicy.OLD,
            )
        )
        await self._ensure_stream(
            StreamConfig(
                name=self.dead_letter_stream,
                subjects=[f"{DEAD_LETTER_PREFIX}.>"],
                retention=RetentionPolicy.LIMITS,
                storage=StorageType.FILE,
                num_replicas=self.replicas,
            )
        )

    async def _ensure_stream(self, config: StreamConfig) -> None:
        assert config.name is not None

        async def create_or_update() -> None:
            assert config.name is not None
            try:
                await self.js.stream_info(config.name)
            except NotFoundError:
                await self.js.add_stream(config)
                log.info("created stream %s", config.name)
            else:
                await self.js.update_stream(config)

        await while_jetstream_settles(create_or_update, what=f"for stream {config.name}")

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()
        self._nc = None
        self._js = None
