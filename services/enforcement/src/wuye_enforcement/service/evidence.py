"""Evidence photos: whoever records a finding or a piece of work (an inspector's result, an addressee's
report of a task done or of how a rectification item was handled) uploads the photo first, then names it
among the record's evidence_refs as ``photo:<photo_id>``. From then on it is that record's, in its
jurisdiction, and read only through it (``inspections.get_inspection_photo``, ``supervision.get_task_photo``,
``supervision.get_item_photo``)."""

from __future__ import annotations

from collections.abc import Sequence

from wuye_chassis import auth, photo_library
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.photo_library import PhotoRecord
from wuye_chassis.photos import RULE
from wuye_enforcement.domain import commands
from wuye_enforcement.service.access import ADDRESSEES, INSPECTORS
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

#: an evidence reference naming an uploaded photo: "photo:<photo_id>"
PHOTO_REF = "photo:"
#: photos one record names at most (as many as a WeChat post takes)
MAX_PHOTOS_PER_RECORD = 9
#: who uploads: the inspectors (results) and the addressees of supervision (tasks, list items)
UPLOADERS = tuple(dict.fromkeys((*INSPECTORS, *ADDRESSEES)))
#: the record that holds a photo: an inspection's result, a task's report, a list item's handling
RESULT_PHOTOS, TASK_PHOTOS, HANDLING_PHOTOS = "result", "task", "handling"


async def upload_evidence_photo(command: commands.UploadEvidencePhoto, uow: EnforcementUnitOfWork) -> PhotoRecord:
    """Keep a photo for a record the caller is about to write; only they can name it as evidence."""
    caller = auth.require_role(UPLOADERS, action="upload an evidence photo")
    return await photo_library.keep_upload(uow, lambda: uow.photos, command.content, command.content_type,
                                           by=caller.user)


async def file_named_photos(
    uow: EnforcementUnitOfWork, caller: auth.AuthContext, evidence_refs: Sequence[str], *, held_by: str, path: str,
    stage: str,
) -> None:
    """The photos a record names become its holder's: the caller's own unfiled uploads; one the holder has
    already (a record written again, or another line's photo of the same inspection) stays as it is. Any
    other is NOT_FOUND naming ``evidence_refs[i]``, and the record is not written (call inside its unit of
    work)."""
    named: dict[str, int] = {}
    for at, ref in enumerate(evidence_refs):
        if ref.strip().startswith(PHOTO_REF):
            photo_id = ref.strip().removeprefix(PHOTO_REF).strip()
            if not photo_id or len(photo_id) > 36:
                raise InvalidArgument(f"{ref!r} names no photo: write photo:<photo_id>", field=f"evidence_refs[{at}]",
                                      rule=RULE)
            named.setdefault(photo_id, at)
    if len(named) > MAX_PHOTOS_PER_RECORD:
        raise InvalidArgument(f"a record names at most {MAX_PHOTOS_PER_RECORD} photos, not {len(named)}",
                              field="evidence_refs", rule=RULE)
    if not named:
        return
    held = {record.photo_id for record in await uow.photos.held_by(held_by)}
    new = {photo_id: at for photo_id, at in named.items() if photo_id not in held}
    await photo_library.file_uploads(uow.photos, list(new), by=caller.user, held_by=held_by, path=path, stage=stage,
                                     field="evidence_refs", first=len(held), positions=list(new.values()))


async def sweep_unfiled_photos(command: commands.SweepUnfiledPhotos, uow: EnforcementUnitOfWork) -> int:
    """Delete the evidence photos uploaded but named by no record."""
    return await photo_library.sweep_unfiled(uow, lambda: uow.photos, kept_hours=command.kept_hours,
                                             limit=command.limit)
