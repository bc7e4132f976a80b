"""Secrets as files (issue 19): a deployment mounts its Secrets under WUYE_SECRETS_DIR instead of
putting them in the environment; a variable, when set, still wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from wuye_chassis.settings import ServiceSettings, secret_from_environment


def test_settings_read_a_secret_from_its_file_in_the_secrets_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "WUYE_DATABASE_URL").write_text("postgresql+asyncpg://funds:pw@db/funds\n", encoding="utf-8")
    (tmp_path / "WUYE_NATS_PASSWORD").write_text("s3cret", encoding="utf-8")
    monkeypatch.delenv("WUYE_DATABASE_URL", raising=False)
    monkeypatch.delenv("WUYE_NATS_PASSWORD", raising=False)
    monkeypatch.setenv("WUYE_SECRETS_DIR", str(tmp_path))
    settings = ServiceSettings()
    assert settings.database_url == "postgresql+asyncpg://funds:pw@db/funds"
    assert settings.nats_password is not None and settings.nats_password.get_secret_value() == "s3cret"
    monkeypatch.setenv("WUYE_NATS_PASSWORD", "from-the-environment")
    assert ServiceSettings().nats_password.get_secret_value() == "from-the-environment"  # type: ignore[union-attr]


def test_without_a_secrets_directory_only_variables_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "WUYE_DATABASE_URL").write_text("postgresql+asyncpg://x/y", encoding="utf-8")
    monkeypatch.delenv("WUYE_SECRETS_DIR", raising=False)
    monkeypatch.delenv("WUYE_DATABASE_URL", raising=False)
    assert ServiceSettings().database_url.startswith("sqlite")


def test_the_service_identity_key_may_come_as_a_file_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "WUYE_INTERNAL_TOKEN_KEY").write_text("k" * 40 + "\n", encoding="utf-8")
    monkeypatch.delenv("WUYE_INTERNAL_TOKEN_KEY", raising=False)
    monkeypatch.setenv("WUYE_SECRETS_DIR", str(tmp_path))
    assert secret_from_environment("WUYE_INTERNAL_TOKEN_KEY") == "k" * 40
    assert secret_from_environment("WUYE_NOT_GIVEN") == ""
