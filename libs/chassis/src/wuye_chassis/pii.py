"""Personal data: validate, mask, encrypt and index phone numbers and resident ID numbers.

Every service that keeps people's contact data uses this one module (the registry for owners and
committee members, complaints for reporters). At rest a value is AES-256-GCM ciphertext with a random
nonce; an exact lookup goes through a keyed HMAC-SHA256 blind index, so neither the database nor its
backups hold a plaintext. Masked forms are what logs, events and most screens show. Never log a value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wuye_chassis.db import is_sqlite
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.settings import ServiceSettings

log = logging.getLogger(__name__)

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
    """ "13812345678" → "138****5678"."""
    number = validate_mobile(phone)
    return f"{number[:3]}****{number[-4:]}"


def mask_name(name: str) -> str:
    """ "张三丰" → "张**": the family name only, as a person's name is shown outside the register."""
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else text


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
        raise InvalidArgument(f"{field} must be 17 digits followed by a digit or X", field=field, rule="id_format")
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


#: a mainland mobile (optionally +86, with spaces or dashes) or an 18-character resident ID number, standing
#: alone in free text (not inside a longer run of digits)
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]){8}|[0-9]{17}[0-9Xx])(?![0-9Xx])")


def mask_numbers_in_text(text: str) -> str:
    """Free text (a complaint's description) with every mobile and resident ID number in it masked, e.g.
    "请联系13812345678" → "请联系138****5678"; the rest of the text is left as written."""

    def masked(match: re.Match[str]) -> str:
        digits = re.sub(r"[^0-9Xx]", "", match.group(1))
        if len(digits) == 11:
            return f"{digits[:3]}****{digits[-4:]}"
        return f"{digits[:6]}********{digits[-4:]}"

    return _NUMBER_IN_TEXT.sub(masked, text)


def _mask_for_message(text: str) -> str:
    """Mask any personal value for an error message: keep at most the first 3 and last 2 characters."""
    if len(text) <= 5:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 5)}{text[-2:]}"


KEY_BYTES = 32
NONCE_BYTES = 12
# local SQLite runs only: a fixed, public key so a developer needs no secret; never used with PostgreSQL
DEVELOPMENT_KEY = base64.b64encode(b"wuye-local-development-pii-key!!").decode()
# the blind index key is derived from the data key, so one secret serves both and they never coincide
_INDEX_KEY_LABEL = b"wuye-pii-blind-index-v1"


class PersonalDataKeyError(RuntimeError):
    """The service cannot protect personal data with the configured key; it must not start."""


@dataclass(frozen=True)
class PersonalDataCipher:
    """AES-256-GCM for values at rest and HMAC-SHA256 blind indexes for exact lookups."""

    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise PersonalDataKeyError(f"the personal data key must be {KEY_BYTES} bytes, got {len(self.key)}")

    @classmethod
    def from_base64(cls, text: str) -> PersonalDataCipher:
        try:
            return cls(base64.b64decode(text, validate=True))
        except binascii.Error:
            raise PersonalDataKeyError("WUYE_PII_KEY must be base64 of 32 random bytes") from None

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> PersonalDataCipher:
        """The key from ``WUYE_PII_KEY``; only a local SQLite database may fall back to the development key."""
        if settings.pii_key is not None:
            return cls.from_base64(settings.pii_key.get_secret_value())
        if not is_sqlite(settings.database_url):
            raise PersonalDataKeyError(
                f"{settings.service_name} keeps personal data: set WUYE_PII_KEY (base64 of 32 random bytes)"
            )
        log.warning("WUYE_PII_KEY is not set: using the public development key (local SQLite only)")
        return cls.from_base64(DEVELOPMENT_KEY)

    def encrypt(self, value: str) -> bytes:
        """Nonce followed by ciphertext and tag; a fresh random nonce per value."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, value.encode(), None)

    def decrypt(self, stored: bytes) -> str:
        return AESGCM(self.key).decrypt(stored[:NONCE_BYTES], stored[NONCE_BYTES:], None).decode()

    def seal(self, data: bytes) -> bytes:
        """``encrypt`` for bytes (e.g. a stored response that may carry personal data)."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, data, None)

    def unseal(self, stored: bytes) -> bytes:
        return AESGCM(self.key).decrypt(stored[:NONCE_BYTES], stored[NONCE_BYTES:], None)

    def blind_index(self, value: str) -> str:
        """A keyed digest of the normalised value: equal values match, nothing can be read back."""
        index_key = hmac.new(self.key, _INDEX_KEY_LABEL, hashlib.sha256).digest()
        return hmac.new(index_key, value.encode(), hashlib.sha256).hexdigest()
