"""The FastAPI application: routes, error handlers, telemetry, and the service channels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.exceptions import HTTPException

from wuye_chassis import internal_tokens
from wuye_chassis.errors import WuyeError
from wuye_chassis.metrics import setup_metrics
from wuye_chassis.photos import MAX_PHOTO_BYTES
from wuye_gateway import problems
from wuye_gateway.actors import ActorDirectory
from wuye_gateway.backends import Backends
from wuye_gateway.identity import DevIssuer, TokenVerifier
from wuye_gateway.limits import LimitsMiddleware, TokenBuckets
from wuye_gateway.metrics import MetricsMiddleware
from wuye_gateway.routes import (
    complaints,
    console,
    consultations,
    dev,
    enforcement,
    exports,
    funds,
    health,
    jurisdictions,
    me,
    public,
    ratings,
    registry,
    resident,
    supervision,
    views,
)
from wuye_gateway.settings import GatewaySettings

DESCRIPTION = """\
Wuye (物业) — the city platform for the residential property-management improvement campaign.

Authenticate with `Authorization: Bearer <JWT>`. Errors are RFC 9457 `application/problem+json`
with `field` naming the input at fault and `rule` naming the domain rule (see RULES.md).
"""


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        internal_tokens.tokens()  # the gateway signs who acts for every backend call: no key, no start
        app.state.backends = Backends(settings)
        app.state.actors = ActorDirectory(app.state.backends, ttl_seconds=settings.actor_cache_seconds)
        try:
            yield
        finally:
            await app.state.backends.close()

    app = FastAPI(title="Wuye API", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.dev_issuer = DevIssuer(
        settings.jwt_issuer, settings.jwt_audience,
        settings.dev_issuer_key.get_secret_value() if settings.dev_issuer_key else "",
    ) if settings.dev_issuer else None
    app.state.verifier = TokenVerifier(settings, app.state.dev_issuer)
    app.add_exception_handler(WuyeError, problems.on_wuye_error)
    app.add_exception_handler(grpc.RpcError, problems.on_rpc_error)
    app.add_exception_handler(RequestValidationError, problems.on_validation_error)
    app.add_exception_handler(HTTPException, problems.on_http_error)
    app.add_middleware(
        LimitsMiddleware,
        buckets=TokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst),
        max_body_bytes=settings.max_body_bytes,
        verified_login=app.state.verifier.login_or_none,
        upload_limits={complaints.PHOTO_UPLOAD_PATH: MAX_PHOTO_BYTES, enforcement.PHOTO_UPLOAD_PATH: MAX_PHOTO_BYTES,
                       registry.IMPORT_PATH: registry.IMPORT_MAX_BYTES},
    )
    # outermost: a refused request (rate limit, size) is counted too
    app.add_middleware(MetricsMiddleware)
    setup_metrics(settings.service_name, 0)  # the gateway serves /metrics on its own port
    app.include_router(health.router)
    app.include_router(me.router)
    app.include_router(jurisdictions.router)
    app.include_router(complaints.router)
    app.include_router(consultations.router)
    app.include_router(registry.router)
    app.include_router(funds.router)
    app.include_router(enforcement.router)
    app.include_router(supervision.router)
    app.include_router(exports.router)
    app.include_router(ratings.router)
    app.include_router(views.router)
    app.include_router(public.router)
    app.include_router(console.router)
    app.mount("/console/assets", console.assets, name="console-assets")
    app.include_router(resident.router)
    app.mount("/m/assets", resident.assets, name="resident-assets")
    if settings.dev_issuer:
        app.include_router(dev.router)
    # a span per request; none for each ASGI receive and send inside it, which no one reads
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"])
    return app
