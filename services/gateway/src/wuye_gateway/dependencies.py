from typing import Annotated

from fastapi import Header, Request
from pydantic import BaseModel

from wuye_chassis import idempotency
from wuye_chassis.auth import AuthContext
from wuye_gateway.identity import bearer_token


class Problem(BaseModel):
    """RFC 9457 problem details; ``field`` names the input at fault and ``rule`` the RULES.md rule."""

    type: str
    title: str
    status: int
    detail: str
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


def caller(request: Request) -> AuthContext:
    return request.app.state.verifier.verify(bearer_token(request))


#: on every create: a retry with the same key is applied once and answered with the first response
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        description="A client-chosen unique key (e.g. a UUID) per intended create; retries reuse it",
    ),
]


def call_metadata(who: AuthContext, key: str | None = None) -> list[tuple[str, str]]:
    """gRPC metadata for a call on the caller's behalf, with the idempotency key when one was sent."""
    return who.to_metadata() + ([(idempotency.METADATA_KEY, key)] if key else [])
