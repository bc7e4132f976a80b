"""Service identity inside the platform: who acts travels as a short-lived signed token, never as headers.

The gateway (for the person a login resolved to) and every service (for its own calls, as ``system`` or
on behalf of the caller it serves) mint an HS256 JWT carrying the whole ``AuthContext``; every service
verifies it before a call reaches a servicer. A process that can reach a gRPC port but does not hold
``WUYE_INTERNAL_TOKEN_KEY`` cannot claim anyone: plain ``x-wuye-*`` headers are not read at all, a forged,
altered or expired token is UNAUTHENTICATED. The key is one Secret shared by the release (the chart makes
it); the local stack and the tests use ``DEVELOPMENT_KEY``.

Tokens live ``LIFETIME`` seconds; a process reuses the token it minted for one context while more than
half of that remains, and remembers the tokens it verified until they expire, so a call costs one HMAC at
most.

Rotation without refusals: ``WUYE_INTERNAL_TOKEN_ACCEPTED_KEY`` names one more key whose tokens are
accepted (never used to mint). Roll out the new key as the accepted one first, then swap the two, then
drop the old one: at every step each pod accepts what every other pod mints (deploy/README.md).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from typing import Any

import jwt

from wuye_chassis.errors import Unauthenticated
from wuye_chassis.settings import secret_from_environment

#: the environment variable every process reads the shared key from
KEY_VARIABLE = "WUYE_INTERNAL_TOKEN_KEY"
#: one more key whose tokens are accepted during a rotation (optional)
ACCEPTED_KEY_VARIABLE = "WUYE_INTERNAL_TOKEN_ACCEPTED_KEY"
#: the local stack's and the tests' key (never a deployment's: the chart generates or takes a Secret)
DEVELOPMENT_KEY = "wuye-local-development-internal-token-key"
AUDIENCE = "wuye-internal"
LIFETIME = 120
#: clock difference tolerated between pods
LEEWAY = 10
_CACHE_LIMIT = 4096
_ALGORITHM = "HS256"


class InternalTokens:
    """Mints and verifies the platform's internal identity tokens with one shared key."""

    def __init__(self, key: str, accepted: str = "") -> None:
        for name, value in ((KEY_VARIABLE, key), (ACCEPTED_KEY_VARIABLE, accepted or key)):
            if len(value) < 32:
                raise ValueError(f"{name} must be at least 32 characters")
        self._key = _derived(key)
        #: the keys a token may be signed with: this one first, then the one accepted during a rotation
        self._keys = [self._key, *([_derived(accepted)] if accepted and accepted != key else [])]
        self._minted: dict[tuple[Any, ...], tuple[str, float]] = {}
        self._verified: dict[str, tuple[dict[str, Any], float]] = {}

    def mint(self, claims: Mapping[str, Any], *, now: float | None = None) -> str:
        now = time.time() if now is None else now
        cache_key = tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                                 for name, value in claims.items()))
        cached = self._minted.get(cache_key)
        if cached is not None and cached[1] - now > LIFETIME / 2:
            return cached[0]
        expires = int(now) + LIFETIME
        token = jwt.encode({**claims, "aud": AUDIENCE, "iat": int(now), "exp": expires}, self._key,
                           algorithm=_ALGORITHM)
        self._remember(self._minted, cache_key, (token, float(expires)))
        return token

    def verify(self, token: str, *, now: float | None = None) -> dict[str, Any]:
        now = time.time() if now is None else now
        cached = self._verified.get(token)
        if cached is not None and cached[1] + LEEWAY > now:
            return cached[0]
        claims = self._decoded(token)
        issued, expires = claims["iat"], claims["exp"]
        if not isinstance(issued, int) or not isinstance(expires, int):
            raise _refused("the internal identity token's iat and exp must be whole seconds")
        if expires - issued > LIFETIME:
            raise _refused("the internal identity token lives longer than the platform allows")
        if expires + LEEWAY < now or issued - LEEWAY > now:
            raise _refused("the internal identity token has expired or is not yet valid")
        self._remember(self._verified, token, (claims, float(claims["exp"])))
        return claims

    def _decoded(self, token: str) -> dict[str, Any]:
        """The claims of a token signed with this key or the accepted one; the times are checked by the
        caller against its ``now`` (the library would read the clock itself)."""
        failure: jwt.InvalidTokenError | None = None
        for key in self._keys:
            try:
                claims: dict[str, Any] = jwt.decode(
                    token, key, algorithms=[_ALGORITHM], audience=AUDIENCE,
                    options={"require": ["exp", "iat", "aud", "sub"], "verify_exp": False, "verify_iat": False},
                )
                return claims
            except jwt.InvalidSignatureError as exc:
                failure = exc  # perhaps signed with the other key
            except jwt.InvalidTokenError as exc:
                raise _refused(f"the internal identity token is not valid: {exc}") from None
        raise _refused(f"the internal identity token is not valid: {failure}")

    @staticmethod
    def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()  # bounded; the next calls mint or verify again
        cache[key] = value


def _derived(key: str) -> bytes:
    # derived, so the configured secret is never itself an HMAC key of some other use
    return hashlib.sha256(b"wuye-internal-identity-v1:" + key.encode()).digest()


def _refused(reason: str) -> Unauthenticated:
    return Unauthenticated(reason, field="x-wuye-identity", rule="service identity")


_tokens: InternalTokens | None = None


def tokens() -> InternalTokens:
    """The process's token maker, from ``WUYE_INTERNAL_TOKEN_KEY`` or its file (read once)."""
    global _tokens
    if _tokens is None:
        key = secret_from_environment(KEY_VARIABLE)
        if not key:
            raise RuntimeError(f"{KEY_VARIABLE} is not set: services cannot tell who calls them without it")
        _tokens = InternalTokens(key, secret_from_environment(ACCEPTED_KEY_VARIABLE))
    return _tokens
