from wuye_chassis.settings import ServiceSettings


class FundsSettings(ServiceSettings):
    service_name: str = "funds"
    database_url: str = "sqlite+aiosqlite:///./var/funds.db"
