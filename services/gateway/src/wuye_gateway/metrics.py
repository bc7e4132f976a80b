"""RED metrics per REST route (``wuye_http_requests_total``, ``wuye_http_duration_seconds``) and the
gateway's ``/metrics`` scrape endpoint, beside the services' (``wuye_chassis.metrics``)."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wuye_chassis import metrics


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (``/api/v1/complaints/{case_id}``), so
    case ids never become label values; requests no route matched count as ``unmatched``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            labels = {
                "route": getattr(route, "path", "unmatched"),
                "method": str(scope.get("method", "")),
                "status": str(status),
            }
            metrics.http_requests.add(1, labels)
            metrics.http_duration.record(time.perf_counter() - started, labels)


async def scrape(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
