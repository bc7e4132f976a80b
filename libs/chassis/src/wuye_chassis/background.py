"""Background tasks a service runs beside its gRPC server (schedulers, sweepers).

A service lists them in ``ServiceDefinition.background``; ``ServiceApp`` starts them after the consumers
and stops them before the consumers, so a task never works on a half-stopped process.
``PeriodicTask`` is the common kind: run an action, wait, run it again; a failing round is logged and the
next round runs all the same, because one bad row must not stop the schedule for every other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from opentelemetry.instrumentation.utils import suppress_instrumentation

log = logging.getLogger(__name__)


class BackgroundTask(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class PeriodicTask:
    def __init__(self, name: str, interval_seconds: float, action: Callable[[], Awaitable[object]]) -> None:
        if interval_seconds <= 0:
            raise ValueError(f"interval_seconds must be positive, got {interval_seconds}")
        self.name = name
        self.interval_seconds = interval_seconds
        self.action = action
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                # a round that finds nothing to do would be a trace every interval; the events a round
                # publishes start their own traces at their consumers
                with suppress_instrumentation():
                    await self.action()
            except Exception:
                log.exception("background task %s failed; it runs again in %.1fs", self.name, self.interval_seconds)
            await asyncio.sleep(self.interval_seconds)
