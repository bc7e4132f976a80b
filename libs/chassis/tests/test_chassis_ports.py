"""Ports for the processes the local stack and the tests start: below the kernel's ephemeral range, so a
stopped server's port cannot be taken by an outgoing connection before it starts again."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from wuye_chassis import natsd


def test_free_ports_lie_below_the_ephemeral_range_and_can_be_bound() -> None:
    start = natsd._ephemeral_start()
    for _ in range(50):
        port = natsd.free_port()
        assert natsd.LOWEST_PORT <= port < start
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))


def test_a_process_is_never_handed_the_same_port_twice() -> None:
    # a stack asks for all its processes' ports before any of them binds one
    ports = [natsd.free_port() for _ in range(500)]
    assert len(set(ports)) == len(ports)


def test_a_port_in_use_is_never_handed_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # a range of exactly one port, which is taken: nothing to hand out
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        range_file = tmp_path / "ip_local_port_range"
        range_file.write_text(f"{port + 1}\t60999\n")
        monkeypatch.setattr(natsd, "EPHEMERAL_PORTS", range_file)
        monkeypatch.setattr(natsd, "LOWEST_PORT", port - 1)
        taken_below = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            try:
                taken_below.bind(("127.0.0.1", port - 1))
            except OSError:
                pass  # in use already: taken all the same
            with pytest.raises(RuntimeError, match="no free port"):
                natsd.free_port()
        finally:
            taken_below.close()
