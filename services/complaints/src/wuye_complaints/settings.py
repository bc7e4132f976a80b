from pydantic import Field

from wuye_chassis.settings import PhotoSettings


class ComplaintsSettings(PhotoSettings):
    service_name: str = "complaints"
    database_url: str = "sqlite+aiosqlite:///./var/complaints.db"
    #: how often the scheduler looks for cases whose tier time ran out (C4)
    escalation_interval_seconds: float = Field(default=60.0, gt=0)
    #: cases escalated per scheduler round at most (each in its own transaction)
    escalation_batch_size: int = Field(default=100, ge=1)
