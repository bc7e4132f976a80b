from wuye_chassis.settings import ServiceSettings


class RatingsSettings(ServiceSettings):
    service_name: str = "ratings"
    database_url: str = "sqlite+aiosqlite:///./var/ratings.db"
