"""The demo city loaded by ``make run``: Quanzhou with the counties the seeds report on.

Loaded through the gateway's public API with the development city-admin account, so the demo walks the
same path as any client. Re-running it is harmless: what already exists is left as it is.
"""

from __future__ import annotations

import httpx

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
