"""NATS credentials (issue 19, finding 2): one user per service, publishing only its own events.

The probe's attack was five forged ComplaintClosed events from an anonymous client. Against the embedded
server as ``make run`` starts it (wuye_chassis.nats_accounts): anonymous clients are refused, a service
cannot publish another's events or delete the stream, and a real publisher and a pull consumer still work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import nats
import pytest
from nats.errors import NoServersError

from wuye_chassis.bus import EventBus
from wuye_chassis.nats_accounts import environment_references
from wuye_chassis.natsd import EmbeddedNats

PASSWORDS = {"complaints": "complaints-pw-0123456789", "ratings": "ratings-pw-0123456789", "ops": "ops-pw-0123456789"}
CLOSED = "wuye.complaints.v1.ComplaintClosed"


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "nats", passwords=PASSWORDS).start()
    publisher = EventBus(server.url, client_name="complaints", user="complaints", password=PASSWORDS["complaints"])
    await publisher.connect()
    await publisher.ensure_streams()
    await publisher.close()
    yield server
    server.stop()


async def messages_on(server: EmbeddedNats, subject: str) -> int:
    connection = await nats.connect(server.url_for("ops"))
    try:
        info = await connection.jetstream().stream_info("WUYE", subjects_filter=subject)
        return sum((info.state.subjects or {}).values())
    finally:
        await connection.close()


async def test_an_anonymous_client_is_refused(guarded: EmbeddedNats) -> None:
    with pytest.raises((NoServersError, nats.errors.Error)):
        await nats.connect(guarded.url, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=2)
    with pytest.raises((NoServersError, nats.errors.Error)):
        await nats.connect(f"nats://ratings:wrong@127.0.0.1:{guarded.port}", allow_reconnect=False,
                           max_reconnect_attempts=0, connect_timeout=2)


async def test_a_service_cannot_publish_another_services_events(guarded: EmbeddedNats) -> None:
    ratings = await nats.connect(guarded.url_for("ratings"))
    try:
        with pytest.raises(Exception, match="(?i)permission|timeout"):
            await ratings.jetstream(timeout=2).publish(CLOSED, b"forged")
    finally:
        await ratings.close()
    assert await messages_on(guarded, CLOSED) == 0

    complaints = await nats.connect(guarded.url_for("complaints"))
    try:
        acknowledged = await complaints.jetstream(timeout=5).publish(CLOSED, b"real")
    finally:
        await complaints.close()
    assert acknowledged.stream == "WUYE"
    assert await messages_on(guarded, CLOSED) == 1


async def test_a_service_cannot_delete_or_purge_the_stream_and_ops_cannot_publish(guarded: EmbeddedNats) -> None:
    ratings = await nats.connect(guarded.url_for("ratings"))
    try:
        manager = ratings.jetstream(timeout=2)
        for destroy in (manager.delete_stream("WUYE"), manager.purge_stream("WUYE")):
            with pytest.raises(Exception, match="(?i)permission|timeout|no responders"):
                await destroy
    finally:
        await ratings.close()
    ops = await nats.connect(guarded.url_for("ops"))
    try:
        with pytest.raises(Exception, match="(?i)permission|timeout|no responders"):
            await ops.jetstream(timeout=2).publish(CLOSED, b"forged by ops")
    finally:
        await ops.close()
    assert await messages_on(guarded, CLOSED) == 0


async def test_a_consumer_still_reads_and_acknowledges_another_services_events(guarded: EmbeddedNats) -> None:
    complaints = await nats.connect(guarded.url_for("complaints"))
    await complaints.jetstream(timeout=5).publish(CLOSED, b"real")
    await complaints.close()
    ratings = await nats.connect(guarded.url_for("ratings"))
    try:
        subscription = await ratings.jetstream(timeout=5).pull_subscribe(CLOSED, durable="ratings-credit-events",
                                                                          stream="WUYE")
        [message] = await subscription.fetch(1, timeout=5)
        assert message.data == b"real"
        await message.ack_sync()
    finally:
        await ratings.close()


def test_the_printed_configuration_reads_each_password_from_the_environment() -> None:
    text = environment_references(["registry"])
    assert '"password": $WUYE_NATS_PASSWORD_REGISTRY,' in text and "$WUYE_NATS_PASSWORD_OPS" in text
    assert '"wuye.registry.>"' in text
