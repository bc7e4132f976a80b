"""The gateway's REST surface: authentication, problem+json naming the field, readiness."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from deploy.services import SERVICES
from tests.platform import ISSUER, StartService, definition, gateway_for
from wuye_chassis.bounds import FIELD_BOUNDS, MAX_SURCHARGE_MONTHS, bound_of
from wuye_chassis.money import MAX_AMOUNT_FEN
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.identity import DevIssuer
from wuye_gateway.problem_labels import detail_zh

PROBLEM = "application/problem+json"


def forged_token() -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {"iss": ISSUER, "aud": "wuye", "sub": "mallory", "iat": now, "exp": now + dt.timedelta(hours=1),
              "roles": ["city_admin"], "wuye_scope": "350500"}
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": DevIssuer.key_id})


@pytest.fixture
async def gateway(database_url: str, nats_server: EmbeddedNats, start_service: StartService):
    registry = await start_service(definition("registry", database_url, nats_server.url))
    async with gateway_for({"registry": registry}) as gateway:
        yield gateway


async def test_a_request_without_a_token_is_401_problem(gateway) -> None:
    answer = await gateway.client.get("/api/v1/jurisdictions/350500")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["field"] == "Authorization"


async def test_a_token_signed_by_another_key_is_refused(gateway) -> None:
    # right claims, but signed by a key the issuer never had
    answer = await gateway.client.get(
        "/api/v1/jurisdictions/350500", headers={"Authorization": f"Bearer {forged_token()}"}
    )
    assert answer.status_code == 401 and "signature" in answer.json()["detail"].lower()


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "someone-else"}, "audience"),
        ({"iss": "https://evil.example"}, "issuer"),
        ({"exp": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "expired"),
    ],
)
async def test_wrong_audience_issuer_or_expiry_is_refused(gateway, claims, reason) -> None:
    issuer = gateway.app.state.dev_issuer
    now = dt.datetime.now(dt.UTC)
    base = {"iss": ISSUER, "aud": "wuye", "sub": "x", "exp": now + dt.timedelta(hours=1), "roles": ["city_admin"],
            "wuye_scope": "350500"}
    token = jwt.encode(base | claims, issuer._private_key, algorithm="RS256", headers={"kid": issuer.key_id})
    answer = await gateway.client.get("/api/v1/jurisdictions/350500", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert reason in answer.json()["detail"].lower()


async def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(gateway) -> None:
    headers = await gateway.token("city-admin")
    answer = await gateway.client.post("/api/v1/jurisdictions", json={"code": "3505", "name": "x"}, headers=headers)
    assert answer.status_code == 400 and answer.headers["content-type"] == PROBLEM
    assert answer.json()["field"] == "code"
    assert answer.json()["detail_zh"].startswith("填写有误：代码（code）")  # for the screens, in Chinese first
    answer = await gateway.client.post("/api/v1/jurisdictions", json={"name": "x"}, headers=headers)
    assert answer.status_code == 422 and answer.json()["field"] == "code"
    assert answer.json()["detail_zh"] == "填写有误：代码（code）"
    answer = await gateway.client.get("/api/v1/jurisdictions", headers=headers)
    assert answer.json()["items"] == []


def test_a_problem_in_chinese_names_the_kind_the_field_and_the_rule() -> None:
    assert detail_zh(400, "satisfaction", "C5") == "填写有误：满意度（satisfaction），规则 C5"
    assert detail_zh(403, "case_id", "A5") == "无权办理：工单（case_id），规则 A5"
    assert detail_zh(409, "reporter.phone", None) == "当前状态不允许：联系电话（reporter.phone）"
    assert detail_zh(404, "photo_ids[2]", "photos") == "未找到：照片（photo_ids[2]），规则 photos"
    assert detail_zh(400, "items.0.unit_no", "V4") == "填写有误：字段 items.0.unit_no，规则 V4"  # unlabelled: its name
    assert detail_zh(599, None, None) == "出错了"


async def test_county_officer_cannot_read_another_county(gateway) -> None:
    admin = await gateway.token("city-admin")
    for body in ({"code": "350500", "name": "泉州市"}, {"parent_code": "350500", "code": "350524", "name": "安溪县"}):
        assert (await gateway.client.post("/api/v1/jurisdictions", json=body, headers=admin)).status_code == 201
    huian = await gateway.token("huian-officer")
    answer = await gateway.client.get("/api/v1/jurisdictions/350524", headers=huian)
    assert answer.status_code == 403 and answer.json()["rule"] == "scope"
    anxi = await gateway.token("anxi-officer")
    assert (await gateway.client.get("/api/v1/jurisdictions/350524", headers=anxi)).json()["name"] == "安溪县"


async def test_readyz_names_each_service_and_fails_while_one_is_down(gateway) -> None:
    assert (await gateway.client.get("/healthz")).status_code == 200
    answer = await gateway.client.get("/readyz")
    assert answer.status_code == 503
    services = answer.json()["services"]
    assert services["registry"] == "SERVING"
    assert services["complaints"].startswith("UNREACHABLE")


async def test_readyz_is_200_when_every_service_serves(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    apps = {
        name: await start_service(definition(name, await database_url_factory(name), nats_server.url))
        for name in SERVICES
    }
    async with gateway_for(apps) as gateway:
        answer = await gateway.client.get("/readyz")
    assert answer.status_code == 200, answer.text
    assert set(answer.json()["services"].values()) == {"SERVING"}


async def test_openapi_describes_problem_responses(gateway) -> None:
    spec = (await gateway.client.get("/openapi.json")).json()
    post = spec["paths"]["/api/v1/jurisdictions"]["post"]
    assert {"400", "401", "403", "409", "422"} <= set(post["responses"])
    assert "application/problem+json" in post["responses"]["400"]["content"]


async def test_a_client_over_its_rate_limit_gets_429_with_retry_after(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    registry = await start_service(definition("registry", database_url, nats_server.url))
    async with gateway_for({"registry": registry}, rate_limit_per_second=0.05, rate_limit_burst=3) as gateway:
        headers = await gateway.token("city-admin")  # spends from the address's bucket, not the subject's
        statuses = [(await gateway.client.get("/api/v1/jurisdictions", headers=headers)).status_code for _ in range(3)]
        refused = await gateway.client.get("/api/v1/jurisdictions", headers=headers)
        other = await gateway.token("huian-officer")
        other_client = await gateway.client.get("/api/v1/jurisdictions", headers=other)
    assert statuses == [200, 200, 200]  # the burst
    assert refused.status_code == 429 and refused.headers["content-type"] == PROBLEM
    assert int(refused.headers["retry-after"]) >= 1
    assert other_client.status_code == 200  # buckets are per client


async def test_an_oversized_body_is_413_whether_declared_or_streamed(gateway) -> None:
    headers = await gateway.token("city-admin")
    big = b'{"code": "350500", "name": "' + b"x" * 1_100_000 + b'"}'
    declared = await gateway.client.post(
        "/api/v1/jurisdictions", content=big, headers=headers | {"content-type": "application/json"}
    )
    assert declared.status_code == 413 and declared.headers["content-type"] == PROBLEM

    async def chunks():
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    streamed = await gateway.client.post(
        "/api/v1/jurisdictions", content=chunks(), headers=headers | {"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    listed = await gateway.client.get("/api/v1/jurisdictions", headers=headers)
    assert listed.json()["items"] == []


async def test_a_mobile_retry_with_the_same_idempotency_key_creates_once(gateway) -> None:
    headers = await gateway.token("city-admin") | {"Idempotency-Key": "7f1c2d9e-retry"}
    body = {"code": "350500", "name": "泉州市"}
    first = await gateway.client.post("/api/v1/jurisdictions", json=body, headers=headers)
    retried = await gateway.client.post("/api/v1/jurisdictions", json=body, headers=headers)
    assert first.status_code == retried.status_code == 201
    assert retried.json() == first.json()
    without_key = await gateway.client.post(
        "/api/v1/jurisdictions", json=body, headers={"Authorization": headers["Authorization"]}
    )
    assert without_key.status_code == 409  # a plain duplicate is still a duplicate


async def test_an_idempotency_key_reused_with_another_body_is_422_and_changes_nothing(gateway) -> None:
    """Issue 19, finding 7: the Idempotency-Key draft answers key reuse with a different payload 422."""
    headers = await gateway.token("city-admin") | {"Idempotency-Key": "7f1c2d9e-reuse"}
    first = await gateway.client.post("/api/v1/jurisdictions", json={"code": "350500", "name": "泉州市"},
                                      headers=headers)
    reused = await gateway.client.post("/api/v1/jurisdictions", json={"code": "350600", "name": "漳州市"},
                                       headers=headers)
    assert first.status_code == 201
    assert reused.status_code == 422 and reused.headers["content-type"] == PROBLEM
    assert reused.json()["field"] == "Idempotency-Key" and reused.json()["rule"] == "idempotency"
    listed = await gateway.client.get("/api/v1/jurisdictions", headers={"Authorization": headers["Authorization"]})
    assert [item["code"] for item in listed.json()["items"]] == ["350500"]


async def test_a_method_a_route_does_not_take_is_405_with_allow(gateway) -> None:
    headers = await gateway.token("city-admin")
    answer = await gateway.client.delete("/api/v1/jurisdictions", headers=headers)
    assert answer.status_code == 405 and answer.headers["content-type"] == PROBLEM
    assert {method.strip() for method in answer.headers["allow"].split(",")} == {"GET", "POST"}


async def test_a_page_token_or_idempotency_key_a_client_made_up_is_a_4xx_naming_it(gateway) -> None:
    headers = await gateway.token("city-admin")
    token = await gateway.client.get("/api/v1/jurisdictions", params={"page_token": "ä"}, headers=headers)
    assert token.status_code == 400 and token.json()["field"] == "page.page_token"
    key = await gateway.client.post(
        "/api/v1/jurisdictions", json={"code": "350500", "name": "泉州市"},
        headers=headers | {"Idempotency-Key": "a\x7fkey"},  # DEL: gRPC metadata would refuse it
    )
    assert key.status_code == 422 and key.json()["field"] == "Idempotency-Key"


@pytest.mark.parametrize(
    ("raw", "field", "says"),
    [
        # the probe's case: the last "code" silently won and a person landed in the wrong county
        (b'{"code": "350500", "name": "\\u6cc9\\u5dde\\u5e02", "code": "350524"}', "code", "more than once"),
        (b'{"code": "350500", "name": "\\ud800"}', "name", "surrogate"),
        (b'{"code": "350500", "name": "\\u6cc9\\u0000\\u5dde"}', "name", "NUL"),
        (b'{"code": "350500", "name": "\xff\xfe"}', "body", "not UTF-8"),
    ],
    ids=["duplicate-key", "lone-surrogate", "nul", "not-utf8"],
)
async def test_json_no_record_may_hold_is_400_naming_the_field_and_changes_nothing(
    gateway, raw: bytes, field: str, says: str
) -> None:
    """Issue 19, finding 4: duplicate keys, a lone surrogate (once a plain-text 500), NUL, bytes not UTF-8."""
    headers = await gateway.token("city-admin") | {"content-type": "application/json"}
    answer = await gateway.client.post("/api/v1/jurisdictions", content=raw, headers=headers)
    assert answer.status_code == 400 and answer.headers["content-type"] == PROBLEM, answer.text
    assert answer.json()["field"] == field and says in answer.json()["detail"]
    listed = await gateway.client.get("/api/v1/jurisdictions", headers=headers)
    assert listed.json()["items"] == []


async def test_json_guard_looks_into_nested_objects_and_lists(gateway) -> None:
    headers = await gateway.token("city-admin") | {"content-type": "application/json; charset=utf-8"}
    raw = b'{"compound": {"compound_id": "c-1", "owners": [{"name": "ok"}, {"name": "\\u0000"}]}}'
    answer = await gateway.client.post("/api/v1/funds/compounds", content=raw, headers=headers)
    assert answer.status_code == 400 and answer.json()["field"] == "compound.owners[1].name"


async def test_self_signed_tokens_naming_an_officer_do_not_lock_the_officer_out(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    """Issue 19, finding 5: buckets are keyed on a verified subject; a forged one spends its sender's address."""
    registry = await start_service(definition("registry", database_url, nats_server.url))
    async with gateway_for({"registry": registry}, rate_limit_per_second=0.05, rate_limit_burst=3) as gateway:
        officer = await gateway.token("huian-officer")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.UTC)
        forged = jwt.encode({"iss": ISSUER, "aud": "wuye", "sub": "huian-officer", "iat": now,
                             "exp": now + dt.timedelta(hours=1)}, key, algorithm="RS256",
                            headers={"kid": DevIssuer.key_id})
        flood = [(await gateway.client.get("/api/v1/jurisdictions", headers={"Authorization": f"Bearer {forged}"}))
                 .status_code for _ in range(6)]
        real = [(await gateway.client.get("/api/v1/jurisdictions", headers=officer)).status_code for _ in range(3)]
    assert flood[-1] == 429  # the sender's address ran out
    assert set(flood[:-1]) <= {401, 429}
    assert real == [200, 200, 200]  # the officer's own bucket is untouched


@pytest.mark.parametrize(("hours", "status"), [(12, 200), (12.01, 401), (24 * 3650, 401)])
async def test_a_token_living_longer_than_the_maximum_is_refused(gateway, hours: float, status: int) -> None:
    """Issue 19, finding 7: a ten-year exp was accepted; the default maximum is 12 hours, exactly allowed."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {"iss": ISSUER, "aud": "wuye", "sub": "city-admin", "iat": now, "exp": now + int(hours * 3600),
              "roles": ["city_admin"], "wuye_scope": "350500"}
    token = jwt.encode(claims, gateway.app.state.dev_issuer._private_key, algorithm="RS256",
                       headers={"kid": DevIssuer.key_id})
    answer = await gateway.client.get("/api/v1/jurisdictions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == status, answer.text
    if status == 401:
        assert answer.json()["field"] == "Authorization" and "at most 43200 s" in answer.json()["detail"]


async def test_a_requests_token_is_verified_once_for_its_rate_limit_bucket_and_its_caller(gateway) -> None:
    """Issue 19: the limits middleware and the caller dependency used to check the RSA signature twice."""
    verifier = gateway.app.state.verifier
    checked: list[str] = []
    verify = verifier.verify

    def counting(token: str):
        checked.append(token)
        return verify(token)

    verifier.verify = counting  # instruments the real verifier: every check still runs
    try:
        headers = await gateway.token("huian-officer")
        checked.clear()
        answer = await gateway.client.get("/api/v1/jurisdictions", headers=headers)
        assert answer.status_code == 200 and len(checked) == 1
        forged = await gateway.client.get("/api/v1/jurisdictions", headers={"Authorization": f"Bearer {forged_token()}"})
        assert forged.status_code == 401  # a token that does not verify is refused, as before
    finally:
        del verifier.verify


async def test_a_token_is_checked_once_across_requests_and_refused_at_its_expiry_all_the_same(
    gateway, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client sends one token with every request: its signature is checked the first time, and the
    token is still refused from the second it expires on, though it was checked before."""
    checks: list[str] = []
    decode = jwt.decode

    def counted(token: str, *args, **kwargs):  # noqa: ANN002, ANN003
        checks.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    now = int(dt.datetime.now(dt.UTC).timestamp())
    # whole seconds, so at least four of them left: three requests on a busy CI machine fit in those
    expires = now + 5
    claims = {"iss": ISSUER, "aud": "wuye", "sub": "city-admin", "iat": now, "exp": expires,
              "roles": ["city_admin"], "wuye_scope": "350500"}
    token = jwt.encode(claims, gateway.app.state.dev_issuer._private_key, algorithm="RS256",
                       headers={"kid": DevIssuer.key_id})
    headers = {"Authorization": f"Bearer {token}"}
    answers = [(await gateway.client.get("/api/v1/jurisdictions", headers=headers)).status_code for _ in range(3)]
    # (the services behind decode the gateway's own internal tokens too: only this token's checks count)
    assert answers == [200, 200, 200] and checks.count(token) == 1
    await asyncio.sleep(expires - dt.datetime.now(dt.UTC).timestamp() + 0.05)
    expired = await gateway.client.get("/api/v1/jurisdictions", headers=headers)
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    assert expired.json()["field"] == "Authorization" and checks.count(token) == 1


async def test_every_amount_a_client_sends_is_bounded_in_the_openapi_and_one_fen_over_is_422(gateway) -> None:
    spec = (await gateway.client.get("/openapi.json")).json()
    amounts = {
        (name, field): (value.get("minimum"), value.get("maximum"))
        for name, schema in spec["components"]["schemas"].items() if re.search(r"In([A-Z]|$)", name)  # request bodies
        for field, value in schema.get("properties", {}).items() if field.endswith("_fen")
    }
    assert len(amounts) >= 10 and set(amounts.values()) == {(-MAX_AMOUNT_FEN, MAX_AMOUNT_FEN)}, amounts
    headers = await gateway.token("city-admin")
    body = {"compound_id": "c-1", "purpose": "路灯"}
    over = await gateway.client.post("/api/v1/committee-expenses", json=body | {"amount_fen": MAX_AMOUNT_FEN + 1},
                                     headers=headers)
    assert (over.status_code, over.json()["field"]) == (422, "amount_fen"), over.text
    # at the bound the body is well formed: it reaches the service (funds is not running in this test)
    at_bound = await gateway.client.post("/api/v1/committee-expenses", json=body | {"amount_fen": MAX_AMOUNT_FEN},
                                         headers=headers)
    assert at_bound.status_code != 422, at_bound.text


async def test_every_area_count_and_rate_a_client_sends_carries_its_documented_bound_and_one_over_is_422(
    gateway,
) -> None:
    spec = (await gateway.client.get("/openapi.json")).json()
    bounded = {
        field: (value.get("minimum"), value.get("maximum"))
        for name, schema in spec["components"]["schemas"].items() if re.search(r"In([A-Z]|$)", name)
        for field, value in schema.get("properties", {}).items() if bound_of(field) is not None
    }
    # every documented bound reaches a request body, and the rates per m² are bounded as money
    assert set(FIELD_BOUNDS) <= set(bounded) and {"rate_fen_per_m2", "rate_fen_per_m2_month"} <= set(bounded)
    for field, (low, high) in bounded.items():
        assert (low, high) == bound_of(field)[:2], field  # type: ignore[index]
    headers = await gateway.token("city-admin")
    surcharge = "/api/v1/funds/compounds/c-1/mini-fund/surcharges"
    over = await gateway.client.post(surcharge, json={"months": MAX_SURCHARGE_MONTHS + 1}, headers=headers)
    assert (over.status_code, over.json()["field"]) == (422, "months"), over.text
    at_bound = await gateway.client.post(surcharge, json={"months": MAX_SURCHARGE_MONTHS}, headers=headers)
    assert at_bound.status_code != 422, at_bound.text
    rate = await gateway.client.post("/api/v1/funds/compounds/c-1/mini-fund",
                                     json={"rate_fen_per_m2_month": MAX_AMOUNT_FEN + 1}, headers=headers)
    assert (rate.status_code, rate.json()["field"]) == (422, "rate_fen_per_m2_month"), rate.text


async def test_an_integer_query_parameter_outside_its_type_is_422_naming_it_not_a_500(gateway) -> None:
    """Found by the fuzz run: an int32 query value past 2^31 − 1 reached the protobuf conversion and answered 500."""
    headers = await gateway.token("huian-officer")
    over = await gateway.client.get("/api/v1/complaints/service-lists/c-1", headers=headers,
                                    params={"start_date": "2026-12-01", "end_date": "2026-12-04", "top": 2**31})
    assert (over.status_code, over.json()["field"]) == (422, "top"), over.text
    spec = (await gateway.client.get("/openapi.json")).json()
    [top] = [p for p in spec["paths"]["/api/v1/complaints/service-lists/{compound_id}"]["get"]["parameters"]
             if p["name"] == "top"]
    assert (top["schema"]["minimum"], top["schema"]["maximum"]) == (-(2**31), 2**31 - 1)


async def test_gateway_replicas_given_one_development_key_accept_each_others_tokens(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    """make run-cluster: a token from one gateway replica is good at the other, and after a restart."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    registry = await start_service(definition("registry", database_url, nats_server.url))
    async with gateway_for({"registry": registry}, dev_issuer_key=key) as first:
        issued = await first.token("huian-officer")
        async with gateway_for({"registry": registry}, dev_issuer_key=key) as second, \
                gateway_for({"registry": registry}) as stranger:
            assert (await second.client.get("/api/v1/jurisdictions", headers=issued)).status_code == 200
            # a gateway with a key of its own refuses it: the key, not the replica, makes a token good
            assert (await stranger.client.get("/api/v1/jurisdictions", headers=issued)).status_code == 401
