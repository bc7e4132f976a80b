"""Service identity (issue 19, finding 1): who acts reaches a service only inside a token signed with the
platform's key; plain x-wuye-* headers claim nothing, a forged, altered or over-long token is refused."""

from __future__ import annotations

import base64
import json

import grpc
import jwt
import pytest

from wuye_chassis import auth, internal_tokens
from wuye_chassis.errors import Unauthenticated
from wuye_chassis.grpc_server import CallInterceptor
from wuye_chassis.internal_tokens import AUDIENCE, LEEWAY, LIFETIME, InternalTokens

SERVICE = "wuye.test.v1.IdentityProbe"
OFFICER = auth.AuthContext(user="person-7", roles=frozenset({"county_officer"}), scope="350500/350521",
                           post="post-3", compounds=frozenset({"c-1"}))


@pytest.fixture
async def whoami():
    async def answer(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        caller = auth.current()
        return json.dumps([caller.user, sorted(caller.roles), caller.scope]).encode()

    server = grpc.aio.server(interceptors=[CallInterceptor(default_timeout=2)])
    handler = grpc.unary_unary_rpc_method_handler(answer, request_deserializer=None, response_serializer=None)
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"Whoami": handler})])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        call = channel.unary_unary(f"/{SERVICE}/Whoami")

        async def ask(metadata: list[tuple[str, str]]) -> list[object]:
            return list(json.loads(await call(b"", metadata=metadata)))

        yield ask
    await server.stop(0)


async def test_a_signed_context_reaches_the_service_whole(whoami) -> None:
    assert await whoami(OFFICER.to_metadata()) == ["person-7", ["county_officer"], "350500/350521"]
    assert auth.AuthContext.from_metadata(OFFICER.to_metadata()) == OFFICER


async def test_plain_identity_headers_claim_nothing(whoami) -> None:
    """The probe's attack: x-wuye-user / x-wuye-roles: system sent by any process that reaches the port."""
    spoofed = [("x-wuye-user", "system"), ("x-wuye-roles", "system"), ("x-wuye-scope", "350500")]
    assert await whoami(spoofed) == ["", [], ""]  # anonymous: every protected method refuses it


async def test_a_token_signed_with_another_key_is_unauthenticated(whoami) -> None:
    forged = InternalTokens("a-key-the-attacker-made-up-for-itself-0000").mint({"sub": "system", "roles": ["system"]})
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await whoami([(auth.IDENTITY_KEY, forged)])
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "signature" in (refused.value.details() or "").lower()


async def test_an_altered_token_is_unauthenticated(whoami) -> None:
    [(key, token)] = OFFICER.to_metadata()
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["system"]
    altered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await whoami([(key, f"{header}.{altered}.{signature}")])
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_an_expired_token_is_refused_past_the_leeway_and_accepted_at_its_last_second() -> None:
    maker = InternalTokens(internal_tokens.DEVELOPMENT_KEY)
    token = maker.mint({"sub": "person-7"}, now=1_000_000.0)
    fresh = InternalTokens(internal_tokens.DEVELOPMENT_KEY)  # no cache of verified tokens
    assert fresh.verify(token, now=1_000_000.0 + LIFETIME)["sub"] == "person-7"
    with pytest.raises(Unauthenticated, match="expired"):
        InternalTokens(internal_tokens.DEVELOPMENT_KEY).verify(token, now=1_000_000.0 + LIFETIME + LEEWAY + 1)


def test_a_token_that_lives_longer_than_the_platform_allows_is_refused() -> None:
    """Someone holding the key still cannot mint a ten-year identity (or one that outlives a revocation)."""
    key = InternalTokens(internal_tokens.DEVELOPMENT_KEY)._key
    long_lived = jwt.encode({"sub": "person-7", "aud": AUDIENCE, "iat": 1, "exp": 1 + LIFETIME + 1}, key,
                            algorithm="HS256")
    with pytest.raises(Unauthenticated, match="longer"):
        InternalTokens(internal_tokens.DEVELOPMENT_KEY).verify(long_lived, now=2)


def test_a_context_is_signed_once_while_its_token_is_young_and_again_when_half_its_life_is_gone() -> None:
    maker = InternalTokens(internal_tokens.DEVELOPMENT_KEY)
    first = maker.mint({"sub": "person-7"}, now=1_000_000.0)
    assert maker.mint({"sub": "person-7"}, now=1_000_000.0 + LIFETIME / 2 - 1) == first
    assert maker.mint({"sub": "person-7"}, now=1_000_000.0 + LIFETIME / 2 + 1) != first


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        InternalTokens("short")


def test_a_rotation_accepts_the_other_key_at_every_step_and_the_old_key_is_refused_once_dropped() -> None:
    """Issue 19: rotating the identity key refuses no call between pods of two steps of the rotation."""
    old, new = "o" * 40, "n" * 40
    before = InternalTokens(old)
    step_1 = InternalTokens(old, accepted=new)  # the new key rolled out as accepted only
    step_2 = InternalTokens(new, accepted=old)  # then swapped: new pods mint with the new key
    after = InternalTokens(new)  # the old key dropped
    now = 1_000_000.0
    for minter, verifier in ((before, step_1), (step_1, before), (step_1, step_2), (step_2, step_1),
                             (step_2, after), (after, step_2)):
        assert verifier.verify(minter.mint({"sub": "person-7"}, now=now), now=now)["sub"] == "person-7"
    with pytest.raises(Unauthenticated, match="not valid"):
        after.verify(before.mint({"sub": "person-7"}, now=now), now=now)
    with pytest.raises(Unauthenticated, match="not valid"):
        step_2.verify(InternalTokens("x" * 40).mint({"sub": "person-7"}, now=now), now=now)
    with pytest.raises(ValueError, match="ACCEPTED_KEY must be at least 32"):
        InternalTokens(old, accepted="short")
