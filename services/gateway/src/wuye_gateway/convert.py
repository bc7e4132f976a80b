"""Protobuf ⇄ JSON for the REST surface, by one rule for every service.

Enums become the lower-case value text the domains use (``CASE_STATE_IN_PROGRESS`` → ``"in_progress"``,
via the chassis's buf-convention mapping), timestamps RFC 3339 strings in UTC, unset messages and
timestamps ``null``; field names stay as in the proto (snake_case).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from wuye_chassis.proto_enums import enum_number, enum_text

TIMESTAMP = Timestamp.DESCRIPTOR.full_name


def to_json(message: Message) -> dict[str, Any]:
    return {field.name: _value(message, field) for field in message.DESCRIPTOR.fields}


def _value(message: Message, field: FieldDescriptor) -> Any:
    value = getattr(message, field.name)
    if field.is_repeated:
        return [_single(field, item) for item in value]
    if field.type == FieldDescriptor.TYPE_MESSAGE and not message.HasField(field.name):
        return None
    return _single(field, value)


def _single(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_text(EnumTypeWrapper(field.enum_type), value) or None
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.full_name == TIMESTAMP:
            return value.ToDatetime(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
        return to_json(value)
    return value


def enum_value(proto_enum: EnumTypeWrapper, text: str | None) -> int:
    """The proto enum number for a domain value text (unknown → UNSPECIFIED, which services refuse)."""
    return enum_number(proto_enum, text)
