"""``make run`` supervises: a process that dies is started again with backoff and the stack keeps running."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.localstack import LocalStack, Supervisor
from tests.support import eventually


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_dead_process_is_restarted_after_1_then_2_then_4_seconds_at_most_the_maximum() -> None:
    clock = FakeClock()
    supervisor = Supervisor(max_delay=4.0, stable_after=60.0, clock=clock)
    waits = []
    for _ in range(4):
        died_at = clock.now
        while not supervisor.may_restart("complaints"):
            clock.now += 0.25
        waits.append(clock.now - died_at)
    assert waits == [1.0, 2.0, 4.0, 4.0]


def test_a_process_that_stayed_up_long_enough_is_restarted_after_1_second_again() -> None:
    clock = FakeClock()
    supervisor = Supervisor(stable_after=60.0, clock=clock)
    for _ in range(3):  # three quick deaths: the delay grows to 4 s
        while not supervisor.may_restart("ratings"):
            clock.now += 0.5
    supervisor.seen_running("ratings")
    clock.now += 60
    supervisor.seen_running("ratings")
    died_at = clock.now
    while not supervisor.may_restart("ratings"):
        clock.now += 0.5
    assert clock.now - died_at == 1.0


@pytest.mark.slow
async def test_a_service_killed_with_sigkill_is_back_and_the_stack_serves_again(tmp_path: Path) -> None:
    stack = LocalStack(data_dir=tmp_path / "var")
    stack.start()
    try:
        stack.wait_ready(timeout=90)
        stack.processes["complaints"].kill()
        supervisor = Supervisor()

        async def revived() -> bool:
            return "complaints" in stack.revive(supervisor)

        await eventually(revived, timeout=10)
        assert stack.processes["complaints"].running and stack.processes["gateway"].running
        assert stack.wait_ready(timeout=60)["complaints"] == "SERVING"
    finally:
        stack.stop()
