"""Authentication: OIDC-style JWTs (RS256) verified for signature, issuer, audience and expiry.

In production the keys come from the identity provider's JWKS (``WUYE_JWKS_URL``). For local runs the
gateway can act as its own development issuer (``WUYE_DEV_ISSUER=true``) with seeded accounts, one per
role, scoped to the demo city (Quanzhou) and its counties Hui'an and Anxi.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Request
from jwt.algorithms import AllowedPublicKeys

from wuye_chassis.auth import AuthContext
from wuye_chassis.errors import Unauthenticated
from wuye_gateway.settings import GatewaySettings

ROLES = (
    "resident",
    "grid_worker",
    "operator_12345",
    "community_worker",
    "company_staff",
    "street_officer",
    "county_officer",
    "department_inspector",
    "auditor",
    "city_admin",
)
TOKEN_LIFETIME = dt.timedelta(hours=8)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    scope: str
    department: str = ""
    #: the property company a company_staff account works for (the ``wuye_company`` claim)
    company: str = ""


QUANZHOU = "350500"
HUIAN = "350500/350521"
ANXI = "350500/350524"
#: the demo company's id in the development accounts; a real identity provider issues the registry's id
DEMO_COMPANY_ID = "demo-company-huian-anju"
DEV_ACCOUNTS = {
    account.username: account
    for account in (
        Account("city-admin", "city_admin", QUANZHOU),
        Account("huian-officer", "county_officer", HUIAN),
        Account("anxi-officer", "county_officer", ANXI),
        Account("huian-street", "street_officer", f"{HUIAN}/350521100"),
        Account("huian-community", "community_worker", f"{HUIAN}/350521100/350521100001"),
        Account("huian-grid", "grid_worker", f"{HUIAN}/350521100/350521100001"),
        Account("huian-12345", "operator_12345", HUIAN),
        Account("huian-company", "company_staff", HUIAN, company=DEMO_COMPANY_ID),
        Account("huian-resident", "resident", f"{HUIAN}/350521100/350521100001"),
        Account("huian-housing", "department_inspector", HUIAN, department="housing"),
        Account("city-auditor", "auditor", QUANZHOU),
    )
}


class DevIssuer:
    """Signs tokens for the seeded accounts with a key made at start-up (local runs only)."""

    key_id = "wuye-dev-1"

    def __init__(self, issuer: str, audience: str) -> None:
        self.issuer = issuer
        self.audience = audience
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self._private_key.public_key()

    def jwks(self) -> dict[str, object]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.public_key))
        jwk.update({"kid": self.key_id, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def issue(self, username: str) -> str:
        account = DEV_ACCOUNTS.get(username)
        if account is None:
            raise Unauthenticated(f"no development account named {username!r}", field="username")
        now = dt.datetime.now(dt.UTC)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": account.username,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "roles": [account.role],
            "wuye_scope": account.scope,
            "wuye_department": account.department,
            "wuye_company": account.company,
        }
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": self.key_id})


class TokenVerifier:
    def __init__(self, settings: GatewaySettings, dev_issuer: DevIssuer | None) -> None:
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.max_lifetime = settings.max_token_lifetime_seconds
        self._dev_issuer = dev_issuer
        self._jwks = jwt.PyJWKClient(settings.jwks_url) if dev_issuer is None and settings.jwks_url else None

    def _key_for(self, token: str) -> AllowedPublicKeys:
        if self._dev_issuer is not None:
            return self._dev_issuer.public_key
        if self._jwks is None:
            raise Unauthenticated("no identity provider is configured (WUYE_JWKS_URL)")
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientError as exc:
            raise Unauthenticated(f"signing key not found: {exc}") from None

    def verify(self, token: str) -> AuthContext:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"invalid token: {exc}", field="Authorization") from None
        # without iat, what is left of the token's life counts
        lifetime = int(claims["exp"] - claims.get("iat", dt.datetime.now(dt.UTC).timestamp()))
        if lifetime > self.max_lifetime:
            raise Unauthenticated(
                f"the token lives {lifetime} s; tokens may live at most {self.max_lifetime} s "
                "(WUYE_MAX_TOKEN_LIFETIME_SECONDS)", field="Authorization", rule="token lifetime",
            )
        roles = frozenset(role for role in claims.get("roles", []) if role in ROLES)
        return AuthContext(
            user=str(claims["sub"]),
            roles=roles,
            scope=str(claims.get("wuye_scope", "")),
            department=str(claims.get("wuye_department", "")),
            company=str(claims.get("wuye_company", "")),
        )


    def subject(self, token: str) -> str | None:
        """The subject of a token that verifies, else None (picks a rate-limit bucket; never raises)."""
        try:
            return self.verify(token).user
        except (Unauthenticated, jwt.InvalidTokenError, jwt.PyJWKClientError):
            return None


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("send 'Authorization: Bearer <token>'", field="Authorization")
    return token.strip()
