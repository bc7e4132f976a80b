"""Who is calling: the auth context carried in gRPC metadata and checked by every service.

The gateway authenticates users, resolves the token's subject to a registry person and the post they act
in (RULES.md A1), and forwards that identity in metadata; partner departments call over mutual TLS with
their own credentials. ``user`` is always the registry person's id; ``roles``, ``scope``, ``company`` and
``department`` are those of the one post the person acts in for this call (``post``), and a resident's
``compounds`` are the compounds they own units in and ``owner_keys`` the roster owners they are (V4).
The context travels as one signed short-lived token (``x-wuye-identity``, ``wuye_chassis.internal_tokens``),
so a process without the platform's key cannot claim anyone. Inside a service the context is read from a
context variable, so use cases can check role and jurisdiction scope without threading it through every call.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wuye_chassis import internal_tokens
from wuye_chassis.errors import PermissionDenied, Unauthenticated
from wuye_chassis.jurisdiction import in_scope

#: the metadata key of the signed token that carries the whole context (wuye_chassis.internal_tokens)
IDENTITY_KEY = "x-wuye-identity"
#: the post that owning units gives a person (no row in the registry's posts)
RESIDENT_POST = "resident"
#: the role of a committee member acting for their committee (the post is the committee's id, A1)
COMMITTEE_MEMBER_ROLE = "committee_member"

#: the role of internal callers (event consumers, schedulers) acting for the platform itself
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class AuthContext:
    user: str = ""
    roles: frozenset[str] = frozenset()
    #: jurisdiction path the caller may act within; empty means no jurisdiction at all
    scope: str = ""
    department: str = ""
    company: str = ""
    #: the registry post id this call acts in (``RESIDENT_POST`` for an owner acting as such)
    post: str = ""
    #: the compounds a resident owns units in, or the compound a committee member acts for
    compounds: frozenset[str] = frozenset()
    #: the roster owners (V4 keys) a resident is, or is one of: whose ballot they may cast (A2)
    owner_keys: frozenset[str] = frozenset()

    @property
    def authenticated(self) -> bool:
        return bool(self.user)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def can_access(self, record_path: str) -> bool:
        if SYSTEM_ROLE in self.roles:
            return True
        return bool(self.scope) and in_scope(self.scope, record_path)

    def to_metadata(self) -> list[tuple[str, str]]:
        """The context as one signed, short-lived token (``wuye_chassis.internal_tokens``)."""
        if not self.authenticated:
            return []
        claims = {
            "sub": self.user, "roles": sorted(self.roles), "scope": self.scope, "department": self.department,
            "company": self.company, "post": self.post, "compounds": sorted(self.compounds),
            "owner_keys": sorted(self.owner_keys),
        }
        return [(IDENTITY_KEY, internal_tokens.tokens().mint(claims))]

    @classmethod
    def from_metadata(cls, metadata: Iterable[tuple[str, str | bytes]] | None) -> AuthContext:
        """The caller's context from its signed token; anonymous without one. Plain ``x-wuye-*`` headers are
        never read: only a holder of the platform's key can say who acts. A bad token: Unauthenticated."""
        token = next((value for key, value in (metadata or ()) if key == IDENTITY_KEY and isinstance(value, str)),
                     None)
        if token is None:
            return cls()
        claims = internal_tokens.tokens().verify(token)
        return cls(
            user=str(claims["sub"]),
            roles=frozenset(str(role) for role in claims.get("roles", [])),
            scope=str(claims.get("scope", "")),
            department=str(claims.get("department", "")),
            company=str(claims.get("company", "")),
            post=str(claims.get("post", "")),
            compounds=frozenset(str(compound) for compound in claims.get("compounds", [])),
            owner_keys=frozenset(str(key) for key in claims.get("owner_keys", [])),
        )


SYSTEM = AuthContext(user="system", roles=frozenset({SYSTEM_ROLE}))
_current: contextvars.ContextVar[AuthContext] = contextvars.ContextVar("wuye_auth", default=AuthContext())


def current() -> AuthContext:
    return _current.get()


def bind(context: AuthContext) -> contextvars.Token[AuthContext]:
    return _current.set(context)


def reset(token: contextvars.Token[AuthContext]) -> None:
    _current.reset(token)


def require_role(roles: Sequence[str], *, action: str) -> AuthContext:
    caller = current()
    if not caller.authenticated:
        raise Unauthenticated(f"{action} needs an authenticated caller")
    if not caller.has_role(SYSTEM_ROLE, *roles):
        raise PermissionDenied(f"{action} needs one of the roles {', '.join(roles)}", rule="role")
    return caller


def require_access(record_path: str, *, action: str) -> AuthContext:
    caller = current()
    if not caller.authenticated:
        raise Unauthenticated(f"{action} needs an authenticated caller")
    if not caller.can_access(record_path):
        raise PermissionDenied(
            f"{action}: the record lies outside the caller's jurisdiction", field="jurisdiction_path", rule="scope"
        )
    return caller


def require_own_compound(compound_id: str, *, action: str) -> AuthContext:
    """A resident acts only for a compound they own a unit in (A1, A5); other callers pass through."""
    caller = current()
    if caller.has_role("resident") and not caller.has_role(SYSTEM_ROLE) and compound_id not in caller.compounds:
        raise PermissionDenied(f"{action}: a resident acts only for the compounds they own units in",
                               field="compound_id", rule="A5")
    return caller
