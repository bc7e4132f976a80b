"""Personal data helpers: validate and mask mainland mobile numbers and resident ID numbers.

Pure functions only; encryption at rest happens in the adapters. Masked forms are what logs, events
and screens other than the owner's own may show.
"""

from __future__ import annotations

import re
from datetime import date

from wuye_chassis.errors import InvalidArgument

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# separators people type inside a phone number; removed before validation
_PHONE_SEPARATORS = re.compile(r"[\s-]")
_RESIDENT_ID = re.compile(r"^[0-9]{17}[0-9X]$")
# GB 11643-1999: weight of position i (from the left, 0-based) is 2^(17-i) mod 11
_RESIDENT_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_RESIDENT_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)


def validate_mobile(text: str, *, field: str = "phone") -> str:
    """A mainland mobile number as 11 digits ("13812345678"); accepts spaces, hyphens and a +86 prefix."""
    if not isinstance(text, str):
        raise InvalidArgument(f"{field} must be text", field=field, rule="mobile_format")
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not _MOBILE.match(digits):
        raise InvalidArgument(
            f"{field} must be an 11-digit mainland mobile number starting 13–19, got {_mask_for_message(digits)}",
            field=field,
            rule="mobile_format",
        )
    return digits


def mask_mobile(phone: str) -> str:
    """"13812345678" → "138****5678"."""
    number = validate_mobile(phone)
    return f"{number[:3]}****{number[-4:]}"


def resident_id_check_character(first_17_digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a resident ID number ('0'–'9' or 'X')."""
    if not re.fullmatch(r"[0-9]{17}", first_17_digits):
        raise InvalidArgument(
            "the first 17 characters of a resident ID number must be digits", field="id_number", rule="id_format"
        )
    weighted = sum(int(digit) * weight for digit, weight in zip(first_17_digits, _RESIDENT_ID_WEIGHTS))
    return _RESIDENT_ID_CHECK[weighted % 11]


def validate_resident_id(text: str, *, field: str = "id_number") -> str:
    """An 18-character resident ID number (GB 11643): format, real birth date, MOD 11-2 check character.

    A lowercase x is accepted and returned as X.
    """
    number = text.strip().upper() if isinstance(text, str) else ""
    if not _RESIDENT_ID.match(number):
        raise InvalidArgument(
            f"{field} must be 17 digits followed by a digit or X", field=field, rule="id_format"
        )
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidArgument(f"{field} holds an impossible birth date", field=field, rule="id_birth_date") from None
    if resident_id_check_character(number[:17]) != number[17]:
        raise InvalidArgument(f"{field} check character does not match", field=field, rule="id_check_digit")
    return number


def mask_resident_id(id_number: str) -> str:
    """Keep the region code and the last four characters; hide the birth date and sequence number."""
    number = validate_resident_id(id_number)
    return f"{number[:6]}********{number[-4:]}"


def _mask_for_message(text: str) -> str:
    """Mask any personal value for an error message: keep at most the first 3 and last 2 characters."""
    if len(text) <= 5:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 5)}{text[-2:]}"
