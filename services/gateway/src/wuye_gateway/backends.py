"""gRPC channels to the services, opened once per gateway process."""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from wuye.complaints.v1 import complaints_pb2_grpc
from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye.funds.v1 import funds_pb2_grpc
from wuye.ratings.v1 import ratings_pb2_grpc
from wuye.registry.v1 import registry_pb2_grpc
from wuye_chassis.grpc_client import channel
from wuye_gateway.settings import SERVICES, GatewaySettings

REGISTRY = "wuye.registry.v1.RegistryService"
COMPLAINTS = "wuye.complaints.v1.ComplaintsService"
FUNDS = "wuye.funds.v1"
ENFORCEMENT = "wuye.enforcement.v1.EnforcementService"
RATINGS = "wuye.ratings.v1.RatingsService"
#: reads, which a retry cannot apply twice (writes are made safe by idempotency keys instead)
IDEMPOTENT = [
    *((REGISTRY, rpc) for rpc in ("GetJurisdiction", "ListJurisdictions", "GetCompound", "ListCompounds",
                                  "ListBuildings", "GetOwnerRoster", "GetCommittee", "GetCoverage")),
    (COMPLAINTS, "GetCase"),
    (COMPLAINTS, "ListCases"),
    (COMPLAINTS, "ListCategories"),
    (COMPLAINTS, "GetComplaintFigures"),
    *((f"{FUNDS}.{service}", rpc) for service, rpc in (
        ("DisclosureService", "GetCompoundTransparency"), ("MaintenanceFundService", "GetCompound"),
        ("MaintenanceFundService", "GetMaintenanceAccount"), ("VoteService", "GetVote"), ("VoteService", "ListVotes"),
        ("MaintenanceFundService", "GetUseApplication"), ("CommitteeAccountService", "GetCommitteeExpense"),
        ("CommitteeAccountService", "ListCommitteeExpenses"), ("LedgerService", "ListLedgerEntries"),
        ("LedgerService", "VerifyLedger"),
    )),
    *((ENFORCEMENT, rpc) for rpc in ("ListDepartments", "ListInspectionItems", "GetPlan", "GetInspection",
                                     "GetOrder", "GetEnforcementFigures")),
    *((RATINGS, rpc) for rpc in ("GetScoreCard", "ListCreditRecords", "GetLists", "GetRankings",
                                 "GetQuarterlyEvaluation")),
    ("grpc.health.v1.Health", "Check"),
]


class Backends:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.channels: dict[str, grpc.aio.Channel] = {
            name: channel(settings.address_of(name), idempotent_methods=IDEMPOTENT) for name in SERVICES
        }
        self.registry = registry_pb2_grpc.RegistryServiceStub(self.channels["registry"])
        self.complaints = complaints_pb2_grpc.ComplaintsServiceStub(self.channels["complaints"])
        # the funds process serves one gRPC service per area
        self.ledgers = funds_pb2_grpc.LedgerServiceStub(self.channels["funds"])
        self.votes = funds_pb2_grpc.VoteServiceStub(self.channels["funds"])
        self.maintenance_fund = funds_pb2_grpc.MaintenanceFundServiceStub(self.channels["funds"])
        self.committee_account = funds_pb2_grpc.CommitteeAccountServiceStub(self.channels["funds"])
        self.community_funds = funds_pb2_grpc.CommunityFundsServiceStub(self.channels["funds"])
        self.disclosures = funds_pb2_grpc.DisclosureServiceStub(self.channels["funds"])
        self.enforcement = enforcement_pb2_grpc.EnforcementServiceStub(self.channels["enforcement"])
        self.ratings = ratings_pb2_grpc.RatingsServiceStub(self.channels["ratings"])

    async def health(self) -> dict[str, str]:
        """Each service's gRPC health ("SERVING", "NOT_SERVING", or why it could not be asked)."""

        async def check(name: str) -> tuple[str, str]:
            stub = health_pb2_grpc.HealthStub(self.channels[name])
            try:
                answer = await stub.Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=self.settings.health_timeout_seconds
                )
            except grpc.aio.AioRpcError as exc:
                return name, f"UNREACHABLE ({exc.code().name})"
            return name, health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)

        return dict(await asyncio.gather(*(check(name) for name in self.channels)))

    async def close(self) -> None:
        await asyncio.gather(*(ch.close() for ch in self.channels.values()))
