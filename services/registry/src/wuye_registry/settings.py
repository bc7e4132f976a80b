from wuye_chassis.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    database_url: str = "sqlite+aiosqlite:///./var/registry.db"
    #: how often the O2 sweep looks for property management committees overdue for dissolution
    pmc_dissolution_sweep_seconds: float = 3600.0
