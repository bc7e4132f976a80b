from wuye_chassis.settings import ServiceSettings


class ComplaintsSettings(ServiceSettings):
    service_name: str = "complaints"
    database_url: str = "sqlite+aiosqlite:///./var/complaints.db"
