"""Vote tally for a 3,000-household compound: the funds service's CloseVote beside the pure domain tally.

The compound is imported into a real registry the way a county loads its register (the bulk importer over
CSV files): 3,000 units in 30 buildings, every 50th unsold, every 100th owner holding two units. Funds
beside it opens the vote on the registry's roster (A4); 2,400 owners vote through the real gRPC API
(paper ballots a community worker enters) before the timing. The domain tally is timed on the same
roster and the same ballots.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

import grpc

from services.funds.tests.funds_support import CITY_ADMIN, COMMUNITY, COMMUNITY_WORKER
from tests.platform import definition
from wuye.funds.v1 import funds_pb2, funds_pb2_grpc
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp, ServiceRuntime
from wuye_chassis.migrations import migrate_async
from wuye_chassis.natsd import EmbeddedNats
from wuye_funds.domain.voting import Ballot, Choice, Matter, RosterUnit, build_electorate, tally
from wuye_funds.entrypoints.app import build as build_funds
from wuye_funds.settings import FundsSettings
from wuye_registry.adapters.import_files import COLUMNS
from wuye_registry.domain.commands import ImportCounty
from wuye_registry.entrypoints.app import build as build_registry
from wuye_registry.service.bulk_import.county import import_county
from wuye_registry.settings import RegistrySettings

UNITS = 3_000
VOTERS = 2_400
READS = 500
BUILDINGS = 30


def write_register(folder: Path) -> None:
    """凤凰城 as the county's import files."""
    codes = COMMUNITY.split("/")
    tables: dict[str, list[tuple[str, ...]]] = {
        "jurisdictions": [(parent, code, code) for parent, code in zip(["", *codes], codes)],
        "compounds": [("FHC", "凤凰城", "commodity", "company", codes[-1])],
        "buildings": [("FHC", f"b{b}", f"{b}号楼") for b in range(BUILDINGS)],
        "households": [],
        "owners": [],
    }
    for n in range(UNITS):
        unit = ("FHC", f"b{n % BUILDINGS}", f"{n:04d}")
        unsold = n % 50 == 0
        tables["households"].append((*unit, f"{70 + (n * 37) % 6_000 / 100:.2f}", "true" if unsold else "false"))
        if not unsold:
            owner = n - 1 if n % 100 == 1 else n  # the owner of unit 100 also bought unit 101
            tables["owners"].append((*unit, f"P{owner:05d}", f"业主{owner}", "", "", "1"))
    for kind, rows in tables.items():
        with (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(COLUMNS[kind])
            writer.writerows(rows)


async def import_register(folder: Path, database_url: str) -> None:
    county = folder / "county"
    county.mkdir()
    write_register(county)
    registry = build_registry(RegistrySettings(database_url=database_url))
    await migrate_async(database_url, registry.migrations)
    runtime = ServiceRuntime(registry)
    try:
        await import_county(ImportCounty(str(county)), runtime.unit_of_work())
    finally:
        await runtime.db.dispose()


def choice(n: int) -> Choice:
    return (Choice.YES, Choice.YES, Choice.YES, Choice.NO, Choice.ABSTAIN)[n % 5]


async def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        registry_url = f"sqlite+aiosqlite:///{folder / 'registry.db'}"
        await import_register(folder, registry_url)
        nats_server = EmbeddedNats(folder / "nats").start()
        registry_app = ServiceApp(definition("registry", registry_url, nats_server.url))
        await registry_app.start()
        app = ServiceApp(build_funds(FundsSettings(
            database_url=f"sqlite+aiosqlite:///{folder / 'funds.db'}", nats_url=nats_server.url, grpc_port=0,
            registry_addr=f"127.0.0.1:{registry_app.port}",
        )))
        try:
            await app.start()
            async with (
                grpc.aio.insecure_channel(f"127.0.0.1:{registry_app.port}") as registry_channel,
                grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel,
            ):
                registry = registry_pb2_grpc.RegistryServiceStub(registry_channel)
                [compound] = (await registry.ListCompounds(registry_pb2.ListCompoundsRequest(
                    jurisdiction_code=COMMUNITY.split("/")[-1]), metadata=CITY_ADMIN.to_metadata())).compounds
                roster = (await registry.GetOwnerRoster(registry_pb2.GetOwnerRosterRequest(
                    compound_id=compound.id), metadata=CITY_ADMIN.to_metadata())).units
                units = [RosterUnit(u.unit_id, u.owner_key, u.area_dm2, u.building_id, u.developer_unsold)
                         for u in roster]
                owners = sorted({unit.owner_key for unit in units if not unit.is_developer_unsold})[:VOTERS]

                started = time.perf_counter()
                result = tally(build_electorate(units), Matter.USE_MAINTENANCE_FUND,
                               [Ballot(i + 1, owner, choice(i)) for i, owner in enumerate(owners)])
                domain_ms = (time.perf_counter() - started) * 1000

                votes = funds_pb2_grpc.VoteServiceStub(channel)
                vote = (await votes.OpenVote(funds_pb2.OpenVoteRequest(
                    compound_id=compound.id, matter=funds_pb2.MATTER_USE_MAINTENANCE_FUND, title="电梯更换",
                ), metadata=COMMUNITY_WORKER.to_metadata())).vote
                assert vote.electorate.owners == result.electorate.owners  # the registry's roster, as the domain's
                cast_started = time.perf_counter()
                for i, owner in enumerate(owners):
                    await votes.CastBallot(
                        funds_pb2.CastBallotRequest(
                            vote_id=vote.vote_id, owner_key=owner, authorisation_ref=f"授权书-{i}",
                            choice=funds_pb2.Choice.Value(f"CHOICE_{choice(i).name}"),
                        ),
                        metadata=COMMUNITY_WORKER.to_metadata(),  # signed per call: a token lives two minutes
                    )
                cast_rate = VOTERS / (time.perf_counter() - cast_started)
                live_rate = await read_rate(votes, vote.vote_id)  # open: with the turnout kept as ballots are cast
                close_started = time.perf_counter()
                closed = await votes.CloseVote(funds_pb2.CloseVoteRequest(vote_id=vote.vote_id),
                                               metadata=COMMUNITY_WORKER.to_metadata())
                close_ms = (time.perf_counter() - close_started) * 1000
                ceiling_rate = await read_rate(votes, vote.vote_id)  # the same stack answering a stored row
        finally:
            await app.stop()
            await registry_app.stop()
            nats_server.stop()
    assert closed.vote.result.passed == result.passed  # the service decides exactly as the domain
    return [
        (f"vote tally, {UNITS:,}-unit compound, pure domain (ceiling)", "-", f"{domain_ms:.1f} ms", "1.00"),
        (f"CloseVote over gRPC, {VOTERS:,} ballots stored (SQLite)", "-", f"{close_ms:.1f} ms",
         f"{domain_ms / close_ms:.2f}"),
        ("GetVote over gRPC of the closed vote, sequential (SQLite, ceiling of the rows below)",
         f"{ceiling_rate:,.0f}/s", "-", "1.00"),
        (f"GetVote over gRPC of the open vote with its live turnout, {VOTERS:,} ballots (SQLite)",
         f"{live_rate:,.0f}/s", "-", f"{live_rate / ceiling_rate:.2f}"),
        (f"CastBallot over gRPC, sequential, {UNITS:,}-unit electorate (SQLite)", f"{cast_rate:,.0f}/s", "-",
         f"{cast_rate / ceiling_rate:.2f}"),
    ]


async def read_rate(votes: funds_pb2_grpc.VoteServiceStub, vote_id: str) -> float:
    started = time.perf_counter()
    for _ in range(READS):
        await votes.GetVote(funds_pb2.GetVoteRequest(vote_id=vote_id), metadata=COMMUNITY_WORKER.to_metadata())
    return READS / (time.perf_counter() - started)
