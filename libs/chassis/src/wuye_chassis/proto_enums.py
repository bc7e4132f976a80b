"""Protobuf enums ⇄ the domain's text enums, by the buf naming convention.

buf STANDARD names every value ``<ENUM_NAME>_<VALUE>`` with ``<ENUM_NAME>_UNSPECIFIED = 0``, and the
domain's ``StrEnum`` values are the lower-case ``<VALUE>`` part (``CHANNEL_WEB`` ⇄ ``"web"``), so one
rule maps every enum of every service. UNSPECIFIED and unknown numbers read as "" so the domain's own
validation refuses them and names the field.
"""

from __future__ import annotations

from enum import StrEnum

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

_UNSPECIFIED = "UNSPECIFIED"


def _prefix(proto_enum: EnumTypeWrapper) -> str:
    return proto_enum.Name(0).removesuffix(_UNSPECIFIED)


def enum_text(proto_enum: EnumTypeWrapper, number: int) -> str:
    """The domain value text for a protobuf enum number ("" for UNSPECIFIED or an unknown number)."""
    if number == 0:
        return ""
    try:
        name = proto_enum.Name(number)
    except ValueError:
        return ""
    return name.removeprefix(_prefix(proto_enum)).lower()


def enum_number(proto_enum: EnumTypeWrapper, value: StrEnum | str | None) -> int:
    """The protobuf number for a domain enum member or its value text (0 for ``None``, "" or unknown text)."""
    if not value:
        return 0
    text = value.value if isinstance(value, StrEnum) else value
    try:
        return proto_enum.Value(_prefix(proto_enum) + text.upper())
    except ValueError:
        return 0
