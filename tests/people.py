"""The demo's people in a test registry: development accounts registered as persons holding their posts
(A1), so a gateway that takes roles from the registry (``roles_from_token=False``) meets them."""

from __future__ import annotations

import grpc

from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.auth import AuthContext
from wuye_chassis.proto_values import enum_number
from wuye_gateway.identity import DEV_ACCOUNTS

#: who appoints in tests: a city administrator that is no registered person (the bootstrap's place)
APPOINTER = AuthContext(user="bootstrap-admin", roles=frozenset({"city_admin"}), scope="350500")


async def appoint(
    registry_port: int, username: str, *, community_code: str, company_id: str = "", started_on: str = ""
) -> str:
    """Register the account's person (its name and phone) in ``community_code`` and give it its post; a
    resident account gets no post (make it an owner with the registry's households). The person's id."""
    account = DEV_ACCOUNTS[username]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
        registry = registry_pb2_grpc.RegistryServiceStub(channel)
        person = await registry.RegisterPerson(registry_pb2.RegisterPersonRequest(
            community_code=community_code, name=account.name, phone=account.phone), metadata=APPOINTER.to_metadata())
        if account.role != "resident":
            await registry.AssignPost(registry_pb2.AssignPostRequest(
                person_id=person.person.id, kind=enum_number(registry_pb2.PostKind, account.role),
                jurisdiction_code="" if company_id else account.scope.rsplit("/", 1)[-1],
                company_id=company_id, department=account.department, started_on=started_on,
            ), metadata=APPOINTER.to_metadata())
    return person.person.id


async def give_post(registry_port: int, person_id: str, kind: str, jurisdiction_code: str) -> str:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
        answer = await registry_pb2_grpc.RegistryServiceStub(channel).AssignPost(registry_pb2.AssignPostRequest(
            person_id=person_id, kind=enum_number(registry_pb2.PostKind, kind), jurisdiction_code=jurisdiction_code,
        ), metadata=APPOINTER.to_metadata())
    return answer.post.post_id
