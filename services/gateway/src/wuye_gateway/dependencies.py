from fastapi import Request
from pydantic import BaseModel

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
