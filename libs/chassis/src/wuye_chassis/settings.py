"""Service settings from environment variables (12-factor), one object per service.

Every service subclasses ``ServiceSettings``; all variables share the ``WUYE_`` prefix because a
process runs exactly one service (the local runner sets them per process). OpenTelemetry reads its own
standard ``OTEL_*`` variables.

Secrets (database URL, keys, passwords) may also come as files: when ``WUYE_SECRETS_DIR`` names a
directory, a file there named like the variable (``WUYE_PII_KEY``) gives the value, so a deployment
mounts its Secrets as files instead of putting them in the environment. A variable, when set, wins.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

#: the directory of secret files (see the module docstring); unset: secrets come from variables only
SECRETS_DIR_VARIABLE = "WUYE_SECRETS_DIR"


def secrets_dir() -> Path | None:
    given = os.environ.get(SECRETS_DIR_VARIABLE, "")
    return Path(given) if given else None


def secret_from_environment(name: str) -> str:
    """A secret that is read outside the settings objects: the variable ``name``, else the file of that
    name in the secrets directory, else ""."""
    value = os.environ.get(name, "")
    directory = secrets_dir()
    if not value and directory is not None and (directory / name).is_file():
        value = (directory / name).read_text(encoding="utf-8").strip()
    return value


def comma_separated(value: object) -> object:
    """A list setting written as one variable ("2027-01-01,2027-01-02"): its non-blank parts, which the
    field's type then checks; anything but text is left to the field as it is."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class WuyeSettings(BaseSettings):
    """Settings from ``WUYE_*`` variables, and secret files from ``WUYE_SECRETS_DIR`` (the gateway's too)."""

    model_config = SettingsConfigDict(env_prefix="WUYE_", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        directory = secrets_dir()
        files = () if directory is None else (SecretsSettingsSource(settings_cls, secrets_dir=directory),)
        return (init_settings, env_settings, *files)


class ServiceSettings(WuyeSettings):

    #: service name, used for the NATS source, the durable consumer names and telemetry
    service_name: str = "wuye"
    database_url: str = "sqlite+aiosqlite:///./var/wuye.db"
    #: run Alembic migrations when the process starts (local); Kubernetes runs them as a Job instead
    migrate_on_start: bool = True
    nats_url: str = "nats://127.0.0.1:4222"
    #: this service's NATS user and password (wuye_chassis.nats_accounts); none for an open server
    nats_user: str = ""
    nats_password: SecretStr | None = None
    nats_stream: str = "WUYE"
    nats_stream_replicas: int = Field(default=1, ge=1, le=5)
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(default=50051, ge=0, le=65535)
    #: gRPC server reflection (grpcurl, Postman): on for development, off in production, where it would
    #: describe every method to whoever reaches the port
    grpc_reflection: bool = True
    #: how long a stopping server lets in-flight calls finish
    shutdown_grace_seconds: float = Field(default=10.0, gt=0)
    #: relay: rows per batch, idle poll interval, and the retry backoff bounds
    outbox_batch_size: int = Field(default=200, ge=1)
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_backoff_max_seconds: float = Field(default=30.0, gt=0)
    #: published rows are kept this long (longer than JetStream's duplicate window), then deleted
    outbox_retention_hours: float = Field(default=72.0, gt=0)
    #: consumers: deliveries before a message is parked on the dead-letter subject
    consumer_max_deliver: int = Field(default=5, ge=1)
    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0)
    #: base64 of 32 random bytes: encrypts and indexes personal data (``wuye_chassis.pii``); required
    #: by services that keep personal data unless their database is a local SQLite file
    pii_key: SecretStr | None = None
    #: partner departments (``wuye_chassis.partners``): PEM files of the server's certificate chain and key,
    #: and of the CA that signs the partners' client certificates. All three set: a second listener on
    #: ``grpc_partner_port`` serves mutual TLS; none set (the default): no partner listener at all
    grpc_tls_cert: str = ""
    grpc_tls_key: str = ""
    grpc_tls_client_ca: str = ""
    grpc_partner_port: int = Field(default=50443, ge=0, le=65535)
    #: the Prometheus scrape endpoint (``/metrics``, ``wuye_chassis.metrics``); 0 serves none
    metrics_port: int = Field(default=0, ge=0, le=65535)
    #: the partners' allow-list (YAML or JSON): department code → scope, roles, methods
    partners_file: str = ""
    extra_holidays: Annotated[list[dt.date], NoDecode] = []
    extra_workdays: Annotated[list[dt.date], NoDecode] = []
    #: years whose holiday schedule the two lists above describe completely (published by the State
    #: Council but not yet in the chinese-calendar package), e.g. "2027"
    calendar_configured_years: Annotated[list[int], NoDecode] = []

    @field_validator("extra_holidays", "extra_workdays", mode="before")
    @classmethod
    def _comma_separated_dates(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("calendar_configured_years", mode="before")
    @classmethod
    def _comma_separated_years(cls, value: object) -> object:
        return comma_separated(value)

    @model_validator(mode="after")
    def _tls_all_or_nothing(self) -> ServiceSettings:
        given = [bool(self.grpc_tls_cert), bool(self.grpc_tls_key), bool(self.grpc_tls_client_ca)]
        if any(given) and not all(given):
            raise ValueError("partner mTLS needs WUYE_GRPC_TLS_CERT, WUYE_GRPC_TLS_KEY and WUYE_GRPC_TLS_CLIENT_CA together")
        return self

    @property
    def partner_tls(self) -> bool:
        return bool(self.grpc_tls_cert and self.grpc_tls_key and self.grpc_tls_client_ca)

    @property
    def grpc_partner_address(self) -> str:
        return f"{self.grpc_host}:{self.grpc_partner_port}"

    @property
    def grpc_address(self) -> str:
        return f"{self.grpc_host}:{self.grpc_port}"


class PhotoSettings(ServiceSettings):
    """A service that keeps photos people send (``wuye_chassis.photo_library``)."""

    #: where files (photos) are kept (``wuye_chassis.objects``): s3://bucket[/prefix] or file:///path;
    #: empty: the folder ./var/objects/<service>
    object_store_url: str = ""
    #: an S3-compatible server's address (MinIO, a cloud's OSS); empty: AWS itself
    object_store_endpoint: str = ""
    object_store_region: str = ""
    object_store_access_key_id: str = ""
    object_store_secret_access_key: SecretStr | None = None
    #: photos uploaded but filed with nothing are deleted this long after their upload, checked this often
    unfiled_photo_hours: float = Field(default=24.0, gt=0)
    photo_sweep_interval_seconds: float = Field(default=3600.0, gt=0)
