"""Protobuf ⇄ JSON for the REST surface, by one rule for every service.

Enums become the lower-case value text the domains use (``CASE_STATE_IN_PROGRESS`` → ``"in_progress"``,
via the chassis's buf-convention mapping), timestamps RFC 3339 strings in UTC, unset messages and
timestamps ``null``; field names stay as in the proto (snake_case). The pydantic models for the OpenAPI
description are made from the same descriptors, so the documented shape is the shape sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar, cast

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field, create_model

from wuye_chassis.bounds import bound_of
from wuye_chassis.proto_values import enum_number, enum_text

TIMESTAMP = Timestamp.DESCRIPTOR.full_name
M = TypeVar("M", bound=Message)


def descriptor_of(message: Message | type[Message]) -> Descriptor:
    """The message's descriptor as ``google.protobuf.descriptor`` types it.

    The stubs also name the upb implementation's class, which is what runs; it passes for
    ``Descriptor`` (isinstance says so), and so do its fields and enums.
    """
    return cast(Descriptor, message.DESCRIPTOR)


def message_type(field: FieldDescriptor) -> Descriptor:
    """A message field's message type (the stubs leave it optional: other fields have none)."""
    if field.message_type is None:
        raise TypeError(f"{field.full_name} is not a message field")
    return field.message_type


def enum_type(field: FieldDescriptor) -> EnumTypeWrapper:
    """An enum field's enum, wrapped for value names and numbers."""
    if field.enum_type is None:
        raise TypeError(f"{field.full_name} is not an enum field")
    return EnumTypeWrapper(field.enum_type)


def to_json(message: Message) -> dict[str, Any]:
    return {field.name: _value(message, field) for field in descriptor_of(message).fields}


def _value(message: Message, field: FieldDescriptor) -> Any:
    value = getattr(message, field.name)
    if field.is_repeated:
        return [_single(field, item) for item in value]
    if field.type == FieldDescriptor.TYPE_MESSAGE and not message.HasField(field.name):
        return None
    return _single(field, value)


def _single(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_text(enum_type(field), value) or None
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if message_type(field).full_name == TIMESTAMP:
            return value.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
        return to_json(value)
    return value


def _schema_name(descriptor: Descriptor, suffix: str = "") -> str:
    # wuye.funds.v1.Vote → FundsVote, wuye.funds.v1.OpenVoteRequest → FundsOpenVoteIn: unique across
    # services, readable in the OpenAPI schema list
    package, _, name = descriptor.full_name.removeprefix("wuye.").partition(".v1.")
    name = name.replace(".", "")
    return package.capitalize() + (name.removesuffix("Request") + suffix if suffix else name)


def enum_texts(field: FieldDescriptor) -> tuple[str, ...]:
    """The value texts an enum field takes (UNSPECIFIED is none of them)."""
    wrapper = enum_type(field)
    return tuple(text for text in (enum_text(wrapper, number) for number in wrapper.values()) if text)


def _scalar_type(field: FieldDescriptor) -> Any:
    if field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES):
        return str
    if field.type == FieldDescriptor.TYPE_BOOL:
        return bool
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return float
    return int


_models: dict[str, type[BaseModel]] = {}


def model_of(message: type[Message] | Descriptor) -> type[BaseModel]:
    """The pydantic model of exactly what ``to_json`` makes of this message (for response_model)."""
    return _response_model(descriptor_of(message) if isinstance(message, type) else message)


def _response_model(descriptor: Descriptor) -> type[BaseModel]:
    name = _schema_name(descriptor)
    if name not in _models:
        fields: dict[str, Any] = {}
        for field in descriptor.fields:
            kind: Any
            if field.type == FieldDescriptor.TYPE_ENUM:
                kind = Literal[enum_texts(field)] | None
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                inner = message_type(field)
                kind = str if inner.full_name == TIMESTAMP else _response_model(inner)
                kind = kind if field.is_repeated else kind | None
            else:
                kind = _scalar_type(field)
            fields[field.name] = (list[kind] if field.is_repeated else kind, ...)
        _models[name] = create_model(name, **fields)
    return _models[name]


def request_model(
    message_class: type[Message],
    *,
    body: str | None = None,
    exclude: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    examples: dict[str, list[Any]] | None = None,
) -> type[BaseModel]:
    """A request body model for this message: fields optional with the proto default, enums as text.

    The services validate the content and name the field at fault; ``body`` names the message field
    the body fills (the whole request when None), ``exclude`` drops what the path carries or what the
    gateway fills in itself, and ``required`` lists the fields a client must send (422 when missing);
    both reach into a message field by a dotted name (``"reporter.phone"``).
    """
    descriptor = descriptor_of(message_class)
    name = _schema_name(descriptor, "In")
    if body is not None:
        descriptor = message_type(descriptor.fields_by_name[body])
    return _request_model(descriptor, exclude, examples or {}, required, name)


def _request_model(
    descriptor: Descriptor,
    exclude: tuple[str, ...],
    examples: dict[str, list[Any]],
    required: tuple[str, ...] = (),
    name: str | None = None,
) -> type[BaseModel]:
    name = name or _schema_name(descriptor, "In")
    if name in _models:
        return _models[name]
    fields: dict[str, Any] = {}
    for field in descriptor.fields:
        if field.name in exclude:
            continue
        kind: Any = _request_type(field, _within(exclude, field.name), _within(required, field.name), name)
        example = examples.get(field.name)
        if field.is_repeated:
            kind = list[kind]
        if field.name in required:
            fields[field.name] = (kind, Field(..., examples=example))
        elif field.is_repeated:
            fields[field.name] = (kind, Field([], examples=example))
        elif field.type in (FieldDescriptor.TYPE_ENUM, FieldDescriptor.TYPE_MESSAGE) or field.has_presence:
            # an `optional` scalar left out stays unset (a default of 0 would be sent as a value)
            fields[field.name] = (kind | None, Field(None, examples=example))
        else:
            # the proto default: 0, "", False
            fields[field.name] = (kind, Field(_scalar_type(field)(), examples=example))
    _models[name] = create_model(name, **fields)
    return _models[name]


#: the range of each protobuf integer type: a body outside it is refused naming the field (422)
_INTEGER_RANGES = {
    **dict.fromkeys(
        (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32), (-(2**31), 2**31 - 1)
    ),
    **dict.fromkeys((FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32), (0, 2**32 - 1)),
    **dict.fromkeys(
        (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64), (-(2**63), 2**63 - 1)
    ),
    **dict.fromkeys((FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64), (0, 2**64 - 1)),
}




def _within(names: tuple[str, ...], field: str) -> tuple[str, ...]:
    """The dotted names inside a message field: ("reporter.phone", "code") within "reporter" → ("phone",)."""
    return tuple(name.removeprefix(f"{field}.") for name in names if name.startswith(f"{field}."))


def _request_type(field: FieldDescriptor, exclude: tuple[str, ...], required: tuple[str, ...], outer: str) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return Literal[enum_texts(field)]
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if message_type(field).full_name == TIMESTAMP:
            return dt.datetime
        if exclude or required:
            # shaped for this body only: a model of its own, named after the body (ComplaintsSubmitComplaintInReporter)
            inner = outer + field.name.title().replace("_", "")
            return _request_model(message_type(field), exclude, {}, required, inner)
        return _request_model(message_type(field), (), {})
    bounds = integer_bounds(field)
    if bounds is not None:
        low, high, description = bounds
        return Annotated[int, Field(ge=low, le=high, description=description)]
    return _scalar_type(field)


def integer_bounds(field: FieldDescriptor) -> tuple[int, int, str | None] | None:
    """An integer field's bounds as a client may send it (body or query): the documented ones
    (``wuye_chassis.bounds``) where there are, else the field's protobuf type's; None for other fields."""
    if field.type not in _INTEGER_RANGES:
        return None
    documented = bound_of(field.name)
    if documented is not None:
        return documented
    low, high = _INTEGER_RANGES[field.type]
    return low, high, None


def to_message(message_class: type[M], data: dict[str, Any]) -> M:
    """The message for a request's values (body fields, path values, query parameters): enum texts to
    numbers, datetimes to timestamps; None leaves a field unset."""
    message = message_class()
    _fill(message, data)
    return message


def _fill(message: Message, data: dict[str, Any]) -> None:
    fields = descriptor_of(message).fields_by_name
    for name, value in data.items():
        field = fields[name]
        if value is None:
            continue
        if field.is_repeated:
            target = getattr(message, name)
            for item in value:
                if field.type == FieldDescriptor.TYPE_MESSAGE:
                    _fill_single(target.add(), field, item)
                else:
                    target.append(_scalar_in(field, item))
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            _fill_single(getattr(message, name), field, value)
        else:
            setattr(message, name, _scalar_in(field, value))


def _fill_single(target: Message, field: FieldDescriptor, value: Any) -> None:
    if message_type(field).full_name == TIMESTAMP:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        cast(Timestamp, target).FromDatetime(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
    else:
        _fill(target, value)


def _scalar_in(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        # unknown text → UNSPECIFIED, which the services refuse naming the field
        return enum_number(enum_type(field), value)
    return value
