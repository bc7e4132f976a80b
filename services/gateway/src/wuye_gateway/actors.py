"""Who acts (RULES.md A1): the registry person behind each login, and the one post they act in.

A verified token says who signed in, never what they may do. The registry answers the person, the posts they
hold today and the units they own (``ResolveActor``, asked with the gateway's own system identity and kept
for a short while per login). The caller's context for the call is then one of those: the post named by the
``X-Wuye-Post`` header (a post id, a committee id for a committee member, or ``resident``), or the only one
the person has (a committee seat only when named, so an owner on a committee signs in as an owner). Roles,
scope, company, department and compounds all come from that post, so a client can never widen them.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict

from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import COMMITTEE_MEMBER_ROLE, RESIDENT_POST, SYSTEM, AuthContext
from wuye_chassis.errors import InvalidArgument, PermissionDenied
from wuye_chassis.proto_values import enum_text
from wuye_gateway.backends import Backends
from wuye_gateway.identity import Login

POST_HEADER = "X-Wuye-Post"


class ActorDirectory:
    """The registry's answer per login, kept ``ttl_seconds`` (a post given or ended shows within that)."""

    def __init__(self, backends: Backends, *, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self._backends = backends
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._answers: OrderedDict[tuple[str, str], tuple[float, registry_pb2.Actor]] = OrderedDict()

    async def actor(self, login: Login) -> registry_pb2.Actor:
        key = (login.subject, login.verified_phone)
        now = time.monotonic()
        kept = self._answers.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        resolve = self._backends.method("registry", "ResolveActor")
        answer = await resolve(
            registry_pb2.ResolveActorRequest(subject=login.subject, verified_phone=login.verified_phone),
            metadata=SYSTEM.to_metadata(),
        )
        self._answers[key] = (now + self._ttl, answer.actor)
        self._answers.move_to_end(key)
        while len(self._answers) > self._max_entries:
            self._answers.popitem(last=False)
        return answer.actor


def post_choices(actor: registry_pb2.Actor) -> list[str]:
    """What the person may act as: each open post's id, each committee seat's committee id, and ``resident``
    when they own a unit."""
    return ([post.post_id for post in actor.posts] + [seat.committee_id for seat in actor.committee_seats]
            + ([RESIDENT_POST] if actor.units else []))


def acting_context(actor: registry_pb2.Actor, wanted: str) -> AuthContext:
    """The context of the post the caller acts in (``wanted``: the header's value, "" when not sent)."""
    choices = post_choices(actor)
    if not choices:
        raise PermissionDenied("this person holds no post and owns no unit: nothing to act as", rule="A1")
    if not wanted:
        # a committee seat is acted in only when named: an owner on the committee is an owner by default
        seats = {seat.committee_id for seat in actor.committee_seats}
        choices = [choice for choice in choices if choice not in seats] or choices
        if len(choices) > 1:
            raise InvalidArgument(
                f"this person holds several posts: name the one to act in with {POST_HEADER} "
                f"({', '.join(choices)})", field=POST_HEADER, rule="A1",
            )
        wanted = choices[0]
    if wanted == RESIDENT_POST and actor.units:
        # the narrowest jurisdiction holding all their units (commonprefix compares lists item by item)
        shared = os.path.commonprefix([unit.jurisdiction_path.split("/") for unit in actor.units])
        return AuthContext(
            user=actor.person_id, roles=frozenset({RESIDENT_POST}), scope="/".join(shared), post=RESIDENT_POST,
            compounds=frozenset(unit.compound_id for unit in actor.units),
            owner_keys=frozenset(unit.owner_key for unit in actor.units),
        )
    seat = next((seat for seat in actor.committee_seats if seat.committee_id == wanted), None)
    if seat is not None:
        return AuthContext(
            user=actor.person_id, roles=frozenset({COMMITTEE_MEMBER_ROLE}), scope=seat.jurisdiction_path,
            post=seat.committee_id, compounds=frozenset({seat.compound_id}),
        )
    post = next((post for post in actor.posts if post.post_id == wanted), None)
    if post is None:
        raise PermissionDenied(f"{POST_HEADER} names a post this person does not hold today",
                               field=POST_HEADER, rule="A1")
    return AuthContext(
        user=actor.person_id, roles=frozenset({enum_text(registry_pb2.PostKind, post.kind)}),
        scope=post.jurisdiction_path, department=post.department, company=post.company_id, post=post.post_id,
    )
