"""What every route module shares: the caller, the idempotency key, paging, problem responses, the gRPC call."""

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Header, Query, Request
from google.protobuf.message import Message
from pydantic import BaseModel, Field

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2
from wuye_chassis import idempotency
from wuye_chassis.auth import AuthContext
from wuye_gateway.actors import POST_HEADER, acting_context


class Problem(BaseModel):
    """RFC 9457 problem details; ``field`` names the input at fault and ``rule`` the RULES.md rule."""

    type: str
    title: str
    status: int
    detail: str
    #: the same for a person: the kind of refusal and the field it names, in Chinese
    detail_zh: str = ""
    field: str | None = None
    rule: str | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": description}
    for code, description in {
        400: "invalid input (the field is named)",
        401: "missing or invalid token",
        403: "role or jurisdiction does not allow it",
        404: "not found",
        409: "conflicts with the current state or an existing record",
        422: "request does not match the schema",
        503: "a backing service is unavailable",
    }.items()
}


async def signed_in(request: Request) -> tuple[AuthContext, registry_pb2.Actor | None]:
    """The verified login's claims and the registry's person behind it (None when roles come from the
    token, in development)."""
    login = request.app.state.verifier.verified(request)
    if request.app.state.settings.roles_from_token:
        return login.claimed, None
    return login.claimed, await request.app.state.actors.actor(login)


async def caller(request: Request) -> AuthContext:
    """The caller as the registry knows them, acting in one post (A1; ``wuye_gateway.actors``)."""
    claimed, actor = await signed_in(request)
    if actor is None:
        return claimed
    return acting_context(actor, request.headers.get(POST_HEADER, "").strip())


Caller = Annotated[AuthContext, Depends(caller)]


#: on every create: a retry with the same key is applied once and answered with the first response
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        # printable ASCII: it travels as gRPC metadata, which refuses anything else
        pattern=r"^[!-~]+$",
        description="A client-chosen unique key (e.g. a UUID) per intended create; retries reuse it",
    ),
]


def call_metadata(who: AuthContext, key: str | None = None) -> list[tuple[str, str]]:
    """gRPC metadata for a call on the caller's behalf, with the idempotency key when one was sent."""
    return who.to_metadata() + ([(idempotency.METADATA_KEY, key)] if key else [])


def paging(
    page_size: Annotated[int, Query(ge=1, le=500, description="at most this many items")] = 50,
    page_token: Annotated[str, Query(description="next_page_token of the previous page; empty for the first")] = "",
) -> common_pb2.PageRequest:
    return common_pb2.PageRequest(page_size=page_size, page_token=page_token)


Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_page_token: str = Field("", description="Pass as page_token for the next page; empty on the last")


async def call(
    request: Request, service: str, rpc: str, message: Message, who: AuthContext, key: str | None = None
) -> Any:
    """One gRPC call to a service on the caller's behalf."""
    return await request.app.state.backends.method(service, rpc)(message, metadata=call_metadata(who, key))
