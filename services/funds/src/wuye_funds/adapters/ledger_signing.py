"""Signed checkpoints of the ledgers' heads (Ed25519), with a key the funds database does not hold.

Whoever can rewrite the ledger tables can recompute every hash, but cannot sign the new heads: the key
comes from ``WUYE_LEDGER_SIGNING_KEY`` (a mounted Secret in a deployment). A key is named by its id, the
first 16 hex digits of the SHA-256 of its raw public key; the public key is published (``GetLedgerSigningKey``)
so that anyone can check a checkpoint. Earlier keys' public halves stay trusted after a rotation
(``WUYE_LEDGER_RETIRED_PUBLIC_KEYS``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from wuye_chassis.db import is_sqlite
from wuye_funds.domain.ledger import Anchor, checkpoint_bytes
from wuye_funds.settings import FundsSettings

log = logging.getLogger(__name__)

#: local SQLite runs only: a fixed, public key so that a developer needs no secret; never with PostgreSQL
DEVELOPMENT_KEY = base64.b64encode(b"wuye-local-development-ledger-k!").decode()


class LedgerKeyError(RuntimeError):
    """The configured signing key cannot be used; the service must not start."""


@dataclass(frozen=True)
class Signature:
    key_id: str
    signature: bytes


def key_id_of(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def _decoded(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise LedgerKeyError(f"{what} must be base64 of 32 bytes") from None
    if len(raw) != 32:
        raise LedgerKeyError(f"{what} must be base64 of 32 bytes, got {len(raw)}")
    return raw


class LedgerSigner:
    def __init__(self, private_key: Ed25519PrivateKey, retired: Iterable[Ed25519PublicKey] = ()) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)
        self._trusted = {key_id_of(key): key for key in retired} | {self.key_id: self.public_key}

    @classmethod
    def from_base64(cls, private_key: str, retired: Iterable[str] = ()) -> LedgerSigner:
        return cls(
            Ed25519PrivateKey.from_private_bytes(_decoded(private_key, "WUYE_LEDGER_SIGNING_KEY")),
            [Ed25519PublicKey.from_public_bytes(_decoded(key, "WUYE_LEDGER_RETIRED_PUBLIC_KEYS")) for key in retired],
        )

    @classmethod
    def from_settings(cls, settings: FundsSettings) -> LedgerSigner:
        """The configured key; only a local SQLite database may fall back to the development key."""
        if settings.ledger_signing_key is not None:
            return cls.from_base64(settings.ledger_signing_key.get_secret_value(), settings.ledger_retired_public_keys)
        if not is_sqlite(settings.database_url):
            raise LedgerKeyError(
                "funds signs every ledger head: set WUYE_LEDGER_SIGNING_KEY (base64 of a 32-byte Ed25519 key)"
            )
        log.warning("WUYE_LEDGER_SIGNING_KEY is not set: signing with the public development key (local SQLite only)")
        return cls.from_base64(DEVELOPMENT_KEY, settings.ledger_retired_public_keys)

    @property
    def public_key_base64(self) -> str:
        return base64.b64encode(self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()

    def sign(self, ledger_id: str, anchor: Anchor) -> Signature:
        return Signature(self.key_id, self._private_key.sign(checkpoint_bytes(ledger_id, anchor)))

    def verifies(self, ledger_id: str, anchor: Anchor, signature: Signature) -> bool:
        """Whether a trusted key (this one or a retired one) made ``signature`` over this head."""
        key = self._trusted.get(signature.key_id)
        if key is None:
            return False
        try:
            key.verify(signature.signature, checkpoint_bytes(ledger_id, anchor))
        except InvalidSignature:
            return False
        return True

