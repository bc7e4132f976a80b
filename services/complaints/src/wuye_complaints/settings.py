from pydantic import Field

from wuye_chassis.settings import ServiceSettings


class ComplaintsSettings(ServiceSettings):
    service_name: str = "complaints"
    database_url: str = "sqlite+aiosqlite:///./var/complaints.db"
    #: how often the scheduler looks for cases whose tier time ran out (C4)
    escalation_interval_seconds: float = Field(default=60.0, gt=0)
    #: cases escalated per scheduler round at most (each in its own transaction)
    escalation_batch_size: int = Field(default=100, ge=1)
    #: photos uploaded but filed with no case are deleted this long after their upload, checked this often
    unfiled_photo_hours: float = Field(default=24.0, gt=0)
    photo_sweep_interval_seconds: float = Field(default=3600.0, gt=0)
