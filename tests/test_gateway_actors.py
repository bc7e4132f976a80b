"""A1 through the gateway: a login is a registry person, and what they may do comes from their posts, never
from the token's claims or a request body."""

from __future__ import annotations

import grpc
import pytest

from tests.gateway_world import (
    CITY_ADMIN,
    HIERARCHY,
    HUIAN_COMMUNITY,
    configure_funds,
    form_owners_committee,
    funds_definition,
    register_owners_compound,
)
from tests.people import APPOINTER, appoint, give_post
from tests.platform import StartService, definition, gateway_for
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.actors import acting_context

PROBLEM = "application/problem+json"


@pytest.fixture
async def world(database_url: str, nats_server: EmbeddedNats, start_service: StartService):
    registry = await start_service(definition("registry", database_url, nats_server.url))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for parent, code, name in HIERARCHY:
            await stub.RegisterJurisdiction(registry_pb2.RegisterJurisdictionRequest(
                parent_code=parent, code=code, name=name), metadata=CITY_ADMIN.to_metadata())
    # every call asks the registry afresh, so a post given or ended shows at once
    async with gateway_for({"registry": registry}, roles_from_token=False, actor_cache_seconds=0) as gateway:
        yield gateway, registry.port


async def test_A1_a_login_acts_as_its_registry_person_in_the_post_it_holds(world) -> None:
    gateway, port = world
    officer_id = await appoint(port, "huian-officer", community_code=HUIAN_COMMUNITY)
    officer = await gateway.token("huian-officer")
    me = await gateway.client.get("/api/v1/me", headers=officer)
    assert me.status_code == 200, me.text
    body = me.json()
    assert (body["person_id"], body["name"], body["acting_as"]["kind"]) == (officer_id, "黄**", "county_officer")
    assert body["acting_as"]["jurisdiction_path"] == "350500/350521" and body["units"] == []
    assert body["acting_as"]["place_name"] == body["posts"][0]["place_name"] == "惠安县"  # names, not codes
    # the registry's post decides: a county officer registers a street in the county, not in Anxi
    inside = await gateway.client.post("/api/v1/jurisdictions", headers=officer,
                                       json={"parent_code": "350521", "code": "350521101", "name": "紫山镇"})
    assert inside.status_code == 201, inside.text
    outside = await gateway.client.post("/api/v1/jurisdictions", headers=officer,
                                        json={"parent_code": "350524", "code": "350524101", "name": "城厢镇"})
    assert outside.status_code == 403


async def test_A1_the_token_claims_no_role_the_registry_did_not_give(world) -> None:
    gateway, port = world
    # the dev token of huian-street claims street_officer; the registry gave this person only a grid post
    person_id = await appoint(port, "huian-resident", community_code=HUIAN_COMMUNITY)
    await give_post(port, person_id, "grid_worker", HUIAN_COMMUNITY)
    resident = await gateway.token("huian-resident")
    me = (await gateway.client.get("/api/v1/me", headers=resident)).json()
    assert me["acting_as"]["kind"] == "grid_worker"
    refused = await gateway.client.post("/api/v1/jurisdictions", headers=resident,
                                        json={"parent_code": "350521", "code": "350521102", "name": "黄塘镇"})
    assert refused.status_code == 403


async def test_A1_a_person_with_several_posts_names_the_one_acted_in(world) -> None:
    gateway, port = world
    person_id = await appoint(port, "huian-community", community_code=HUIAN_COMMUNITY)
    reviewer_post = await give_post(port, person_id, "party_branch_reviewer", HUIAN_COMMUNITY)
    headers = await gateway.token("huian-community")
    # who they are and what they may act as is answered before they choose (a screen asks them which) ...
    unchosen = await gateway.client.get("/api/v1/me", headers=headers)
    assert unchosen.status_code == 200 and unchosen.json()["acting_as"] is None
    assert {post["kind"] for post in unchosen.json()["posts"]} == {"community_worker", "party_branch_reviewer"}
    assert [post["place_name"] for post in unchosen.json()["posts"]] == ["凤凰城社区", "凤凰城社区"]
    # ... anything else needs the post named
    unnamed = await gateway.client.get("/api/v1/compounds", params={"jurisdiction_code": HUIAN_COMMUNITY},
                                       headers=headers)
    assert unnamed.status_code == 400 and unnamed.headers["content-type"].startswith(PROBLEM)
    assert (unnamed.json()["field"], unnamed.json()["rule"]) == ("X-Wuye-Post", "A1")
    named = await gateway.client.get("/api/v1/me", headers={**headers, "X-Wuye-Post": reviewer_post})
    assert named.json()["acting_as"]["kind"] == "party_branch_reviewer"
    assert {post["kind"] for post in named.json()["posts"]} == {"community_worker", "party_branch_reviewer"}
    foreign = await gateway.client.get("/api/v1/me", headers={**headers, "X-Wuye-Post": "someone-elses-post"})
    assert (foreign.status_code, foreign.json()["field"]) == (403, "X-Wuye-Post")
    as_resident = await gateway.client.get("/api/v1/me", headers={**headers, "X-Wuye-Post": "resident"})
    assert as_resident.status_code == 403  # owns no unit


async def test_A1_an_ended_post_gives_nothing_and_an_unknown_phone_is_not_signed_in(world) -> None:
    gateway, port = world
    await appoint(port, "huian-street", community_code=HUIAN_COMMUNITY, started_on="2019-01-01")
    headers = await gateway.token("huian-street")
    me = (await gateway.client.get("/api/v1/me", headers=headers)).json()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        await registry_pb2_grpc.RegistryServiceStub(channel).EndPost(registry_pb2.EndPostRequest(
            post_id=me["acting_as"]["post_id"], ended_on="2020-01-01"), metadata=APPOINTER.to_metadata())
    ended = await gateway.client.get("/api/v1/me", headers=headers)
    assert (ended.status_code, ended.json()["rule"]) == (403, "A1")
    # nobody in the registry has the 12345 operator's phone: the login cannot be bound
    stranger = await gateway.client.get("/api/v1/me", headers=await gateway.token("huian-12345"))
    assert (stranger.status_code, stranger.json()["field"]) == (401, "verified_phone")


def test_A1_a_resident_acts_for_the_compounds_they_own_within_the_narrowest_shared_jurisdiction() -> None:
    actor = registry_pb2.Actor(person_id="p-1", units=[
        registry_pb2.OwnedUnit(household_id="h-1", compound_id="c-1", jurisdiction_path="350500/350521/350521100/1"),
        registry_pb2.OwnedUnit(household_id="h-2", compound_id="c-2", jurisdiction_path="350500/350521/350521101/2"),
    ])
    context = acting_context(actor, "")
    assert (context.user, context.roles, context.post) == ("p-1", frozenset({"resident"}), "resident")
    assert (context.scope, context.compounds) == ("350500/350521", frozenset({"c-1", "c-2"}))


def test_A1_an_owner_on_a_committee_acts_as_an_owner_unless_the_seat_is_named() -> None:
    actor = registry_pb2.Actor(
        person_id="p-1",
        units=[registry_pb2.OwnedUnit(household_id="h-1", compound_id="c-1", jurisdiction_path="350500/350521/1/2")],
        committee_seats=[registry_pb2.CommitteeSeat(committee_id="k-1", compound_id="c-1",
                                                    jurisdiction_path="350500/350521/1/2")],
    )
    assert acting_context(actor, "").roles == frozenset({"resident"})
    seated = acting_context(actor, "k-1")
    assert (seated.roles, seated.post, seated.compounds) == (frozenset({"committee_member"}), "k-1", frozenset({"c-1"}))
    # a committee member who owns nothing here (a PMC's community representative) acts in the only seat
    assert acting_context(registry_pb2.Actor(person_id="p-2", committee_seats=actor.committee_seats), "").post == "k-1"


@pytest.fixture
async def owners_world(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    """The registry's 凤凰城 and its owners (``register_owners_compound``) and funds behind the gateway."""
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    funds = await start_service(funds_definition(await database_url_factory("funds"), nats_server.url, registry.port))
    compound = (await register_owners_compound(registry.port)).compound
    # every call asks the registry afresh, so a committee seat given during a test shows at once
    async with gateway_for({"registry": registry, "funds": funds}, roles_from_token=False,
                           actor_cache_seconds=0) as gateway:
        compound_json = {"id": compound.id, "jurisdiction_path": compound.jurisdiction_path}
        await configure_funds(gateway, compound_json)
        yield gateway, compound.id


async def test_A2_owners_vote_as_themselves_co_owners_share_one_ballot_and_paper_ballots_are_listed_apart(
    owners_world,
) -> None:
    gateway, compound_id = owners_world
    community = await gateway.token("huian-community")
    opened = await gateway.client.post("/api/v1/votes", headers=community | {"Idempotency-Key": "a2-vote"}, json={
        "compound_id": compound_id, "matter": "use_maintenance_fund", "title": "1号楼屋面防水"})
    assert opened.status_code == 201, opened.text
    ballots = f"/api/v1/votes/{opened.json()['vote_id']}/ballots"
    chen, wang = await gateway.token("huian-resident"), await gateway.token("huian-coowner")
    joint_key = next(unit["owner_key"] for unit in (await gateway.client.get("/api/v1/me", headers=wang)).json()["units"])

    own = await gateway.client.post(ballots, headers=chen, json={"choice": "yes"})
    assert own.status_code == 201, own.text
    assert own.json()["cast_by"] == (await gateway.client.get("/api/v1/me", headers=chen)).json()["person_id"]
    assert (await gateway.client.post(ballots, headers=wang, json={"choice": "no"})).json()["owner_key"] == joint_key
    changed = await gateway.client.post(ballots, headers=wang, json={"choice": "yes", "owner_key": joint_key})
    assert changed.json()["choice"] == "yes"
    # 陈建国 cannot cast the joint unit's ballot, nor the worker without the owner's written authorisation
    not_his = await gateway.client.post(ballots, headers=chen, json={"choice": "no", "owner_key": joint_key})
    assert (not_his.status_code, not_his.json()["field"], not_his.json()["rule"]) == (403, "owner_key", "A2")
    roster = (await gateway.client.get(f"/api/v1/compounds/{compound_id}/roster", headers=community)).json()
    third_key = next(owner["owner_key"] for owner in roster["owners"]
                     if owner["owner_key"] not in {joint_key, own.json()["owner_key"]})
    unauthorised = await gateway.client.post(ballots, headers=community, json={"choice": "yes", "owner_key": third_key})
    assert (unauthorised.status_code, unauthorised.json()["field"]) == (400, "authorisation_ref")
    paper = await gateway.client.post(ballots, headers=community, json={
        "choice": "yes", "owner_key": third_key, "authorisation_ref": "凤凰城业委〔2026〕授权书第3号"})
    assert paper.status_code == 201, paper.text

    closed = await gateway.client.post(f"/api/v1/votes/{opened.json()['vote_id']}/close", headers=community)
    result = closed.json()["result"]
    assert (result["yes"]["owners"], result["no"]["owners"], result["on_paper"]["owners"]) == (3, 0, 1)

    # V8: the result is preliminary; the co-owner objects as himself, the community answers, and the result
    # cannot be made final before the objection deadline
    vote_path = f"/api/v1/votes/{opened.json()['vote_id']}"
    assert closed.json()["state"] == "closed" and closed.json()["objection_deadline"]
    objected = await gateway.client.post(f"{vote_path}/objections", headers=wang | {"Idempotency-Key": "v8-1"},
                                         json={"owner_key": joint_key, "reason": "104室的纸质票是否重复计入？"})
    assert objected.status_code == 201, objected.text
    objection = objected.json()["objection"]
    wang_person = (await gateway.client.get("/api/v1/me", headers=wang)).json()["person_id"]
    assert (objection["owner_key"], objection["raised_by"]) == (joint_key, wang_person)
    answered = await gateway.client.post(f"{vote_path}/objections/{objection['objection_id']}/answer",
                                         headers=community, json={"answer": "每户只计最后一票，未重复"})
    assert answered.status_code == 200 and answered.json()["objections"][0]["answer"] == "每户只计最后一票，未重复"
    early = await gateway.client.post(f"{vote_path}/finalise", headers=community)
    assert (early.status_code, early.json()["field"], early.json()["rule"]) == (409, "objection_deadline", "V8")
    by_owner = await gateway.client.post(f"{vote_path}/finalise", headers=chen)
    assert by_owner.status_code == 403

    # A5: each owner sees the vote among their own, their weight and the choice that counts for them (V7)
    mine = await gateway.client.get("/api/v1/me/votes", headers=chen)
    assert mine.status_code == 200, mine.text
    [seen] = mine.json()
    assert (seen["vote"]["vote_id"], seen["area_dm2"], seen["choice"]) == (opened.json()["vote_id"], 10_000, "yes")
    assert (seen["matter_label"], seen["quorum_share"]["percent"], seen["approval_share_inclusive"]) == (
        "使用建筑物及其附属设施的维修资金", "66.7%", False)
    assert [v["owner_key"] for v in (await gateway.client.get("/api/v1/me/votes", headers=wang)).json()] == [
        joint_key]
    assert (await gateway.client.get("/api/v1/me/votes", headers=community)).status_code == 403


async def test_A1_a_phone_sign_in_acts_as_the_person_registered_with_that_phone(world) -> None:
    gateway, port = world
    officer_id = await appoint(port, "huian-officer", community_code=HUIAN_COMMUNITY)
    signed = await gateway.client.post("/dev/token", json={"phone": "139 0000 0002"})
    assert signed.status_code == 200, signed.text
    assert (signed.json()["role"], signed.json()["name"]) == ("", "")  # the token claims no post
    me = await gateway.client.get("/api/v1/me", headers={"Authorization": f"Bearer {signed.json()['access_token']}"})
    assert me.status_code == 200, me.text
    assert (me.json()["person_id"], me.json()["acting_as"]["kind"]) == (officer_id, "county_officer")

    stranger = await gateway.client.post("/dev/token", json={"phone": "13700000009"})
    nobody = await gateway.client.get("/api/v1/me", headers={"Authorization": f"Bearer {stranger.json()['access_token']}"})
    assert nobody.status_code == 401 and (nobody.json()["field"], nobody.json()["rule"]) == ("verified_phone", "A1")


@pytest.mark.parametrize(("body", "field", "rule"), [
    ({"phone": "1390000000"}, "phone", "mobile_format"),
    ({"phone": "12345678901"}, "phone", "mobile_format"),
    ({"username": "huian-officer", "phone": "13900000002"}, "username", "one_sign_in"),
    ({}, "username", "one_sign_in"),
])
async def test_A1_a_sign_in_names_one_account_or_one_valid_phone(world, body, field, rule) -> None:
    gateway, _ = world
    refused = await gateway.client.post("/dev/token", json=body)
    assert refused.status_code == 400 and (refused.json()["field"], refused.json()["rule"]) == (field, rule), refused.text


async def test_A1_P2_a_committee_member_acting_in_the_seat_submits_and_each_reviewer_decides_their_step(
    owners_world,
) -> None:
    gateway, compound_id = owners_world
    registry_port = gateway.apps["registry"].port
    for username in ("huian-party-reviewer", "huian-rc-reviewer", "city-auditor"):
        await appoint(registry_port, username, community_code=HUIAN_COMMUNITY)
    roster = (await gateway.client.get(f"/api/v1/compounds/{compound_id}/roster",
                                       headers=await gateway.token("huian-community"))).json()
    people = sorted({person for owner in roster["owners"] for person in owner["person_ids"]})
    chen = (await gateway.client.get("/api/v1/me", headers=await gateway.token("huian-resident"))).json()["person_id"]
    # 3 members: 3 households (O1)
    committee_id = await form_owners_committee(registry_port, compound_id, chen,
                                               [person for person in people if person != chen][:2])

    community = await gateway.token("huian-community")
    income = await gateway.client.post(f"/api/v1/funds/compounds/{compound_id}/common-income",
                                       headers=community | {"Idempotency-Key": "inc-1"},
                                       json={"source": "parking", "amount_fen": 500000, "memo": "停车费"})
    assert income.status_code == 201, income.text
    ledger_id = income.json()["entry"]["ledger_id"]
    body = {"compound_id": compound_id, "amount_fen": 120000, "purpose": "业委会办公用品"}
    chair = await gateway.token("huian-resident")
    me = (await gateway.client.get("/api/v1/me", headers=chair | {"X-Wuye-Post": committee_id})).json()
    assert (me["acting_as"]["kind"], me["acting_as"]["compound_id"]) == ("committee_member", compound_id)
    assert me["acting_as"]["place_name"] == "凤凰城"  # a seat is held in its compound
    assert [(p["post_id"], p["committee_role"]) for p in me["posts"] if p["kind"] == "committee_member"] == [
        (committee_id, "chair")]
    # the community worker, and the chair acting as an owner, do not spend the committee's money (A1)
    for headers in (community, chair | {"X-Wuye-Post": "resident"}):
        refused = await gateway.client.post("/api/v1/committee-expenses", headers=headers, json=body)
        assert (refused.status_code, refused.json()["rule"]) == (403, "role"), refused.text
    submitted = await gateway.client.post("/api/v1/committee-expenses", json=body,
                                          headers=chair | {"X-Wuye-Post": committee_id})
    assert submitted.status_code == 201, submitted.text
    expense = submitted.json()
    assert (expense["state"], expense["submitted_by"]) == ("in_review", chen)
    reviews = f"/api/v1/committee-expenses/{expense['expense_id']}/reviews"
    for outsider in (community, chair | {"X-Wuye-Post": committee_id}):  # neither holds a reviewer post (A3)
        assert (await gateway.client.post(reviews, json={"approve": True}, headers=outsider)).status_code == 403
    for reviewer in ("huian-party-reviewer", "huian-rc-reviewer"):
        reviewed = await gateway.client.post(reviews, json={"approve": True}, headers=await gateway.token(reviewer))
        assert reviewed.status_code == 200, reviewed.text
    paid = await gateway.client.post(f"/api/v1/committee-expenses/{expense['expense_id']}/payment", headers=community)
    assert paid.status_code == 200 and paid.json()["expense"]["state"] == "paid", paid.text
    own = {"jurisdiction_path": expense["jurisdiction_path"]}
    listed = await gateway.client.get("/api/v1/committee-expenses", params=own, headers=community)
    assert [e["expense_id"] for e in listed.json()["items"]] == [expense["expense_id"]], listed.text
    wider = await gateway.client.get("/api/v1/committee-expenses", params={"jurisdiction_path": "350500/350521"},
                                     headers=community)
    assert wider.status_code == 403 and wider.json()["field"] == "jurisdiction_path"

    auditor = await gateway.token("city-auditor")
    entries = await gateway.client.get(f"/api/v1/ledgers/{ledger_id}/entries", params={"page_size": 1},
                                       headers=auditor)
    assert entries.status_code == 200 and len(entries.json()["items"]) == 1, entries.text
    assert entries.json()["next_page_token"]
    verified = await gateway.client.get(f"/api/v1/ledgers/{ledger_id}/verification", headers=auditor)
    assert verified.status_code == 200 and verified.json()["intact"] is True, verified.text
    assert verified.json()["broken_reason"] is None
