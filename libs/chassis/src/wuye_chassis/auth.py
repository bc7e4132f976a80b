"""Who is calling: the auth context carried in gRPC metadata and checked by every service.

The gateway authenticates users, resolves the token's subject to a registry person and the post they act
in (RULES.md A1), and forwards that identity in metadata; partner departments call over mutual TLS with
their own credentials. ``user`` is always the registry person's id; ``roles``, ``scope``, ``company`` and
``department`` are those of the one post the person acts in for this call (``post``), and a resident's
``compounds`` are the compounds they own units in. Inside a service the context is read from a context
variable, so use cases can check role and jurisdiction scope without threading it through every call.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from wuye_chassis.errors import PermissionDenied, Unauthenticated
from wuye_chassis.jurisdiction import in_scope

USER_KEY = "x-wuye-user"
ROLES_KEY = "x-wuye-roles"
SCOPE_KEY = "x-wuye-scope"
DEPARTMENT_KEY = "x-wuye-department"
#: the property company a company_staff caller works for (from their registry post); absent otherwise
COMPANY_KEY = "x-wuye-company"
#: the registry post the person acts in ("resident" for the post that owning units gives)
POST_KEY = "x-wuye-post"
#: a resident's own compounds, comma-separated
COMPOUNDS_KEY = "x-wuye-compounds"
#: the post that owning units gives a person (no row in the registry's posts)
RESIDENT_POST = "resident"

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
    #: the compounds a resident owns units in
    compounds: frozenset[str] = frozenset()

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
        if not self.authenticated:
            return []
        # percent-encoded: gRPC metadata carries printable ASCII only, and a user name may be 张三
        return [
            (USER_KEY, quote(self.user)),
            (ROLES_KEY, quote(",".join(sorted(self.roles)), safe=",")),
            (SCOPE_KEY, quote(self.scope)),
            (DEPARTMENT_KEY, quote(self.department)),
            *([(COMPANY_KEY, quote(self.company))] if self.company else []),
            *([(POST_KEY, quote(self.post))] if self.post else []),
            *([(COMPOUNDS_KEY, quote(",".join(sorted(self.compounds)), safe=","))] if self.compounds else []),
        ]

    @classmethod
    def from_metadata(cls, metadata: Iterable[tuple[str, str | bytes]] | None) -> AuthContext:
        values = {key: unquote(value) for key, value in (metadata or ()) if isinstance(value, str)}
        roles = frozenset(r for r in values.get(ROLES_KEY, "").split(",") if r)
        return cls(
            user=values.get(USER_KEY, ""),
            roles=roles,
            scope=values.get(SCOPE_KEY, ""),
            department=values.get(DEPARTMENT_KEY, ""),
            company=values.get(COMPANY_KEY, ""),
            post=values.get(POST_KEY, ""),
            compounds=frozenset(c for c in values.get(COMPOUNDS_KEY, "").split(",") if c),
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
