"""Photos filed with a complaint (issue 15): uploaded by the reporter, filed with their case only, read only
by who may read the case (A5), kept without the camera's metadata."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from pathlib import Path

import grpc
import sqlalchemy as sa
from PIL import Image

from tests.support import GPS_IFD, phone_photo
from wuye.complaints.v1 import complaints_pb2 as api
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_complaints.adapters.orm import case_photos
from wuye_complaints.domain import commands
from wuye_complaints.service import cases

from .conftest import (
    ANXI_OFFICER,
    COMMUNITY,
    COMMUNITY_WORKER,
    COMPANY_STAFF,
    COMPOUND,
    RESIDENT,
    RIVAL_STAFF,
    Complaints,
    refused,
)

NEIGHBOUR = AuthContext(
    user="resident-2", roles=frozenset({"resident"}), scope=COMMUNITY, post="resident", compounds=frozenset({COMPOUND})
)


async def upload(complaints: Complaints, who: AuthContext = RESIDENT, content: bytes | None = None,
                 content_type: str = "image/jpeg") -> api.Photo:
    answer = await complaints.stub.UploadPhoto(
        api.UploadPhotoRequest(content=phone_photo(1200, 900) if content is None else content,
                               content_type=content_type),
        metadata=who.to_metadata(),
    )
    return answer.photo


async def read_photo(complaints: Complaints, case_id: str, photo_id: str, who: AuthContext) -> api.GetCasePhotoResponse:
    return await complaints.stub.GetCasePhoto(
        api.GetCasePhotoRequest(case_id=case_id, photo_id=photo_id), metadata=who.to_metadata()
    )


async def test_photos_a_resident_files_photos_with_the_complaint_and_the_handlers_see_them(
    complaints: Complaints,
) -> None:
    first = await upload(complaints, content=phone_photo(4000, 3000))
    second = await upload(complaints, content=phone_photo(640, 480, kind="PNG"), content_type="image/png")
    assert (first.width, first.height, first.content_type) == (2560, 1920, "image/jpeg")
    case = (await complaints.submit(photo_ids=(second.photo_id, first.photo_id))).case
    assert [photo.photo_id for photo in case.photos] == [second.photo_id, first.photo_id], "in the order given"

    read = (await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id),
                                          metadata=COMMUNITY_WORKER.to_metadata())).case
    assert [photo.photo_id for photo in read.photos] == [second.photo_id, first.photo_id]
    dispatched = await complaints.stub.AcceptCase(api.AcceptCaseRequest(case_id=case.case_id),
                                                  metadata=COMMUNITY_WORKER.to_metadata())
    assert len(dispatched.case.photos) == 2, "every step answers the case with its photos"

    for who in (RESIDENT, COMMUNITY_WORKER):
        answer = await read_photo(complaints, case.case_id, first.photo_id, who)
        assert hashlib.sha256(answer.content).hexdigest() == first.sha256 == answer.photo.sha256
        kept = Image.open(io.BytesIO(answer.content))
        assert kept.size == (2560, 1920) and kept.getexif().get(GPS_IFD) is None
    assert await complaints.count("case_photos", f"WHERE case_id = '{case.case_id}' AND jurisdiction_path = '{COMMUNITY}'") == 2


async def test_photos_an_upload_that_is_no_photo_is_refused_and_nothing_is_kept(complaints: Complaints) -> None:
    for content, content_type, field in (
        (b"%PDF-1.7 not a photo", "image/jpeg", "content"),
        (phone_photo(64, 64, kind="PNG"), "image/jpeg", "content_type"),
        (phone_photo(64, 64), "image/heic", "content_type"),
        (b"", "image/jpeg", "content"),
    ):
        code, error = await refused(upload(complaints, content=content, content_type=content_type))
        assert (code, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, field, "photos")
    assert await complaints.count("case_photos") == 0


async def test_A1_only_who_files_or_handles_complaints_uploads_photos(complaints: Complaints) -> None:
    auditor = AuthContext(user="auditor-1", roles=frozenset({"auditor"}), scope=COMMUNITY)
    code, error = await refused(upload(complaints, auditor))
    assert (code, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "role")
    assert await complaints.count("case_photos") == 0


async def test_A1_the_handler_files_photos_of_the_work_done_with_the_resolution(complaints: Complaints) -> None:
    reported = await upload(complaints)
    case = await complaints.dispatched(photo_ids=(reported.photo_id,))
    staff = COMPANY_STAFF.to_metadata()
    await complaints.stub.StartHandling(api.StartHandlingRequest(case_id=case.case_id), metadata=staff)
    before, after = await upload(complaints, COMPANY_STAFF), await upload(complaints, COMPANY_STAFF)
    rivals = await upload(complaints, RIVAL_STAFF)
    code, error = await refused(complaints.stub.ResolveCase(api.ResolveCaseRequest(
        case_id=case.case_id, summary="已更换曳引机", photo_ids=[before.photo_id, rivals.photo_id]), metadata=staff))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_ids[1]")
    assert (await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id),
                                          metadata=staff)).case.state == api.CASE_STATE_IN_PROGRESS
    assert await complaints.count("case_photos", "WHERE stage = 'resolution'") == 0, "nothing of the refused step"

    resolved = (await complaints.stub.ResolveCase(api.ResolveCaseRequest(
        case_id=case.case_id, summary="已更换曳引机", photo_ids=[before.photo_id, after.photo_id]),
        metadata=staff)).case
    assert [(photo.photo_id, photo.stage) for photo in resolved.photos] == [
        (reported.photo_id, "report"), (before.photo_id, "resolution"), (after.photo_id, "resolution")]
    # the reporter sees what was done
    shown = await read_photo(complaints, case.case_id, after.photo_id, RESIDENT)
    assert hashlib.sha256(shown.content).hexdigest() == after.sha256


async def test_A1_a_photo_is_filed_by_its_uploader_once_and_at_most_nine_per_case(complaints: Complaints) -> None:
    mine = await upload(complaints)
    before = await complaints.footprint()
    code, error = await refused(complaints.submit(NEIGHBOUR, photo_ids=(mine.photo_id,)))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_ids[0]"), "a neighbour cannot file my photo"
    code, error = await refused(complaints.submit(photo_ids=(mine.photo_id, "no-such-photo")))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_ids[1]")
    code, error = await refused(complaints.submit(photo_ids=(mine.photo_id, mine.photo_id)))
    assert (code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "photo_ids[1]")
    assert await complaints.footprint() == before, "a refused filing leaves no case, event or counter behind"
    assert await complaints.count("case_photos", "WHERE case_id IS NOT NULL") == 0

    nine = [mine, *[await upload(complaints, content=phone_photo(32, 32)) for _ in range(8)]]
    tenth = await upload(complaints, content=phone_photo(32, 32))
    code, error = await refused(complaints.submit(photo_ids=tuple(p.photo_id for p in [*nine, tenth])))
    assert (code, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "photo_ids", "photos")
    case = (await complaints.submit(photo_ids=tuple(p.photo_id for p in nine))).case
    assert len(case.photos) == 9
    code, error = await refused(complaints.submit(photo_ids=(mine.photo_id,)))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_ids[0]"), "filed with one case, never a second"


async def test_A5_a_case_photo_is_read_only_by_who_may_read_the_case(complaints: Complaints) -> None:
    photo = await upload(complaints)
    case = (await complaints.submit(photo_ids=(photo.photo_id,))).case
    other = (await complaints.submit(NEIGHBOUR)).case
    for who, expected in ((NEIGHBOUR, grpc.StatusCode.PERMISSION_DENIED),
                          (RIVAL_STAFF, grpc.StatusCode.PERMISSION_DENIED),
                          (ANXI_OFFICER, grpc.StatusCode.PERMISSION_DENIED)):
        code, _ = await refused(read_photo(complaints, case.case_id, photo.photo_id, who))
        assert code is expected, who.user
    code, error = await refused(read_photo(complaints, other.case_id, photo.photo_id, COMMUNITY_WORKER))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_id"), "a photo is read through its own case"
    unfiled = await upload(complaints)
    code, error = await refused(read_photo(complaints, case.case_id, unfiled.photo_id, RESIDENT))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_id")


async def test_photos_an_upload_no_case_took_within_a_day_is_deleted_rows_and_bytes(
    complaints: Complaints, tmp_path: Path
) -> None:
    filed = await upload(complaints)
    case = (await complaints.submit(photo_ids=(filed.photo_id,))).case
    abandoned, recent = await upload(complaints), await upload(complaints)
    old = utcnow() - dt.timedelta(hours=24, seconds=1)
    just_inside = utcnow() - dt.timedelta(hours=23, minutes=59)
    async with complaints.app.runtime.db.sessions() as session, session.begin():
        for photo_id, at in ((filed.photo_id, old), (abandoned.photo_id, old), (recent.photo_id, just_inside)):
            await session.execute(sa.update(case_photos).where(case_photos.c.photo_id == photo_id).values(uploaded_at=at))
    objects = tmp_path / "objects" / "complaint-photos"
    assert len(list(objects.iterdir())) == 3

    swept = await cases.sweep_unfiled_photos(commands.SweepUnfiledPhotos(kept_hours=24, limit=100),
                                             complaints.app.runtime.unit_of_work())
    assert swept == 1
    assert sorted(path.stem for path in objects.iterdir()) == sorted([filed.photo_id, recent.photo_id])
    assert await complaints.count("case_photos") == 2
    kept = await read_photo(complaints, case.case_id, filed.photo_id, RESIDENT)
    assert hashlib.sha256(kept.content).hexdigest() == filed.sha256, "a filed photo is never swept, however old"
    late = await complaints.submit(photo_ids=(recent.photo_id,))
    assert [photo.photo_id for photo in late.case.photos] == [recent.photo_id]
    code, error = await refused(complaints.submit(photo_ids=(abandoned.photo_id,)))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_ids[0]")


async def test_photos_a_photo_being_re_encoded_holds_up_no_other_call(complaints: Complaints) -> None:
    # a noisy 12-megapixel JPEG, as a phone camera writes one: about half a second of a core to re-encode
    noisy = io.BytesIO()
    Image.effect_noise((4000, 3000), 64).convert("RGB").save(noisy, "JPEG", quality=92)
    case = (await complaints.submit()).case
    finished: list[str] = []

    async def uploading() -> None:
        await upload(complaints, content=noisy.getvalue())
        finished.append("upload")

    async def reading() -> None:
        await asyncio.sleep(0.2)  # the upload has arrived and is being re-encoded
        await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=RESIDENT.to_metadata())
        finished.append("read")

    await asyncio.gather(uploading(), reading())
    assert finished == ["read", "upload"], "the re-encoding ran on the event loop and held the read up"
