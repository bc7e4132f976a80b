"""The story the whole-process tests play through a gateway (tests/test_faults_local_stack.py, the cluster
test): a county's hierarchy, a compound with a company under contract, complaints filed by the grid worker
and closed by the community through every step of the closed loop."""

from __future__ import annotations

import httpx

HIERARCHY = [("", "350500", "泉州市"), ("350500", "350521", "惠安县"), ("350521", "350521100", "螺城镇"),
             ("350521100", "350521100001", "凤凰城社区")]
STEPS = [("accept", None), ("dispatch", {"assignee_kind": "community"}), ("start", None),
         ("resolve", {"summary": "更换电梯控制板"}), ("reply", {"message": "电梯已修复"}),
         ("callback", {"valid": True, "contacted": True, "solved": True, "satisfaction": "satisfied"}),
         ("close", None)]


async def token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await client.post("/dev/token", json={"username": username})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def seed(client: httpx.AsyncClient) -> str:
    admin = await token(client, "city-admin")
    for parent, code, name in HIERARCHY:
        answer = await client.post("/api/v1/jurisdictions", headers=admin,
                                   json={"parent_code": parent, "code": code, "name": name})
        assert answer.status_code == 201, answer.text
    compound = await client.post("/api/v1/compounds", headers=admin, json={
        "community_code": "350521100001", "code": "FHC", "name": "凤凰城", "compound_type": "commodity",
        "management_mode": "company"})
    assert compound.status_code == 201, compound.text
    company = await client.post("/api/v1/companies", headers=admin, json={
        "jurisdiction_code": "350521", "uscc": "91350521MA2YC4XL1N", "name": "物业公司", "party_org_mode": "none"})
    assert company.status_code == 201, company.text
    contract = await client.post("/api/v1/contracts", headers=admin, json={
        "compound_id": compound.json()["id"], "company_id": company.json()["id"], "mode": "tender",
        "start_on": "2026-01-01", "end_on": "2028-12-31"})
    assert contract.status_code == 201, contract.text
    return str(compound.json()["id"])


def filing(compound_id: str, n: int) -> dict[str, object]:
    return {"compound_id": compound_id, "category": "lifts", "channel": "mobile",
            "description": f"fault-stream-{n:03d} 电梯停运", "reporter": {"name": "张三", "phone": "13800001234"}}
