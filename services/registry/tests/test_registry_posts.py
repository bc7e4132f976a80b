"""Who acts (A1): posts given and ended, party membership recorded, logins bound to people."""

from __future__ import annotations

import asyncio

import grpc
import sqlalchemy as sa

from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis.auth import SYSTEM, AuthContext

from .conftest import CITY_ADMIN, HUIAN_COMMUNITY, HUIAN_STREET, HUIAN_WORKER, Registry, refused

HUIAN_OFFICER = AuthContext(user="officer", roles=frozenset({"county_officer"}), scope="350500/350521")
PHONE = "13800000001"
SUBJECT = "http://idp.example|u-1"


async def assign(registry: Registry, who: AuthContext = CITY_ADMIN, **fields) -> registry_pb2.Post:
    answer = await registry.call("AssignPost", registry_pb2.AssignPostRequest(**fields), who)
    return answer.post


async def test_A1_a_post_is_given_at_its_level_and_listed_while_open(registry: Registry) -> None:
    person_id = await registry.person("陈社工")
    post = await assign(registry, HUIAN_OFFICER, person_id=person_id, kind=registry_pb2.POST_KIND_COMMUNITY_WORKER,
                        jurisdiction_code=HUIAN_COMMUNITY, started_on="2026-01-01")
    assert (post.jurisdiction_path, post.started_on, post.ended_on) == (
        f"350500/350521/{HUIAN_STREET}/{HUIAN_COMMUNITY}", "2026-01-01", "")
    assert await registry.events("PostAssigned") == 1
    mine = await registry.call("ListPosts", registry_pb2.ListPostsRequest(person_id=person_id), HUIAN_OFFICER)
    assert [p.post_id for p in mine.posts] == [post.post_id]
    before = await registry.call("ListPosts", registry_pb2.ListPostsRequest(person_id=person_id, on="2025-12-31"))
    assert list(before.posts) == []
    in_county = await registry.call("ListPosts", registry_pb2.ListPostsRequest(jurisdiction_code="350521"))
    assert [p.kind for p in in_county.posts] == [registry_pb2.POST_KIND_COMMUNITY_WORKER]

    ended = await registry.call("EndPost", registry_pb2.EndPostRequest(post_id=post.post_id, ended_on="2026-02-01"),
                                HUIAN_OFFICER)
    assert ended.post.ended_on == "2026-02-01" and await registry.events("PostEnded") == 1
    on_last_day = await registry.call("ListPosts", registry_pb2.ListPostsRequest(person_id=person_id, on="2026-02-01"))
    after = await registry.call("ListPosts", registry_pb2.ListPostsRequest(person_id=person_id, on="2026-02-02"))
    assert (len(on_last_day.posts), len(after.posts)) == (1, 0)
    status, error = await refused(registry.call(
        "EndPost", registry_pb2.EndPostRequest(post_id=post.post_id, ended_on="2026-03-01")))
    assert (status, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "A1")


async def test_A1_a_post_at_the_wrong_level_or_outside_the_scope_is_refused_and_changes_nothing(
    registry: Registry,
) -> None:
    person_id = await registry.person()
    before = await registry.snapshot("posts")
    status, error = await refused(assign(registry, person_id=person_id, kind=registry_pb2.POST_KIND_COMMUNITY_WORKER,
                                         jurisdiction_code=HUIAN_STREET))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "jurisdiction_code", "A1")
    anxi_officer = AuthContext(user="anxi", roles=frozenset({"county_officer"}), scope="350500/350524")
    status, _ = await refused(assign(registry, anxi_officer, person_id=person_id,
                                     kind=registry_pb2.POST_KIND_COMMUNITY_WORKER, jurisdiction_code=HUIAN_COMMUNITY))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    # a county officer may not make a peer; a community worker appoints nobody
    status, error = await refused(assign(registry, HUIAN_OFFICER, person_id=person_id,
                                         kind=registry_pb2.POST_KIND_COUNTY_OFFICER, jurisdiction_code="350521"))
    assert (status, error.field) == (grpc.StatusCode.PERMISSION_DENIED, "kind")
    status, _ = await refused(assign(registry, HUIAN_WORKER, person_id=person_id,
                                     kind=registry_pb2.POST_KIND_GRID_WORKER, jurisdiction_code=HUIAN_COMMUNITY))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(assign(registry, person_id="no-such-person",
                                         kind=registry_pb2.POST_KIND_GRID_WORKER, jurisdiction_code=HUIAN_COMMUNITY))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "person_id")
    status, error = await refused(assign(registry, person_id=person_id, jurisdiction_code=HUIAN_COMMUNITY))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "kind")
    self_appointed = AuthContext(user=person_id, roles=frozenset({"county_officer"}), scope="350500/350521")
    status, error = await refused(assign(registry, self_appointed, person_id=person_id,
                                         kind=registry_pb2.POST_KIND_GRID_WORKER, jurisdiction_code=HUIAN_COMMUNITY))
    assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "A1")
    assert await registry.snapshot("posts") == before


async def test_A1_company_staff_are_posted_where_their_registered_company_is(registry: Registry) -> None:
    person_id = await registry.person("林员工")
    company = await registry.company(7)
    post = await assign(registry, HUIAN_OFFICER, person_id=person_id, kind=registry_pb2.POST_KIND_COMPANY_STAFF,
                        company_id=company.id)
    assert (post.company_id, post.jurisdiction_path) == (company.id, company.jurisdiction_path)
    status, error = await refused(assign(registry, person_id=person_id, kind=registry_pb2.POST_KIND_COMPANY_STAFF,
                                         company_id="ghost-company"))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "company_id")
    status, error = await refused(assign(registry, person_id=person_id, kind=registry_pb2.POST_KIND_COMPANY_STAFF,
                                         company_id=company.id))
    assert (status, error.rule) == (grpc.StatusCode.ALREADY_EXISTS, "A1")


async def test_O3_party_membership_is_recorded_with_its_day_and_announced(registry: Registry) -> None:
    person_id = await registry.person()
    answer = await registry.call("SetPartyMembership", registry_pb2.SetPartyMembershipRequest(
        person_id=person_id, is_party_member=True, since="2020-07-01"), HUIAN_WORKER)
    assert answer.person.is_party_member
    async with registry.app.runtime.db.sessions() as session:
        payload = await session.scalar(sa.text(
            "SELECT payload FROM outbox WHERE event_type = 'wuye.registry.v1.PartyMembershipChanged'"))
    event = events_pb2.PartyMembershipChanged.FromString(payload)
    assert (event.person_id, event.is_party_member, event.since) == (person_id, True, "2020-07-01")
    status, error = await refused(registry.call("SetPartyMembership", registry_pb2.SetPartyMembershipRequest(
        person_id=person_id, is_party_member=False, since="2099-01-01"), HUIAN_WORKER))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "since")
    resident = AuthContext(user=person_id, roles=frozenset({"resident"}), scope="350500/350521")
    status, _ = await refused(registry.call("SetPartyMembership", registry_pb2.SetPartyMembershipRequest(
        person_id=person_id, is_party_member=False), resident))
    assert status == grpc.StatusCode.PERMISSION_DENIED


async def test_A1_a_login_is_bound_once_by_the_verified_phone_and_resolves_to_posts_and_units(
    registry: Registry,
) -> None:
    owner = await registry.person("王业主", phone=PHONE)
    spouse = await registry.person("李业主", phone="13800000002")
    compound = await registry.compound()
    building = await registry.building(compound.id)
    sole = await registry.household(building.id, "101", 9000, owner)
    joint = await registry.household(building.id, "102", 8000, owner, spouse)
    await assign(registry, person_id=owner, kind=registry_pb2.POST_KIND_GRID_WORKER, jurisdiction_code=HUIAN_COMMUNITY)

    first = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject=SUBJECT, verified_phone="+86 138 0000 0001"), SYSTEM)
    assert first.newly_bound and first.actor.person_id == owner and first.actor.name == "王**"
    assert [p.kind for p in first.actor.posts] == [registry_pb2.POST_KIND_GRID_WORKER]
    units = {unit.household_id: unit for unit in first.actor.units}
    assert set(units) == {sole.id, joint.id}
    assert units[sole.id].owner_key == owner and units[joint.id].owner_key.startswith("joint-")
    assert units[sole.id].compound_id == compound.id and units[sole.id].jurisdiction_path == compound.jurisdiction_path
    # bound: the phone is not asked again, and a changed phone claim cannot move the login
    again = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject=SUBJECT, verified_phone="13800000002"), SYSTEM)
    assert (again.newly_bound, again.actor.person_id) == (False, owner)
    spouse_login = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject="http://idp.example|u-2", verified_phone="13800000002"), SYSTEM)
    assert spouse_login.actor.units[0].owner_key == units[joint.id].owner_key
    assert await registry.count("logins") == 2


async def test_A1_a_login_signing_in_for_the_first_time_on_many_requests_at_once_is_bound_once(
    registry: Registry,
) -> None:
    """A client's first requests arrive together (found under load on PostgreSQL: all but one failed with a
    unique violation on the login); each resolves to the same person and one login row is kept."""
    owner = await registry.person("王业主", phone=PHONE)
    answers = await asyncio.gather(*(registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject=SUBJECT, verified_phone=PHONE), SYSTEM) for _ in range(8)))
    assert {answer.actor.person_id for answer in answers} == {owner}
    assert await registry.count("logins") == 1


async def test_A1_a_login_without_exactly_one_registered_person_is_not_bound(registry: Registry) -> None:
    await registry.person("甲", phone="13800000003")
    await registry.person("乙", phone="13800000003")
    for phone, field in (("", "subject"), ("13800000009", "verified_phone"), ("13800000003", "verified_phone"),
                         ("12", "verified_phone")):
        status, error = await refused(registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
            subject=SUBJECT, verified_phone=phone), SYSTEM))
        assert status in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.INVALID_ARGUMENT), phone
        assert error.field == field, phone
    status, _ = await refused(registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
        subject=SUBJECT, verified_phone="13800000003"), CITY_ADMIN))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert await registry.count("logins") == 0
