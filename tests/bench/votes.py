"""Vote tally for a 3,000-household compound: the funds service's CloseVote beside the pure domain tally.

The electorate is a roster snapshot of 3,000 units (a few owners hold several units, some stock is
unsold); 2,400 owners vote through the real gRPC API (recorded by a community worker) before the timing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import grpc

from services.funds.tests.funds_support import COMMUNITY_WORKER, Registry
from tests.platform import definition
from wuye.funds.v1 import funds_pb2, funds_pb2_grpc
from wuye.registry.v1 import registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.natsd import EmbeddedNats
from wuye_funds.domain.voting import Ballot, Choice, Matter, RosterUnit, build_electorate, tally
from wuye_funds.entrypoints.app import build
from wuye_funds.settings import FundsSettings

UNITS = 3_000
VOTERS = 2_400


def roster() -> list[tuple[str, str, str, int, bool]]:
    """(unit, owner, building, area dm², unsold): every 50th unit unsold, every 100th owner holds two units."""
    units = []
    for n in range(UNITS):
        owner = f"owner-{n - 1 if n % 100 == 1 else n}"
        units.append((f"u{n}", owner, f"b{n % 30}", 7_000 + (n * 37) % 6_000, n % 50 == 0))
    return units


def choice(n: int) -> Choice:
    return (Choice.YES, Choice.YES, Choice.YES, Choice.NO, Choice.ABSTAIN)[n % 5]


async def run() -> list[tuple[str, str, str, str]]:
    units = roster()
    owners = sorted({owner for _, owner, _, _, unsold in units if not unsold})[:VOTERS]

    started = time.perf_counter()
    electorate = build_electorate([RosterUnit(u, o, a, b, s) for u, o, b, a, s in units])
    result = tally(electorate, Matter.USE_MAINTENANCE_FUND,
                   [Ballot(i + 1, owner, choice(i)) for i, owner in enumerate(owners)])
    domain_ms = (time.perf_counter() - started) * 1000

    with tempfile.TemporaryDirectory() as folder:
        nats_server = EmbeddedNats(Path(folder) / "nats").start()
        # funds places the compound where the registry does (A4), so the registry runs beside it
        registry_app = ServiceApp(definition("registry", f"sqlite+aiosqlite:///{folder}/registry.db", nats_server.url))
        await registry_app.start()
        app = ServiceApp(build(FundsSettings(
            database_url=f"sqlite+aiosqlite:///{folder}/funds.db", nats_url=nats_server.url, grpc_port=0,
            registry_addr=f"127.0.0.1:{registry_app.port}",
        )))
        try:
            await app.start()
            async with (
                grpc.aio.insecure_channel(f"127.0.0.1:{registry_app.port}") as registry_channel,
                grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel,
            ):
                compound_id = await Registry(registry_pb2_grpc.RegistryServiceStub(registry_channel)).place()
                votes = funds_pb2_grpc.VoteServiceStub(channel)
                metadata = COMMUNITY_WORKER.to_metadata()
                vote = (
                    await votes.OpenVote(
                        funds_pb2.OpenVoteRequest(
                            compound_id=compound_id, matter=funds_pb2.MATTER_USE_MAINTENANCE_FUND, title="电梯更换",
                            roster=[
                                funds_pb2.RosterUnit(unit_id=u, owner_key=o, building_id=b, area_dm2=a,
                                                     developer_unsold=s)
                                for u, o, b, a, s in units
                            ],
                        ),
                        metadata=metadata,
                    )
                ).vote
                cast_started = time.perf_counter()
                for i, owner in enumerate(owners):
                    await votes.CastBallot(
                        funds_pb2.CastBallotRequest(
                            vote_id=vote.vote_id, owner_key=owner, authorisation_ref=f"授权书-{i}",
                            choice=funds_pb2.Choice.Value(f"CHOICE_{choice(i).name}"),
                        ),
                        metadata=metadata,
                    )
                cast_rate = VOTERS / (time.perf_counter() - cast_started)
                close_started = time.perf_counter()
                closed = await votes.CloseVote(funds_pb2.CloseVoteRequest(vote_id=vote.vote_id), metadata=metadata)
                close_ms = (time.perf_counter() - close_started) * 1000
        finally:
            await app.stop()
            await registry_app.stop()
            nats_server.stop()
    assert closed.vote.result.passed == result.passed  # the service decides exactly as the domain
    return [
        (f"vote tally, {UNITS:,}-unit compound, pure domain (ceiling)", "-", f"{domain_ms:.1f} ms", "1.00"),
        (f"CloseVote over gRPC, {VOTERS:,} ballots stored (SQLite)", "-", f"{close_ms:.1f} ms",
         f"{domain_ms / close_ms:.2f}"),
        ("CastBallot over gRPC, sequential (SQLite)", f"{cast_rate:,.0f}/s", "-", "-"),
    ]
