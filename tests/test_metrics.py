"""Every process of the local stack serves the documented metrics (wuye_chassis.metrics) on Prometheus."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from deploy.localstack import LocalStack
from deploy.services import SERVICES
from tests.support import eventually

pytestmark = pytest.mark.slow

#: what every service process exports (the alerts and dashboards name these)
SERVICE_METRICS = (
    "wuye_rpc_requests_total", "wuye_rpc_duration_seconds_bucket", "wuye_db_pool_checked_out",
    "wuye_db_pool_size", "wuye_outbox_pending", "wuye_outbox_oldest_age_seconds",
)
#: what the services that consume events export beside those (every service but the registry consumes)
CONSUMER_METRICS = ("wuye_consumer_pending", "wuye_consumer_ack_pending", "wuye_consumer_redelivered")
GATEWAY_METRICS = ("wuye_http_requests_total", "wuye_http_duration_seconds_bucket")
#: each service's own gauges: the ``gauge`` label of ``wuye_business`` (zero included, before any work)
BUSINESS_GAUGES = {
    "complaints": {"open_cases", "overdue_cases"},
    "enforcement": {"open_orders", "overdue_orders"},
    "funds": {"open_votes", "overdue_disclosures"},
}


def business_gauges(text: str) -> set[str]:
    return {
        line.split('gauge="')[1].split('"')[0]
        for line in text.splitlines()
        if line.startswith("wuye_business{") and 'gauge="' in line
    }


def metric_names(text: str) -> set[str]:
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}


async def test_every_process_of_the_local_stack_exports_the_documented_metrics(tmp_path: Path) -> None:
    stack = LocalStack(data_dir=tmp_path / "var")
    stack.start()
    try:
        stack.wait_ready(timeout=90)
        async with httpx.AsyncClient(timeout=5) as client:
            await client.get(f"{stack.gateway_url}/readyz")  # one gRPC call (health) per service at least
            await client.get(f"{stack.gateway_url}/api/v1/complaints/categories")

            async def exported(url: str, wanted: tuple[str, ...]) -> set[str] | None:
                names = metric_names((await client.get(url)).text)
                return None if set(wanted) - names else names

            gateway = await eventually(lambda: exported(f"{stack.gateway_url}/metrics", GATEWAY_METRICS), timeout=15)
            assert set(GATEWAY_METRICS) <= gateway
            for name in SERVICES:
                wanted = SERVICE_METRICS + (CONSUMER_METRICS if name != "registry" else ())
                url = f"http://127.0.0.1:{stack.metrics_ports[name]}/metrics"

                async def service_exports(url: str = url, wanted: tuple[str, ...] = wanted) -> set[str] | None:
                    return await exported(url, wanted)

                assert await eventually(service_exports, timeout=15), name

                own = BUSINESS_GAUGES.get(name, set())

                async def gauges(url: str = url, wanted: set[str] = own) -> bool:
                    return wanted <= business_gauges((await client.get(url)).text)

                assert await eventually(gauges, timeout=15), f"{name} lacks {own}"
    finally:
        stack.stop()
