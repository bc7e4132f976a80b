from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from wuye_chassis.settings import ServiceSettings, comma_separated
from wuye_funds.domain.disclosure_schedule import DEFAULT_INCOME_PERIOD_MONTHS, MAX_MAINTENANCE_PERIOD_MONTHS
from wuye_funds.domain.vote_objections import DEFAULT_OBJECTION_DAYS


class FundsSettings(ServiceSettings):
    service_name: str = "funds"
    database_url: str = "sqlite+aiosqlite:///./var/funds.db"
    #: the registry's gRPC address, asked for a compound's owner roster when a vote opens
    registry_addr: str = "127.0.0.1:50051"
    #: P3: months between disclosures of common-parts income (quarterly by default, Shanghai)
    income_disclosure_months: int = Field(default=DEFAULT_INCOME_PERIOD_MONTHS, ge=1, le=12)
    #: P3: months between maintenance fund disclosures; at least every six months
    maintenance_disclosure_months: int = Field(
        default=MAX_MAINTENANCE_PERIOD_MONTHS, ge=1, le=MAX_MAINTENANCE_PERIOD_MONTHS
    )
    #: V8: days a closed vote's preliminary result is open to objections before it can be made final
    vote_objection_days: int = Field(default=DEFAULT_OBJECTION_DAYS, ge=1, le=30)
    #: how often the background task looks for overdue disclosures
    disclosure_overdue_interval_seconds: float = Field(default=3600.0, gt=0)
    #: base64 of the 32-byte Ed25519 private key that signs every ledger head (a checkpoint); kept outside
    #: the funds database (a mounted Secret), required unless the database is a local SQLite file
    ledger_signing_key: SecretStr | None = None
    #: base64 of the 32-byte public keys of earlier signing keys, comma-separated: their checkpoints still
    #: verify after a rotation
    ledger_retired_public_keys: Annotated[list[str], NoDecode] = []

    @field_validator("ledger_retired_public_keys", mode="before")
    @classmethod
    def _comma_separated_keys(cls, value: object) -> object:
        return comma_separated(value)
