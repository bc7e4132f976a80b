"""REST operations declared from the services' own messages, so no route module repeats the glue.

``command`` maps a POST to a write RPC: path values and the JSON body fill the request message (or one
message field of it, ``body``), the caller and the ``Idempotency-Key`` travel as gRPC metadata. ``query``
maps a GET to a read RPC: path values and query parameters fill the request; a ``page`` field becomes
cursor pagination. ``upload`` and ``photo`` are the two whose bodies are a file (a photo), not JSON. Both answer with ``convert.to_json`` of the response (or one field of it) and document
that exact shape. The services validate every value and name the field at fault; ``required`` names the
fields a client must send at all (422 when missing), as protobuf itself has no required fields.
"""

import datetime as dt
import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypedDict

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from wuye_chassis.auth import AuthContext
from wuye_chassis.photos import EXTENSIONS
from wuye_gateway.convert import (
    TIMESTAMP,
    descriptor_of,
    enum_texts,
    integer_bounds,
    message_type,
    model_of,
    request_model,
    to_json,
    to_message,
)
from wuye_gateway.dependencies import IdempotencyKey, Page, call, caller, paging

PATH_VALUE = re.compile(r"{(\w+)(?::path)?}")
KEYWORD = inspect.Parameter.KEYWORD_ONLY


class Backend(TypedDict):
    """Where a route module's operations go: its router and the service they call (``**BACKEND``)."""

    router: APIRouter
    service: str


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, KEYWORD, annotation=annotation, default=default)


def _common(path: str) -> list[inspect.Parameter]:
    return [
        _parameter("request", Request),
        _parameter("who", Annotated[AuthContext, Depends(caller)]),
        *(_parameter(name, str) for name in PATH_VALUE.findall(path)),
    ]


def _answer(response: type[Message], field: str | None) -> Any:
    if field is None:
        return model_of(response)
    return model_of(message_type(descriptor_of(response).fields_by_name[field]))


def command(
    router: APIRouter,
    path: str,
    *,
    service: str,
    rpc: str,
    request: type[Message],
    response: type[Message],
    answer: str | None = None,
    body: str | None = None,
    required: tuple[str, ...] = (),
    summary: str,
    creates: bool = False,
    exclude: tuple[str, ...] = (),
    examples: dict[str, list[Any]] | None = None,
) -> None:
    """POST ``path`` → ``service.rpc``; ``answer`` names the response field returned (the whole response when None).

    ``body`` names the request field the JSON body fills (the whole request when None). A create
    (``creates``) answers 201 and takes an Idempotency-Key; ``exclude`` hides request fields the client
    must not set (the service fills them itself).
    """
    path_values = tuple(PATH_VALUE.findall(path))
    hidden = (*path_values, *exclude)
    parameters = _common(path)
    sent = descriptor_of(request) if body is None else message_type(descriptor_of(request).fields_by_name[body])
    if any(field.name not in hidden for field in sent.fields):
        model = request_model(request, body=body, exclude=hidden, required=required, examples=examples)
        parameters.append(_parameter("body", model))
    if creates:
        parameters.append(_parameter("key", IdempotencyKey, None))

    async def endpoint(http: Request, who: AuthContext, values: dict[str, Any]) -> Any:
        content = values.pop("body", None)
        data = content.model_dump() if content is not None else {}
        message = to_message(request, ({body: data} if body else data) | {name: values[name] for name in path_values})
        reply = await call(http, service, rpc, message, who, values.get("key"))
        return to_json(getattr(reply, answer) if answer else reply)

    _register(router.post, path, rpc, parameters, endpoint, response_model=_answer(response, answer), summary=summary,
              status_code=status.HTTP_201_CREATED if creates else status.HTTP_200_OK)


def query(
    router: APIRouter,
    path: str,
    *,
    service: str,
    rpc: str,
    request: type[Message],
    response: type[Message],
    answer: str | None = None,
    items: str | None = None,
    required: tuple[str, ...] = (),
    summary: str,
) -> None:
    """GET ``path`` → ``service.rpc``; the request's other scalar fields are query parameters.

    ``items`` names a repeated response field answered as a list — as a ``Page`` when the request pages.
    """
    path_values = tuple(PATH_VALUE.findall(path))
    fields = descriptor_of(request).fields
    paged = "page" in descriptor_of(request).fields_by_name
    parameters = _common(path)
    for field in fields:
        if field.name not in path_values and field.name != "page":
            parameters.append(_query_parameter(field, required=field.name in required))
    if paged:
        parameters.append(_parameter("page", Annotated[Any, Depends(paging)]))
    if items is not None:
        item: Any = _answer(response, items)
        response_model: Any = Page[item] if paged else list[item]
    else:
        response_model = _answer(response, answer)

    async def endpoint(http: Request, who: AuthContext, values: dict[str, Any]) -> Any:
        page = values.pop("page", None)
        message = to_message(request, values | ({"page": to_json(page)} if page is not None else {}))
        reply = await call(http, service, rpc, message, who)
        if items is None:
            return to_json(getattr(reply, answer) if answer else reply)
        listed = [to_json(item) for item in getattr(reply, items)]
        return {"items": listed, "next_page_token": reply.page.next_page_token} if paged else listed

    _register(router.get, path, rpc, parameters, endpoint, response_model=response_model, summary=summary)


#: the OpenAPI content of a photo, in each type it may be
PHOTO_CONTENT = {kind: {"schema": {"type": "string", "format": "binary"}} for kind in sorted(EXTENSIONS)}


def upload(
    router: APIRouter, path: str, *, service: str, rpc: str, request: type[Message], response: type[Message],
    answer: str, summary: str,
) -> str:
    """POST ``path`` whose body is a photo itself → ``service.rpc`` with the bytes in ``content`` and the
    Content-Type in ``content_type``; takes an Idempotency-Key (a mobile retry keeps one photo). Answers the
    full path, which the limits middleware gives a body limit of its own."""
    parameters = [
        *_common(path), _parameter("key", IdempotencyKey, None),
        _parameter("content_type", Annotated[str, Header(alias="Content-Type")], ""),
    ]

    async def endpoint(http: Request, who: AuthContext, values: dict[str, Any]) -> Any:
        message = request(content=await http.body(), content_type=values["content_type"])
        return to_json(getattr(await call(http, service, rpc, message, who, values.get("key")), answer))

    _register(router.post, path, rpc, parameters, endpoint, response_model=_answer(response, answer), summary=summary,
              status_code=status.HTTP_201_CREATED,
              openapi_extra={"requestBody": {"required": True, "content": PHOTO_CONTENT}})
    return router.prefix + path


def photo(router: APIRouter, path: str, *, service: str, rpc: str, request: type[Message], summary: str) -> None:
    """GET ``path`` → ``service.rpc``, answering the photo's bytes (``content``, typed ``photo.content_type``)."""

    async def endpoint(http: Request, who: AuthContext, values: dict[str, Any]) -> Response:
        answer = await call(http, service, rpc, to_message(request, values), who)
        kept = answer.photo
        return Response(answer.content, media_type=kept.content_type, headers={
            # the reader's browser may keep it; no shared cache may (the photo is for this reader only)
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{kept.photo_id}.{EXTENSIONS[kept.content_type]}"',
        })

    _register(router.get, path, rpc, _common(path), endpoint, response_class=Response,
              responses={200: {"content": PHOTO_CONTENT, "description": "the photo"}}, summary=summary)


def _query_parameter(field: FieldDescriptor, *, required: bool) -> inspect.Parameter:
    kind, default = _query_value(field)
    bounds = integer_bounds(field)
    # an integer outside its bounds (documented, else its protobuf type's) is a 422 naming the parameter
    query = Query() if bounds is None else Query(ge=bounds[0], le=bounds[1], description=bounds[2])
    if required:
        # no default: FastAPI answers 422 naming the parameter when it is missing
        return _parameter(field.name, Annotated[kind, query])
    return _parameter(field.name, Annotated[kind | None if default is None else kind, query], default)


def _query_value(field: FieldDescriptor) -> tuple[Any, Any]:
    """The query parameter's type and its default when absent (None: the field stays unset)."""
    if field.type == FieldDescriptor.TYPE_ENUM:
        return Literal[enum_texts(field)], None
    if field.is_repeated:
        return list[str], []
    if field.type == FieldDescriptor.TYPE_MESSAGE and message_type(field).full_name == TIMESTAMP:
        # RFC 3339; absent leaves the timestamp unset (the service reads that as "now")
        return dt.datetime, None
    if field.type == FieldDescriptor.TYPE_BOOL:
        return bool, False
    if field.type in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64):
        return int, 0
    return str, ""


def _register(
    decorator: Callable[..., Any],
    path: str,
    rpc: str,
    parameters: list[inspect.Parameter],
    endpoint: Callable[..., Any],
    **options: Any,
) -> None:
    async def operation(**values: Any) -> Any:
        http = values.pop("request")
        who = values.pop("who")
        return await endpoint(http, who, values)

    # FastAPI reads the parameters (path, query, body, headers, dependencies) from this signature
    operation.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    decorator(path, name=rpc, **options)(operation)
