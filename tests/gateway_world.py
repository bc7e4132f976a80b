"""A small Hui'an world for the gateway tests, built through the gateway (and over gRPC where the REST
surface deliberately has no write: households and the departments' catalogue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import grpc
import jwt
import sqlalchemy as sa

from tests.people import appoint
from tests.platform import ISSUER, Gateway
from wuye.enforcement.v1 import enforcement_pb2, enforcement_pb2_grpc
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceDefinition
from wuye_chassis.auth import AuthContext
from wuye_funds.entrypoints.app import build as build_funds
from wuye_funds.settings import FundsSettings

CITY_ADMIN = AuthContext(user="city-admin", roles=frozenset({"city_admin"}), scope="350500")
HIERARCHY = [
    ("", "350500", "泉州市"),
    ("350500", "350521", "惠安县"),
    ("350521", "350521100", "螺城镇"),
    ("350521100", "350521100001", "凤凰城社区"),
    ("350500", "350524", "安溪县"),
    ("350524", "350524100", "凤城镇"),
    ("350524100", "350524100001", "东岳社区"),
]
HUIAN_COMMUNITY = "350521100001"
ANXI_COMMUNITY = "350524100001"


def funds_definition(database_url: str, nats_url: str, registry_port: int) -> ServiceDefinition:
    """The funds service asking this registry for owner rosters."""
    return build_funds(FundsSettings(database_url=database_url, nats_url=nats_url, grpc_port=0,
                                     registry_addr=f"127.0.0.1:{registry_port}"))


async def register_hierarchy(gateway: Gateway) -> None:
    admin = await gateway.token("city-admin")
    for parent, code, name in HIERARCHY:
        answer = await gateway.client.post(
            "/api/v1/jurisdictions", json={"parent_code": parent, "code": code, "name": name}, headers=admin
        )
        assert answer.status_code == 201, answer.text


async def register_compound(gateway: Gateway, community_code: str, code: str, name: str) -> dict[str, Any]:
    answer = await gateway.client.post("/api/v1/compounds", headers=await gateway.token("city-admin"), json={
        "community_code": community_code, "code": code, "name": name, "compound_type": "commodity",
        "management_mode": "company"})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def register_serving_company(
    gateway: Gateway, compound: dict[str, Any], uscc: str, *, start_on: str = "2026-01-01"
) -> dict[str, Any]:
    """A company registered in the compound's county, serving it under a contract from ``start_on``."""
    admin = await gateway.token("city-admin")
    county = compound["jurisdiction_path"].split("/")[1]
    company = await gateway.client.post("/api/v1/companies", headers=admin, json={
        "jurisdiction_code": county, "uscc": uscc, "name": f"物业公司{uscc[-4:]}", "party_org_mode": "none"})
    assert company.status_code == 201, company.text
    contract = await gateway.client.post("/api/v1/contracts", headers=admin, json={
        "compound_id": compound["id"], "company_id": company.json()["id"], "mode": "tender",
        "start_on": start_on, "end_on": "2028-12-31"})
    assert contract.status_code == 201, contract.text
    return company.json()


async def configure_funds(gateway: Gateway, compound: dict[str, Any]) -> None:
    answer = await gateway.client.post("/api/v1/funds/compounds", headers=await gateway.token("city-admin"), json={
        "compound": {"compound_id": compound["id"], "jurisdiction_path": compound["jurisdiction_path"]}})
    assert answer.status_code == 200, answer.text


async def add_owned_households(
    registry_port: int, building_id: str, count: int, community_code: str = HUIAN_COMMUNITY
) -> None:
    """Owners and their households straight over gRPC: the REST surface reads households, never writes them."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
        registry = registry_pb2_grpc.RegistryServiceStub(channel)
        for unit in range(1, count + 1):
            person = (await registry.RegisterPerson(registry_pb2.RegisterPersonRequest(
                community_code=community_code, name=f"业主{unit}", phone=f"1380{community_code[-4:]}{unit:03d}",
            ), metadata=CITY_ADMIN.to_metadata())).person
            await registry.AddHousehold(registry_pb2.AddHouseholdRequest(
                building_id=building_id, unit_number=f"{unit:02d}01", area_dm2=8957,
                owners=[registry_pb2.OwnerShare(person_id=person.id, share="1")],
            ), metadata=CITY_ADMIN.to_metadata())


async def add_housing_item(enforcement_port: int, code: str = "LIFT-01") -> None:
    """A housing inspection item; departments contribute their catalogue over gRPC directly."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{enforcement_port}") as channel:
        await enforcement_pb2_grpc.EnforcementServiceStub(channel).CreateInspectionItem(
            enforcement_pb2.CreateInspectionItemRequest(item=enforcement_pb2.InspectionItem(
                code=code, lead_department="housing", content="电梯年检是否有效", legal_basis="《特种设备安全法》",
                standard="年检合格", frequency=enforcement_pb2.FREQUENCY_ANNUAL)),
            metadata=CITY_ADMIN.to_metadata(),
        )


async def enforcement_knows_serving_company(gateway: Gateway, compound: dict[str, Any], company: dict[str, Any]) -> bool:
    """Whether enforcement has the compound with its serving company: a plan charges its findings to the
    company enforcement knows when it is made, and the registry's CompoundRegistered alone is not enough."""
    async with gateway.apps["enforcement"].runtime.db.reads() as session:
        return bool(await session.scalar(
            sa.text("SELECT count(*) FROM known_compounds WHERE compound_id = :compound AND company_id = :company"),
            {"compound": compound["id"], "company": company["id"]},
        ))


def company_staff_token(gateway: Gateway, company_id: str, scope: str = "350500/350521") -> dict[str, str]:
    """A company_staff token whose wuye_company claim names this company (as the identity provider issues)."""
    issuer = gateway.app.state.dev_issuer
    now = dt.datetime.now(dt.UTC)
    claims = {"iss": ISSUER, "aud": "wuye", "sub": f"staff-of-{company_id[-6:]}", "exp": now + dt.timedelta(hours=1),
              "roles": ["company_staff"], "wuye_scope": scope, "wuye_company": company_id}
    token = jwt.encode(claims, issuer._private_key, algorithm="RS256", headers={"kid": issuer.key_id})
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class OwnersCompound:
    compound: registry_pb2.Compound
    #: 陈建国 (huian-resident), 王文斌 (huian-coowner), 许志强 and 林秀英, as registry person ids
    owners: tuple[str, str, str, str]


async def register_owners_compound(registry_port: int) -> OwnersCompound:
    """The jurisdictions, and 凤凰城 with 陈建国 owning 1-101 alone, 王文斌 and 许志强 owning 1-104 together and
    林秀英 owning 1-201 (100 m² each); the city admin and the community worker hold their posts."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for parent, code, name in HIERARCHY:
            await stub.RegisterJurisdiction(registry_pb2.RegisterJurisdictionRequest(
                parent_code=parent, code=code, name=name), metadata=CITY_ADMIN.to_metadata())
        await appoint(registry_port, "city-admin", community_code=HUIAN_COMMUNITY)
        await appoint(registry_port, "huian-community", community_code=HUIAN_COMMUNITY)
        chen = await appoint(registry_port, "huian-resident", community_code=HUIAN_COMMUNITY)
        wang = await appoint(registry_port, "huian-coowner", community_code=HUIAN_COMMUNITY)
        xu, lin = [(await stub.RegisterPerson(registry_pb2.RegisterPersonRequest(
            community_code=HUIAN_COMMUNITY, name=name), metadata=CITY_ADMIN.to_metadata())).person.id
            for name in ("许志强", "林秀英")]
        compound = (await stub.RegisterCompound(registry_pb2.RegisterCompoundRequest(
            community_code=HUIAN_COMMUNITY, code="FHC", name="凤凰城", compound_type=registry_pb2.COMPOUND_TYPE_COMMODITY,
            management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY), metadata=CITY_ADMIN.to_metadata())).compound
        building = (await stub.AddBuilding(registry_pb2.AddBuildingRequest(
            compound_id=compound.id, code="1", name="1号楼"), metadata=CITY_ADMIN.to_metadata())).building
        for unit, owners in (("101", [chen]), ("104", [wang, xu]), ("201", [lin])):
            await stub.AddHousehold(registry_pb2.AddHouseholdRequest(
                building_id=building.id, unit_number=unit, area_dm2=10_000,
                owners=[registry_pb2.OwnerShare(person_id=owner, share=f"1/{len(owners)}") for owner in owners],
            ), metadata=CITY_ADMIN.to_metadata())
    return OwnersCompound(compound, (chen, wang, xu, lin))


async def form_owners_committee(registry_port: int, compound_id: str, chair: str, members: list[str]) -> str:
    """The compound's owners' committee of ``chair`` and ``members`` (each screened first), in office from
    2026-02-01 for five years; its id."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for person in (chair, *members):
            await stub.ProposeCandidate(registry_pb2.ProposeCandidateRequest(
                compound_id=compound_id, person_id=person, screened_on="2026-01-15",
                positions=[registry_pb2.RESERVE_POSITION_OWNERS_COMMITTEE_MEMBER]), metadata=CITY_ADMIN.to_metadata())
        committee = (await stub.FormCommittee(registry_pb2.FormCommitteeRequest(
            compound_id=compound_id, kind=registry_pb2.COMMITTEE_KIND_OWNERS_COMMITTEE, term_start="2026-02-01",
            term_end="2031-02-01", members=[registry_pb2.CommitteeMember(person_id=chair, role=registry_pb2.MEMBER_ROLE_CHAIR)]
            + [registry_pb2.CommitteeMember(person_id=person, role=registry_pb2.MEMBER_ROLE_MEMBER) for person in members],
        ), metadata=CITY_ADMIN.to_metadata())).committee
    return committee.id
