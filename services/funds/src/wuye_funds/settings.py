from wuye_chassis.settings import ServiceSettings


class FundsSettings(ServiceSettings):
    service_name: str = "funds"
    database_url: str = "sqlite+aiosqlite:///./var/funds.db"
    #: the registry's gRPC address, asked for a compound's owner roster when a vote opens
    registry_addr: str = "127.0.0.1:50051"
