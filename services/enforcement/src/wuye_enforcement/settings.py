from wuye_chassis.settings import ServiceSettings


class EnforcementSettings(ServiceSettings):
    service_name: str = "enforcement"
    database_url: str = "sqlite+aiosqlite:///./var/enforcement.db"
