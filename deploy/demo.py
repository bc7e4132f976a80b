"""The demo city loaded by ``make run``: Quanzhou with the counties the seeds report on.

The jurisdictions are registered through the gateway's public API with the development city-admin
account, so the demo walks the same path as any client; then Hui'an's compounds, buildings, households
and owners (deploy/demo/huian) go in through the registry's bulk import, whose events reach the other
services through the running registry's outbox relay. Re-running either is harmless.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from deploy.localstack import LocalStack

# (parent code, code, name) — parents before children
JURISDICTIONS = [
    ("", "350500", "泉州市"),
    ("350500", "350521", "惠安县"),
    ("350500", "350524", "安溪县"),
    ("350521", "350521100", "螺城镇"),
    ("350521100", "350521100001", "凤凰城社区"),
    ("350521100", "350521100002", "奥林匹克社区"),
    ("350524", "350524100", "凤城镇"),
    ("350524100", "350524100001", "城东社区"),
]


def load(gateway_url: str) -> dict[str, int]:
    created = existing = 0
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        token = client.post("/dev/token", json={"username": "city-admin"}).raise_for_status().json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for parent, code, name in JURISDICTIONS:
            answer = client.post(
                "/api/v1/jurisdictions", json={"parent_code": parent, "code": code, "name": name}, headers=headers
            )
            if answer.status_code == 201:
                created += 1
            elif answer.status_code == 409:
                existing += 1
            else:
                raise RuntimeError(f"demo jurisdiction {code} refused: {answer.status_code} {answer.text}")
    return {"created": created, "existing": existing}


def import_county(stack: LocalStack, folder: Path) -> str:
    """Run the registry's bulk import of one county folder into the running stack's registry database."""
    env = {**os.environ, **stack.service_env("registry")}
    done = subprocess.run(
        [sys.executable, "-m", "wuye_registry", "import", str(folder)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"demo county import failed ({done.returncode}): {done.stderr[-2000:]}")
    # two lines of the command's summary: "rows imported  436" and "compounds  6  registered, …"
    wanted = ("rows imported", "compounds")
    return "; ".join(" ".join(line.split()) for line in done.stdout.splitlines() if line.startswith(wanted))
