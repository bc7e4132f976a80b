from pydantic import Field

from wuye_chassis.settings import PhotoSettings
from wuye_enforcement.domain.plans import LimitWindow


class EnforcementSettings(PhotoSettings):
    service_name: str = "enforcement"
    database_url: str = "sqlite+aiosqlite:///./var/enforcement.db"
    #: E3: routine joint inspections of one compound allowed per window
    routine_limit: int = Field(default=1, ge=1)
    routine_limit_window: LimitWindow = LimitWindow.ROLLING_YEAR
    #: a complaint-triggered inspection is planned this many working days after the complaint
    complaint_inspection_working_days: int = Field(default=3, ge=1)
    #: how often the scheduler looks for orders past their deadline (E4)
    overdue_interval_seconds: float = Field(default=60.0, gt=0)
    #: orders marked overdue per scheduler round at most
    overdue_batch_size: int = Field(default=100, ge=1)
