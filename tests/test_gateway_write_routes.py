"""A1 over every write route of the gateway (read from its OpenAPI description, so a route added later is
covered too): without a token nothing is written (401); a login whose person holds no post and owns no
unit, whose only post has ended, or who names a post that is not theirs acts as nobody (403, rule A1).
The gateway refuses before it reads the body or calls a service."""

from __future__ import annotations

import re

import grpc
import pytest

from tests.gateway_world import CITY_ADMIN, HIERARCHY, HUIAN_COMMUNITY
from tests.people import APPOINTER, appoint
from tests.platform import StartService, definition, gateway_for
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.actors import POST_HEADER

WRITE_METHODS = ("post", "put", "patch", "delete")
#: the development issuer's sign-in is the one write that needs no one signed in
SIGN_IN = "/dev/token"


def write_routes(spec: dict) -> list[tuple[str, str]]:
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "x-1", path))
        for path, operations in spec["paths"].items() if path != SIGN_IN
        for method in operations if method in WRITE_METHODS
    ]


@pytest.fixture
async def actors(database_url: str, nats_server: EmbeddedNats, start_service: StartService):
    registry = await start_service(definition("registry", database_url, nats_server.url))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for parent, code, name in HIERARCHY:
            await stub.RegisterJurisdiction(registry_pb2.RegisterJurisdictionRequest(
                parent_code=parent, code=code, name=name), metadata=CITY_ADMIN.to_metadata())
        await appoint(registry.port, "huian-resident", community_code=HUIAN_COMMUNITY)  # no post, no unit
        await appoint(registry.port, "huian-street", community_code=HUIAN_COMMUNITY, started_on="2019-01-01")
        await appoint(registry.port, "huian-officer", community_code=HUIAN_COMMUNITY)
        community_id = await appoint(registry.port, "huian-community", community_code=HUIAN_COMMUNITY)
        # every write route several times over in a moment: no rate limit in the way
        async with gateway_for({"registry": registry}, roles_from_token=False, actor_cache_seconds=0,
                               rate_limit_per_second=100_000, rate_limit_burst=100_000) as gateway:
            street = await gateway.token("huian-street")
            street_post = (await gateway.client.get("/api/v1/me", headers=street)).json()["acting_as"]["post_id"]
            await stub.EndPost(registry_pb2.EndPostRequest(post_id=street_post, ended_on="2020-01-01"),
                               metadata=APPOINTER.to_metadata())
            posts = await stub.ListPosts(registry_pb2.ListPostsRequest(person_id=community_id),
                                         metadata=CITY_ADMIN.to_metadata())
            yield gateway, posts.posts[0].post_id


async def test_A1_every_write_route_refuses_whoever_is_not_signed_in_as_a_registry_person_in_a_post(actors) -> None:
    gateway, others_post = actors
    routes = write_routes(gateway.app.openapi())
    assert len(routes) >= 85  # every write route, not a sample
    callers = {
        "no token": ({}, 401, None),
        "no post and no unit": (await gateway.token("huian-resident"), 403, "A1"),
        "ended post": (await gateway.token("huian-street"), 403, "A1"),
        "someone else's post": (await gateway.token("huian-officer") | {POST_HEADER: others_post}, 403, "A1"),
    }
    officer = await gateway.token("huian-officer")
    wrong = []
    for method, path in routes:
        for caller, (headers, status, rule) in callers.items():
            answer = await gateway.client.request(method, path, headers=headers, json={})
            if answer.status_code != status or (rule and answer.json().get("rule") != rule):
                wrong.append(f"{caller}: {method} {path} → {answer.status_code} {answer.text[:120]}")
        # the control: the same call by a person in their own post passes the gateway's A1 check (and is then
        # refused for its empty body or the unknown record, or by the service its post does not cover)
        control = await gateway.client.request(method, path, headers=officer, json={})
        if control.status_code == 401 or control.json().get("rule") == "A1":
            wrong.append(f"county officer: {method} {path} → {control.status_code} {control.text[:120]}")
    assert wrong == []
