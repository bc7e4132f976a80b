from pydantic import Field, SecretStr, model_validator

from wuye_chassis.settings import WuyeSettings


class GatewaySettings(WuyeSettings):

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    #: one gRPC address per service (WUYE_<NAME>_ADDR): the gateway talks to exactly these
    registry_addr: str = "127.0.0.1:50051"
    complaints_addr: str = "127.0.0.1:50052"
    funds_addr: str = "127.0.0.1:50053"
    enforcement_addr: str = "127.0.0.1:50054"
    ratings_addr: str = "127.0.0.1:50055"
    #: the built-in development token issuer with seeded accounts; never on in production
    dev_issuer: bool = False
    #: the development issuer's RSA private key (PEM), so that every gateway replica and every restart
    #: signs alike and a token outlives the process that issued it; a key made at start when unset
    dev_issuer_key: SecretStr | None = None
    jwt_issuer: str = "http://127.0.0.1:8000/dev"
    jwt_audience: str = "wuye"
    #: where the identity provider publishes its signing keys (unused when dev_issuer is on)
    jwks_url: str = ""
    #: the longest a token may live from issue (iat) to expiry (exp); longer ones are refused
    max_token_lifetime_seconds: int = Field(default=12 * 3600, ge=60, le=7 * 24 * 3600)
    #: per client (the verified token's subject, else the address) in this replica: sustained requests per second and burst
    rate_limit_per_second: float = Field(default=20.0, gt=0)
    rate_limit_burst: int = Field(default=40, ge=1)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    #: the address residents reach the public pages at (printed in the QR codes); the request's own when empty
    public_base_url: str = ""
    #: seconds the registry's answer for a login (person, posts, units) is kept before it is asked again
    actor_cache_seconds: float = Field(default=30.0, ge=0, le=300)
    #: development only: take roles and scope from the token's claims instead of the registry (A1); the
    #: suites written before logins were people use it, and it is refused without the development issuer
    roles_from_token: bool = False
    #: seconds a readiness probe waits for each service's health answer
    health_timeout_seconds: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _roles_from_registry_outside_development(self) -> "GatewaySettings":
        if self.roles_from_token and not self.dev_issuer:
            raise ValueError("WUYE_ROLES_FROM_TOKEN is a development setting: roles come from the registry (A1)")
        return self

    def address_of(self, service: str) -> str:
        return getattr(self, f"{service}_addr")


#: the services the gateway talks to, one per ``<name>_addr`` setting (tests/test_service_list.py checks
#: them against services.toml)
SERVICES = tuple(name.removesuffix("_addr") for name in GatewaySettings.model_fields if name.endswith("_addr"))
