"""Photos as inspection evidence (E4, issue 15): uploaded by the inspector, named among a result's evidence
as "photo:<id>", then the inspection's, read only by who may read the inspection, kept without the camera's
metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import grpc
import sqlalchemy as sa
from PIL import Image

from tests.support import GPS_IFD, phone_photo
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_enforcement.adapters.orm import evidence_photos
from wuye_enforcement.domain import commands
from wuye_enforcement.service import evidence

from .conftest import (
    ANXI_OFFICER,
    COMMUNITY,
    COUNTY_OFFICER,
    HOUSING,
    SECOND_COMPOUND,
    Enforcement,
    photo_ref,
    refused,
    upload,
)

COMPANY_STAFF = AuthContext(user="staff-1", roles=frozenset({"company_staff"}), scope=COMMUNITY,
                            company="company-lvyuan")


async def read_photo(enforcement: Enforcement, inspection_id: str, photo_id: str,
                     who: AuthContext = COUNTY_OFFICER) -> api.GetInspectionPhotoResponse:
    return await enforcement.stub.GetInspectionPhoto(
        api.GetInspectionPhotoRequest(inspection_id=inspection_id, photo_id=photo_id), metadata=who.to_metadata()
    )


async def inspection(enforcement: Enforcement) -> str:
    await enforcement.seed_catalogue()
    return (await enforcement.plan()).visits[0].inspection_id


async def fail_fire_lane(enforcement: Enforcement, inspection_id: str, *refs: str) -> None:
    await enforcement.result(inspection_id, "FIRE-01", api.OUTCOME_FAIL, severity=api.SEVERITY_MAJOR,
                             evidence_refs=list(refs))


async def test_E4_an_inspector_names_their_photos_as_evidence_and_readers_of_the_inspection_see_them(
    enforcement: Enforcement,
) -> None:
    inspection_id = await inspection(enforcement)
    blocked = await upload(enforcement, content=phone_photo(4000, 3000))
    parked = await upload(enforcement, content=phone_photo(640, 480, kind="PNG"), content_type="image/png")
    assert (blocked.width, blocked.height, blocked.content_type) == (2560, 1920, "image/jpeg")
    refs = [photo_ref(blocked), "现场检查记录表 第3页", photo_ref(parked)]
    await fail_fire_lane(enforcement, inspection_id, *refs)
    await enforcement.result(inspection_id, "LIFT-01", api.OUTCOME_PASS, who=HOUSING)
    completed = await enforcement.complete(
        inspection_id, api.OrderSpec(item_code="FIRE-01", addressee=api.ADDRESSEE_COMPANY, deadline_working_days=5))
    results = {result.item_code: result for result in completed.results}
    assert list(results["FIRE-01"].evidence_refs) == refs
    assert completed.orders[0].finding_id == f"{inspection_id}/FIRE-01", "the order's finding is the line"

    for who in (COUNTY_OFFICER, HOUSING):
        answer = await read_photo(enforcement, inspection_id, blocked.photo_id, who)
        assert hashlib.sha256(answer.content).hexdigest() == blocked.sha256 == answer.photo.sha256
        kept = Image.open(io.BytesIO(answer.content))
        assert kept.size == (2560, 1920) and kept.getexif().get(GPS_IFD) is None
    held = await enforcement.count(
        "evidence_photos",
        f"WHERE held_by = '{inspection_id}' AND jurisdiction_path = '{COMMUNITY}' AND stage = 'result'")
    assert held == 2


async def test_E4_a_photo_that_is_not_the_inspectors_own_upload_refuses_the_result(enforcement: Enforcement) -> None:
    inspection_id = await inspection(enforcement)
    mine, housings = await upload(enforcement), await upload(enforcement, HOUSING)
    before = await enforcement.footprint()
    for refs, field in (
        ([photo_ref(housings)], "evidence_refs[0]"),
        (["现场记录", photo_ref(mine), "photo:no-such-photo"], "evidence_refs[2]"),
    ):
        code, error = await refused(fail_fire_lane(enforcement, inspection_id, *refs))
        assert (code, error.field, error.rule) == (grpc.StatusCode.NOT_FOUND, field, "photos"), refs
    for refs, field in ((["photo:"], "evidence_refs[0]"), (["photo:" + "x" * 37], "evidence_refs[0]")):
        code, error = await refused(fail_fire_lane(enforcement, inspection_id, *refs))
        assert (code, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, field, "photos"), refs
    assert await enforcement.footprint() == before, "a refused result records nothing"
    assert await enforcement.count("evidence_photos", "WHERE held_by IS NOT NULL") == 0, "and files no photo"

    nine = [mine, *[await upload(enforcement, content=phone_photo(32, 32)) for _ in range(8)]]
    tenth = await upload(enforcement, content=phone_photo(32, 32))
    code, error = await refused(fail_fire_lane(enforcement, inspection_id, *map(photo_ref, [*nine, tenth])))
    assert (code, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "evidence_refs", "photos")
    await fail_fire_lane(enforcement, inspection_id, *map(photo_ref, nine))
    assert await enforcement.count("evidence_photos", f"WHERE held_by = '{inspection_id}'") == 9


async def test_E4_a_line_recorded_again_keeps_its_photos_and_a_photo_belongs_to_one_inspection(
    enforcement: Enforcement,
) -> None:
    inspection_id = await inspection(enforcement)
    first, second = await upload(enforcement), await upload(enforcement)
    await fail_fire_lane(enforcement, inspection_id, photo_ref(first))
    await fail_fire_lane(enforcement, inspection_id, photo_ref(first), photo_ref(second))
    async with enforcement.app.runtime.db.sessions() as session:
        rows = (await session.execute(sa.select(evidence_photos.c.photo_id, evidence_photos.c.position)
                                      .order_by(evidence_photos.c.position))).all()
    assert [tuple(row) for row in rows] == [(first.photo_id, 0), (second.photo_id, 1)]

    await enforcement.know_compound(SECOND_COMPOUND)
    other_id = (await enforcement.plan(compound_ids=(SECOND_COMPOUND,))).visits[0].inspection_id
    code, error = await refused(fail_fire_lane(enforcement, other_id, photo_ref(first)))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "evidence_refs[0]"), "another inspection's photo"
    code, error = await refused(read_photo(enforcement, other_id, first.photo_id))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_id"), "a photo is read through its inspection"


async def test_A5_an_evidence_photo_is_read_only_by_who_may_read_the_inspection(enforcement: Enforcement) -> None:
    inspection_id = await inspection(enforcement)
    photo = await upload(enforcement)
    await fail_fire_lane(enforcement, inspection_id, photo_ref(photo))
    for who, expected in ((ANXI_OFFICER, grpc.StatusCode.PERMISSION_DENIED),
                          (COMPANY_STAFF, grpc.StatusCode.PERMISSION_DENIED)):
        code, _ = await refused(read_photo(enforcement, inspection_id, photo.photo_id, who))
        assert code is expected, who.user
    unfiled = await upload(enforcement)
    code, error = await refused(read_photo(enforcement, inspection_id, unfiled.photo_id))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_id"), "an upload no result named"


async def test_A1_only_inspectors_and_addressees_upload_evidence_and_a_non_photo_is_refused(enforcement: Enforcement) -> None:
    code, error = await refused(upload(enforcement, COUNTY_OFFICER))
    assert (code, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "role")
    code, error = await refused(upload(enforcement, content=b"%PDF-1.7 not a photo"))
    assert (code, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "content", "photos")
    assert await enforcement.count("evidence_photos") == 0


async def test_photos_an_evidence_upload_no_result_named_within_a_day_is_deleted(
    enforcement: Enforcement, tmp_path: Path
) -> None:
    inspection_id = await inspection(enforcement)
    named, abandoned, recent = await upload(enforcement), await upload(enforcement), await upload(enforcement)
    await fail_fire_lane(enforcement, inspection_id, photo_ref(named))
    old = utcnow() - dt.timedelta(hours=24, seconds=1)
    async with enforcement.app.runtime.db.sessions() as session, session.begin():
        await session.execute(sa.update(evidence_photos).where(
            evidence_photos.c.photo_id.in_([named.photo_id, abandoned.photo_id])).values(uploaded_at=old))
        await session.execute(sa.update(evidence_photos).where(evidence_photos.c.photo_id == recent.photo_id)
                              .values(uploaded_at=utcnow() - dt.timedelta(hours=23, minutes=59)))

    swept = await evidence.sweep_unfiled_photos(commands.SweepUnfiledPhotos(kept_hours=24, limit=100),
                                                   enforcement.app.runtime.unit_of_work())
    assert swept == 1
    objects = tmp_path / "objects" / "evidence-photos"
    assert sorted(path.stem for path in objects.iterdir()) == sorted([named.photo_id, recent.photo_id])
    kept = await read_photo(enforcement, inspection_id, named.photo_id)
    assert hashlib.sha256(kept.content).hexdigest() == named.sha256, "a named photo is never swept"
    code, error = await refused(fail_fire_lane(enforcement, inspection_id, photo_ref(abandoned)))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "evidence_refs[0]"), "a swept upload is gone"
