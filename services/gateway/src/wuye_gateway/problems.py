"""RFC 9457 problem+json for every error a client can cause or meet."""

from __future__ import annotations

import grpc
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_gateway.problem_labels import detail_zh

PROBLEM = "application/problem+json"
HTTP_STATUS = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 409,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "UNAVAILABLE": 503,
}
GRPC_HTTP_STATUS = {
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    field, rule = extra.get("field"), extra.get("rule")
    body = {"type": f"https://wuye.example/problems/{title.lower().replace(' ', '-')}", "title": title,
            "status": status, "detail": detail,
            "detail_zh": detail_zh(status, field if isinstance(field, str) else None,
                                   rule if isinstance(rule, str) else None),
            **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def from_error(error: WuyeError) -> JSONResponse:
    # an Idempotency-Key reused with another body is 422 (IETF draft-ietf-httpapi-idempotency-key-header)
    reused_key = error.code == "INVALID_ARGUMENT" and error.rule == "idempotency"
    return problem(
        422 if reused_key else HTTP_STATUS.get(error.code, 500),
        error.code.replace("_", " ").title(),
        error.message,
        field=error.field,
        rule=error.rule,
    )


async def on_wuye_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WuyeError)
    return from_error(exc)


async def on_rpc_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, grpc.RpcError)
    error = from_rpc_error(exc)
    if error is not None:
        return from_error(error)
    code = exc.code() if isinstance(exc, grpc.aio.AioRpcError) else grpc.StatusCode.UNKNOWN
    status = GRPC_HTTP_STATUS.get(code, 502)
    return problem(status, "Upstream Error", f"a backing service failed ({code.name})")


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    field = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "header"))
    return problem(
        422, "Invalid Request", first.get("msg", "the request is not valid"),
        field=field or None, errors=[{"field": ".".join(map(str, e.get("loc", ()))), "message": e.get("msg")} for e in errors],
    )


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    response = problem(exc.status_code, "Http Error", str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; every method of the path is allowed
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """The methods some route fully matches for this path (routes of included routers as well)."""
    routes = request.app.router.routes
    return [
        method for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]

