"""Protobuf values ⇄ domain values, once for every service's entry points and event adapters.

Times: a ``google.protobuf.Timestamp`` ⇄ an aware UTC ``datetime`` (unset ⇄ ``None``).

Enums, by the buf naming convention:

buf STANDARD names every value ``<ENUM_NAME>_<VALUE>`` with ``<ENUM_NAME>_UNSPECIFIED = 0``, and the
domain's ``StrEnum`` values are the lower-case ``<VALUE>`` part (``CHANNEL_WEB`` ⇄ ``"web"``), so one
rule maps every enum of every service. UNSPECIFIED and unknown numbers read as "" so the domain's own
validation refuses them and names the field.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar, cast

from google.protobuf.timestamp_pb2 import Timestamp

if TYPE_CHECKING:
    # the stubs' generic wrapper: each generated enum's numbers are its own ``ValueType``
    from google.protobuf.internal.enum_type_wrapper import _EnumTypeWrapper

V = TypeVar("V", bound=int)

_UNSPECIFIED = "UNSPECIFIED"


def _prefix(proto_enum: _EnumTypeWrapper[Any]) -> str:
    return proto_enum.Name(0).removesuffix(_UNSPECIFIED)


def enum_text(proto_enum: _EnumTypeWrapper[Any], number: int) -> str:
    """The domain value text for a protobuf enum number ("" for UNSPECIFIED or an unknown number)."""
    if number == 0:
        return ""
    try:
        name = proto_enum.Name(number)
    except ValueError:
        return ""
    return name.removeprefix(_prefix(proto_enum)).lower()



def enum_choice(proto_enum: _EnumTypeWrapper[Any], number: int) -> str:
    """What a request's enum asks for, as the handler parses it: the value text, "" for UNSPECIFIED, and an
    unknown number as its digits, so the handler refuses it rather than taking it for "not given"."""
    return enum_text(proto_enum, number) or (str(number) if number else "")

def enum_number(proto_enum: _EnumTypeWrapper[V], value: StrEnum | str | None) -> V:
    """The protobuf number for a domain enum member or its value text (0 for ``None``, "" or unknown text)."""
    if not value:
        return cast(V, 0)
    text = value.value if isinstance(value, StrEnum) else value
    try:
        return proto_enum.Value(_prefix(proto_enum) + text.upper())
    except ValueError:
        return cast(V, 0)


def timestamp(moment: dt.datetime | None) -> Timestamp | None:
    """The protobuf time of an aware datetime (``None`` leaves the message field unset)."""
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def moment(stamp: Timestamp) -> dt.datetime:
    """The aware UTC datetime of a protobuf time."""
    return stamp.ToDatetime(tzinfo=dt.UTC)


def percent_text(value: Fraction | None) -> str:
    """An exact share as a person reads it: "66.7%" (one decimal, half up); "" when there is none."""
    if value is None:
        return ""
    share = Fraction(value)
    tenths = (abs(share) * 1000 + Fraction(1, 2)).__floor__()  # half away from zero, so -6.25 → -6.3
    sign = "-" if share < 0 and tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}%"


def ratio_fields(value: Fraction) -> dict[str, Any]:
    """The fields every service's ``Ratio`` message shares: the exact fraction and its percentage."""
    return {"numerator": value.numerator, "denominator": value.denominator, "percent": percent_text(value)}
