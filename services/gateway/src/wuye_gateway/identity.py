"""Authentication: OIDC-style JWTs (RS256) verified for signature, issuer, audience and expiry.

In production the keys come from the identity provider's JWKS (``WUYE_JWKS_URL``). A verified token is a
``Login``: the provider's subject and, when the provider verified it (实名认证), the phone number; who the
login is, and what they may do, the registry answers (``wuye_gateway.actors``, RULES.md A1). For local runs
the gateway can act as its own development issuer (``WUYE_DEV_ISSUER=true``): its accounts are the demo
city's people (deploy/demo.py registers them with these phones and gives them these posts).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Request
from jwt.algorithms import AllowedPublicKeys

from wuye_chassis import departments
from wuye_chassis.auth import AuthContext
from wuye_chassis.errors import Unauthenticated
from wuye_chassis.pii import validate_mobile
from wuye_gateway.settings import GatewaySettings

ROLES = (
    "resident",
    "party_branch_reviewer",
    "residents_committee_reviewer",
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
    """A development login: a demo person (name, verified phone) and the one post the demo gives them."""

    username: str
    #: the post kind the demo gives the person ("resident": they own units, no post)
    role: str
    #: where the post is held (a resident: their community)
    scope: str
    phone: str
    name: str
    department: str = ""
    #: the property company a company_staff account works for (the ``wuye_company`` claim)
    company: str = ""


@dataclass(frozen=True)
class Login:
    """A verified token: who signed in (``"<iss>|<sub>"``), the provider's verified phone ("" without one),
    and the context its claims state (read only when ``WUYE_ROLES_FROM_TOKEN`` is on, in development)."""

    subject: str
    verified_phone: str
    claimed: AuthContext


QUANZHOU = "350500"
HUIAN = "350500/350521"
ANXI = "350500/350524"
#: the demo company's id in the development accounts; a real identity provider issues the registry's id
DEMO_COMPANY_ID = "demo-company-huian-anju"
FENGHUANG_COMMUNITY = f"{HUIAN}/350521100/350521100001"
OLYMPIC_COMMUNITY = f"{HUIAN}/350521100/350521100002"
CHENGDONG_COMMUNITY = f"{ANXI}/350524100/350524100001"
#: in the order of the sorted department codes: court, ecology_environment, fire_rescue, housing, justice,
#: market_supervision, natural_resources, police, procuratorate, safety_office, urban_management
_INSPECTOR_NAMES = ("邱法官", "戴环保", "苏消防", "施住建", "魏司法", "卢市监", "潘自然", "庄民警", "詹检察", "骆安监",
                    "康城管")
#: one inspector of Hui'an per partner department (phones 139000001xx, by the code's place in the list)
_INSPECTORS = tuple(
    Account(f"huian-{code.replace('_', '-')}", "department_inspector", HUIAN, f"139000001{index:02d}", name,
            department=code)
    for index, (code, name) in enumerate(zip(sorted(departments.CODES), _INSPECTOR_NAMES, strict=True))
)
DEV_ACCOUNTS = {
    account.username: account
    for account in (
        Account("city-admin", "city_admin", QUANZHOU, "13900000001", "林市管"),
        Account("huian-officer", "county_officer", HUIAN, "13900000002", "黄县办"),
        Account("anxi-officer", "county_officer", ANXI, "13900000003", "刘县办"),
        Account("huian-street", "street_officer", f"{HUIAN}/350521100", "13900000004", "郑街道"),
        Account("huian-community", "community_worker", FENGHUANG_COMMUNITY, "13900000005", "陈社工"),
        Account("huian-olympic-community", "community_worker", OLYMPIC_COMMUNITY, "13900000013", "吴社工"),
        Account("anxi-community", "community_worker", CHENGDONG_COMMUNITY, "13900000014", "谢社工"),
        Account("huian-grid", "grid_worker", FENGHUANG_COMMUNITY, "13900000006", "蔡网格"),
        Account("huian-12345", "operator_12345", HUIAN, "13900000007", "洪话务"),
        Account("huian-company", "company_staff", HUIAN, "13900000008", "张物业", company=DEMO_COMPANY_ID),
        # owners from the demo county's roster (deploy/demo/huian/owners.csv): 1-101 alone, 1-104 jointly
        Account("huian-resident", "resident", FENGHUANG_COMMUNITY, "13800000001", "陈建国"),
        Account("huian-coowner", "resident", FENGHUANG_COMMUNITY, "13800000004", "王文斌"),
        Account("huian-party-reviewer", "party_branch_reviewer", FENGHUANG_COMMUNITY, "13900000010", "杨支书"),
        Account("huian-rc-reviewer", "residents_committee_reviewer", FENGHUANG_COMMUNITY, "13900000011", "何主任"),
        *_INSPECTORS,
        Account("city-auditor", "auditor", QUANZHOU, "13900000012", "钟审计"),
    )
}


def _rsa_private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("WUYE_DEV_ISSUER_KEY must be an RSA private key (PEM)")
    return key


class DevIssuer:
    """Signs tokens for the seeded accounts (local runs only) with the given key (PEM), else one made at
    start-up."""

    key_id = "wuye-dev-1"

    def __init__(self, issuer: str, audience: str, private_key_pem: str = "") -> None:
        self.issuer = issuer
        self.audience = audience
        self._private_key = (
            _rsa_private_key(private_key_pem) if private_key_pem
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )

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
        return self._sign(account.username, account.phone, {
            "roles": [account.role], "wuye_scope": account.scope, "wuye_department": account.department,
            "wuye_company": account.company})

    def issue_for_phone(self, phone: str) -> str:
        """A resident's sign-in by a verified mobile number, as the production identity provider does: the
        token claims no role; the registry binds the login to the person registered with that phone."""
        digits = validate_mobile(phone)
        return self._sign(f"phone-{digits}", digits, {"roles": [], "wuye_scope": ""})

    def _sign(self, subject: str, phone: str, claims: dict[str, object]) -> str:
        now = dt.datetime.now(dt.UTC)
        signed = {"iss": self.issuer, "aud": self.audience, "sub": subject, "iat": now, "exp": now + TOKEN_LIFETIME,
                  **claims, "phone_number": f"+86{phone}", "phone_number_verified": True}
        return jwt.encode(signed, self._private_key, algorithm="RS256", headers={"kid": self.key_id})

#: where the limits middleware leaves the token it verified and its login, for the caller dependency, so
#: that a request's token is verified once (each verification is an RSA signature check)
VERIFIED_TOKEN = "wuye.verified_token"


#: tokens whose signature and claims were checked, kept with their login until they expire: a client sends
#: the same token with each request, and its RSA check was a twentieth of the gateway's CPU per intake
VERIFIED_TOKENS_KEPT = 4096


class TokenVerifier:
    def __init__(self, settings: GatewaySettings, dev_issuer: DevIssuer | None) -> None:
        self._checked = functools.lru_cache(maxsize=VERIFIED_TOKENS_KEPT)(self._check)
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

    def verify(self, token: str) -> Login:
        """The token's login. A token is checked once; its expiry at every use. A signing key the provider
        withdraws stops new tokens at once, and those it already signed at their expiry (at most
        ``WUYE_MAX_TOKEN_LIFETIME_SECONDS``)."""
        login, expires = self._checked(token)
        if expires <= dt.datetime.now(dt.UTC).timestamp():
            raise Unauthenticated("invalid token: Signature has expired", field="Authorization")
        return login

    def _check(self, token: str) -> tuple[Login, float]:
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
        claimed = AuthContext(
            user=str(claims["sub"]),
            roles=roles,
            scope=str(claims.get("wuye_scope", "")),
            department=str(claims.get("wuye_department", "")),
            company=str(claims.get("wuye_company", "")),
        )
        # OIDC: a phone number counts only when the provider says it verified it
        phone = str(claims.get("phone_number", "")) if claims.get("phone_number_verified") is True else ""
        return Login(subject=f"{claims['iss']}|{claims['sub']}", verified_phone=phone, claimed=claimed), claims["exp"]


    def login_or_none(self, token: str) -> Login | None:
        """The login of a token that verifies, else None (picks a rate-limit bucket; never raises)."""
        try:
            return self.verify(token)
        except (Unauthenticated, jwt.InvalidTokenError, jwt.PyJWKClientError):
            return None

    def verified(self, request: Request) -> Login:
        """The request's login: the one the limits middleware verified for this very token, or verified now."""
        token = bearer_token(request)
        already = request.scope.get("state", {}).get(VERIFIED_TOKEN)
        if already is not None and already[0] == token:
            return already[1]
        return self.verify(token)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("send 'Authorization: Bearer <token>'", field="Authorization")
    return token.strip()
