"""Complaint photos through the gateway (issue 15): the body is the image itself, up to 10 MB on that one path
(JSON stays at its own limit); a case's photo is served only to who may read the case, never to a shared
cache."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from tests.platform import StartService, definition, gateway_for
from tests.support import phone_photo
from wuye_chassis.db import utcnow
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.photos import MAX_PHOTO_BYTES
from wuye_complaints.adapters.orm import known_compounds
from wuye_gateway.identity import FENGHUANG_COMMUNITY

PROBLEM = "application/problem+json"
COMPOUND = "compound-fenghuang"


@pytest.fixture
async def gateway(database_url: str, nats_server: EmbeddedNats, start_service: StartService):
    complaints = await start_service(definition("complaints", database_url, nats_server.url))
    async with complaints.runtime.db.sessions() as session, session.begin():
        await session.execute(known_compounds.insert().values(
            compound_id=COMPOUND, name="凤凰城", jurisdiction_path=FENGHUANG_COMMUNITY, company_id=None,
            updated_at=utcnow()))
    async with gateway_for({"complaints": complaints}) as gateway:
        yield gateway


async def test_photos_a_grid_worker_files_a_photo_and_the_community_reads_it_privately(gateway) -> None:
    grid = await gateway.token("huian-grid")
    # a full-size phone photo, over the 1 MB every JSON body is held to
    photo = phone_photo(4000, 3000)
    photo += b"\0" * (1_500_000 - len(photo)) if len(photo) < 1_500_000 else b""
    uploaded = await gateway.client.post("/api/v1/complaints/photos", content=photo,
                                         headers=grid | {"content-type": "image/jpeg"})
    assert uploaded.status_code == 201, uploaded.text
    kept = uploaded.json()
    assert (kept["width"], kept["height"], kept["content_type"]) == (2560, 1920, "image/jpeg")
    filed = await gateway.client.post("/api/v1/complaints", headers=grid, json={
        "compound_id": COMPOUND, "category": "lifts", "channel": "grid_worker", "description": "3号楼电梯停运",
        "reporter": {"name": "张三", "phone": "13812345678"}, "photo_ids": [kept["photo_id"]]})
    assert filed.status_code == 201, filed.text
    case = filed.json()["case"]
    assert [item["photo_id"] for item in case["photos"]] == [kept["photo_id"]]

    address = f"/api/v1/complaints/{case['case_id']}/photos/{kept['photo_id']}"
    read = await gateway.client.get(address, headers=await gateway.token("huian-community"))
    assert read.status_code == 200 and read.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(read.content).hexdigest() == kept["sha256"]
    assert read.headers["cache-control"] == "private, max-age=3600" and read.headers["x-content-type-options"] == "nosniff"
    outside = await gateway.client.get(address, headers=await gateway.token("anxi-community"))
    assert outside.status_code == 403 and outside.headers["content-type"] == PROBLEM
    unsigned = await gateway.client.get(address)
    assert unsigned.status_code == 401


async def test_photos_the_upload_limit_is_10_mb_on_the_photo_path_only(gateway) -> None:
    grid = await gateway.token("huian-grid")
    photo = phone_photo(64, 64)
    over = photo + b"\0" * (MAX_PHOTO_BYTES + 1 - len(photo))
    refused = await gateway.client.post("/api/v1/complaints/photos", content=over,
                                        headers=grid | {"content-type": "image/jpeg"})
    assert refused.status_code == 413 and refused.headers["content-type"] == PROBLEM
    at_limit = await gateway.client.post("/api/v1/complaints/photos", content=over[:-1],
                                         headers=grid | {"content-type": "image/jpeg"})
    assert at_limit.status_code == 201, at_limit.text
    json_body = b'{"description": "' + b"x" * 1_100_000 + b'"}'
    too_big = await gateway.client.post("/api/v1/complaints", content=json_body,
                                        headers=grid | {"content-type": "application/json"})
    assert too_big.status_code == 413


async def test_photos_what_is_not_a_photo_is_a_problem_in_chinese_naming_the_field(gateway) -> None:
    grid = await gateway.token("huian-grid")
    answer = await gateway.client.post("/api/v1/complaints/photos", content=b"%PDF-1.7",
                                       headers=grid | {"content-type": "image/jpeg"})
    assert answer.status_code == 400 and answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert (problem["field"], problem["rule"], problem["detail_zh"]) == ("content", "photos", "填写有误：照片（content），规则 photos")
    untyped = await gateway.client.post("/api/v1/complaints/photos", content=phone_photo(32, 32), headers=grid)
    assert (untyped.status_code, untyped.json()["field"]) == (400, "content_type")


async def test_photos_a_mobile_retry_of_an_upload_keeps_one_photo(gateway) -> None:
    grid = await gateway.token("huian-grid")
    headers = grid | {"content-type": "image/jpeg", "Idempotency-Key": "upload-retry-1"}
    photo = phone_photo(320, 240)
    first = await gateway.client.post("/api/v1/complaints/photos", content=photo, headers=headers)
    again = await gateway.client.post("/api/v1/complaints/photos", content=photo, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = await gateway.client.post("/api/v1/complaints/photos", content=phone_photo(64, 64), headers=headers)
    assert other.status_code == 422, "the same key with another photo is refused, not applied"
    async with gateway.apps["complaints"].runtime.db.sessions() as session:
        assert await session.scalar(sa.text("SELECT count(*) FROM case_photos")) == 1
