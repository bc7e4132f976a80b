"""The key that signs the ledgers' heads: where it comes from, rotation, and refusing to run without one."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import SecretStr

from wuye_funds.adapters.ledger_signing import LedgerKeyError, LedgerSigner
from wuye_funds.domain.ledger import Anchor
from wuye_funds.settings import FundsSettings

HEAD = Anchor(6, "ab" * 32)


def fresh_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_ledger_a_checkpoint_verifies_with_its_key_and_not_for_another_head_or_ledger() -> None:
    signer = LedgerSigner.from_base64(fresh_key())
    signature = signer.sign("c1/maintenance", HEAD)
    assert signature.key_id == signer.key_id and signer.verifies("c1/maintenance", HEAD, signature)
    assert not signer.verifies("c1/maintenance", Anchor(6, "cd" * 32), signature)
    assert not signer.verifies("c2/maintenance", HEAD, signature)
    assert not LedgerSigner.from_base64(fresh_key()).verifies("c1/maintenance", HEAD, signature)


def test_ledger_checkpoints_of_a_retired_key_still_verify_after_a_rotation() -> None:
    old = LedgerSigner.from_base64(fresh_key())
    signature = old.sign("c1/maintenance", HEAD)
    rotated = LedgerSigner.from_base64(fresh_key(), retired=[old.public_key_base64])
    assert rotated.key_id != old.key_id and rotated.verifies("c1/maintenance", HEAD, signature)
    assert not LedgerSigner.from_base64(fresh_key()).verifies("c1/maintenance", HEAD, signature)


def test_ledger_funds_on_postgresql_refuses_to_start_without_a_signing_key() -> None:
    with pytest.raises(LedgerKeyError, match="WUYE_LEDGER_SIGNING_KEY"):
        LedgerSigner.from_settings(FundsSettings(database_url="postgresql+asyncpg://db/funds", ledger_signing_key=None))
    local = LedgerSigner.from_settings(FundsSettings(database_url="sqlite+aiosqlite:///x.db", ledger_signing_key=None))
    assert local.key_id  # the public development key, local SQLite only


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_ledger_a_malformed_signing_key_is_refused_at_start(bad: str) -> None:
    with pytest.raises(LedgerKeyError, match="base64 of 32 bytes"):
        LedgerSigner.from_settings(FundsSettings(ledger_signing_key=SecretStr(bad)))


def test_ledger_the_signing_key_may_come_as_a_file_in_the_secrets_directory(tmp_path, monkeypatch) -> None:
    key = fresh_key()
    (tmp_path / "WUYE_LEDGER_SIGNING_KEY").write_text(key + "\n", encoding="utf-8")
    monkeypatch.delenv("WUYE_LEDGER_SIGNING_KEY", raising=False)
    monkeypatch.setenv("WUYE_SECRETS_DIR", str(tmp_path))
    settings = FundsSettings(database_url="postgresql+asyncpg://db/funds")
    assert LedgerSigner.from_settings(settings).key_id == LedgerSigner.from_base64(key).key_id
