from pydantic import Field

from wuye_chassis.settings import ServiceSettings
from wuye_funds.domain.disclosure_schedule import DEFAULT_INCOME_PERIOD_MONTHS, MAX_MAINTENANCE_PERIOD_MONTHS


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
    #: how often the background task looks for overdue disclosures
    disclosure_overdue_interval_seconds: float = Field(default=3600.0, gt=0)
