"""Background tasks: a periodic task keeps its schedule through failures, and the app starts and stops it."""

from __future__ import annotations

import asyncio
import dataclasses

from tests.platform import StartService, definition
from tests.support import eventually
from wuye_chassis.background import PeriodicTask
from wuye_chassis.natsd import EmbeddedNats


async def test_periodic_task_keeps_running_after_a_failing_round_and_stops_for_good() -> None:
    rounds: list[int] = []

    async def action() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("the first round fails")

    task = PeriodicTask("test-periodic", 0.01, action)
    await task.start()
    await eventually(lambda: asyncio.sleep(0, result=len(rounds) >= 3))
    await task.stop()
    stopped_at = len(rounds)
    await asyncio.sleep(0.05)
    assert len(rounds) == stopped_at


class RecordingTask:
    def __init__(self) -> None:
        self.events: list[str] = []

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")


async def test_service_app_starts_its_background_tasks_and_stops_them_on_shutdown(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    task = RecordingTask()
    service = dataclasses.replace(
        definition("registry", database_url, nats_server.url), background=lambda runtime: [task]
    )
    app = await start_service(service)
    assert task.events == ["start"]
    await app.stop()
    assert task.events == ["start", "stop"]
