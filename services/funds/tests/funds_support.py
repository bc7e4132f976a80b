"""Shared by the funds service tests: callers, a compound, and a funds service over real gRPC."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.message import Message

from wuye.funds.v1 import funds_pb2, funds_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import from_rpc_error

M = TypeVar("M", bound=Message)

COMMUNITY = "350500/350521/350521100/350521100001"
COMPOUND = "fenghuang-garden"
COMMUNITY_WORKER = AuthContext(user="cw-1", roles=frozenset({"community_worker"}), scope=COMMUNITY)
STREET_OFFICER = AuthContext(user="street", roles=frozenset({"street_officer"}), scope="350500/350521/350521100")
COUNTY_OFFICER = AuthContext(user="huian", roles=frozenset({"county_officer"}), scope="350500/350521")
CITY_ADMIN = AuthContext(user="admin", roles=frozenset({"city_admin"}), scope="350500")
ANXI_OFFICER = AuthContext(user="anxi", roles=frozenset({"county_officer"}), scope="350500/350524")
AUDITOR = AuthContext(user="inspector", roles=frozenset({"auditor"}), scope="350500")
#: the P2 reviewers of 凤凰城's community, by the step each post decides (A3)
REVIEWERS = {
    "community_party_branch": AuthContext(user="party-secretary", roles=frozenset({"party_branch_reviewer"}),
                                          scope=COMMUNITY),
    "residents_committee": AuthContext(user="rc-director", roles=frozenset({"residents_committee_reviewer"}),
                                       scope=COMMUNITY),
}


def resident(owner_key: str, *, person_id: str = "") -> AuthContext:
    """An owner acting as themselves: the person ``person_id`` (the owner key for a sole owner)."""
    return AuthContext(user=person_id or owner_key, roles=frozenset({"resident"}), scope=COMMUNITY,
                       owner_keys=frozenset({owner_key}))


async def refused(call: Awaitable[object]) -> tuple[grpc.StatusCode, WuyeError]:
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call
    error = from_rpc_error(failure.value)
    assert error is not None
    return failure.value.code(), error


def stubs(channel: grpc.aio.Channel) -> dict[str, Any]:
    """Each RPC of the funds API, by name, on the stub of the gRPC service that has it."""
    routed = {}
    for service in funds_pb2.DESCRIPTOR.services_by_name.values():
        stub = getattr(funds_pb2_grpc, f"{service.name}Stub")(channel)
        routed.update({method.name: stub for method in service.methods})
    return routed


@dataclass
class Funds:
    app: ServiceApp
    channel: grpc.aio.Channel
    stubs: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.stubs = stubs(self.channel)

    async def call(self, method: str, request: object, who: AuthContext = COMMUNITY_WORKER) -> Any:
        return await getattr(self.stubs[method], method)(request, metadata=who.to_metadata())

    async def configure(
        self, *, compound_id: str = COMPOUND, path: str = COMMUNITY, follow_majority: bool = False,
        who: AuthContext = COMMUNITY_WORKER,
    ) -> None:
        await self.call(
            "ConfigureCompound",
            funds_pb2.ConfigureCompoundRequest(
                compound=funds_pb2.Compound(compound_id=compound_id, jurisdiction_path=path, follow_majority=follow_majority)
            ),
            who,
        )

    async def open_account(self, households: dict[str, tuple[str, int]], *, rate: int = 3_000, cost: int = 50_000) -> None:
        """A configured compound with a maintenance fund account; ``households``: id → (building, area dm²)."""
        await self.configure()
        await self.call(
            "OpenMaintenanceAccount",
            funds_pb2.OpenMaintenanceAccountRequest(
                compound_id=COMPOUND,
                rate_fen_per_m2=rate,
                construction_cost_fen_per_m2=cost,
                households=[
                    funds_pb2.Household(household_id=household, building_id=building, area_dm2=area)
                    for household, (building, area) in households.items()
                ],
            ),
        )

    async def balances(self) -> dict[str, int]:
        answer = await self.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=COMPOUND))
        return {sub.household_id: sub.balance_fen for sub in answer.account.sub_accounts}

    async def count(self, table: str) -> int:
        async with self.app.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)

    async def counts(self, *tables: str) -> dict[str, int]:
        return {table: await self.count(table) for table in (*tables, "outbox")}

    async def events(self, message_type: type[M]) -> list[M]:
        """The events of this type in the outbox, in the order they were written."""
        async with self.app.runtime.db.sessions() as session:
            rows = await session.execute(
                sa.text("SELECT payload FROM outbox WHERE event_type = :type ORDER BY seq"),
                {"type": message_type.DESCRIPTOR.full_name},
            )
            return [message_type.FromString(payload) for (payload,) in rows.all()]

    async def execute(self, statement: str, **params: object) -> None:
        """Raw SQL behind the service's back, as someone with database access could."""
        async with self.app.runtime.db.sessions() as session:
            await session.execute(sa.text(statement), params)
            await session.commit()
