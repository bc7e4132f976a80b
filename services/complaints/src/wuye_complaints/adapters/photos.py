"""Complaint photos: their rows here, their bytes in the object store (``wuye_chassis.objects``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import changed_rows
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.objects import ObjectStore
from wuye_chassis.photos import CleanPhoto
from wuye_complaints.adapters.orm import case_photos


@dataclass(frozen=True)
class PhotoRecord:
    photo_id: str
    uploaded_by: str
    uploaded_at: dt.datetime
    content_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    object_key: str
    case_id: str | None
    #: "report" or "resolution" once filed (``PhotoStage``)
    stage: str | None


class PhotoRepository:
    def __init__(self, session: AsyncSession, store: ObjectStore) -> None:
        self.session = session
        self.store = store

    async def keep(self, photo_id: str, photo: CleanPhoto, *, uploaded_by: str, now: dt.datetime) -> PhotoRecord:
        """Store the bytes, then add the row: a failed transaction leaves an object no row names, never a
        row without its object."""
        record = PhotoRecord(
            photo_id=photo_id, uploaded_by=uploaded_by, uploaded_at=now, content_type=photo.content_type,
            size_bytes=len(photo.content), width=photo.width, height=photo.height, sha256=photo.sha256,
            object_key=f"complaint-photos/{photo_id}.{photo.extension}", case_id=None, stage=None,
        )
        await self.store.put(record.object_key, photo.content, photo.content_type)
        await self.session.execute(sa.insert(case_photos).values(asdict(record)))
        return record

    async def get(self, photo_id: str) -> PhotoRecord | None:
        row = (await self.session.execute(
            sa.select(case_photos).where(case_photos.c.photo_id == photo_id)
        )).mappings().first()
        return None if row is None else _record(row)

    async def attach(self, photo_id: str, case_id: str, path: JurisdictionPath, position: int, stage: str) -> bool:
        """Give an unfiled photo to the case; False when another case took it meanwhile."""
        taken = await changed_rows(self.session, sa.update(case_photos)
            .where(case_photos.c.photo_id == photo_id, case_photos.c.case_id.is_(None))
            .values(case_id=case_id, jurisdiction_path=str(path), position=position, stage=stage))
        return taken == 1

    async def count_of_case(self, case_id: str) -> int:
        return int(await self.session.scalar(
            sa.select(sa.func.count()).select_from(case_photos).where(case_photos.c.case_id == case_id)) or 0)

    async def of_case(self, case_id: str) -> list[PhotoRecord]:
        rows = (await self.session.execute(
            sa.select(case_photos).where(case_photos.c.case_id == case_id).order_by(case_photos.c.position)
        )).mappings().all()
        return [_record(row) for row in rows]

    async def unfiled_before(self, cutoff: dt.datetime, limit: int) -> list[PhotoRecord]:
        rows = (await self.session.execute(
            sa.select(case_photos)
            .where(case_photos.c.case_id.is_(None), case_photos.c.uploaded_at < cutoff)
            .order_by(case_photos.c.uploaded_at).limit(limit)
        )).mappings().all()
        return [_record(row) for row in rows]

    async def forget_unfiled(self, photo_id: str) -> bool:
        """Delete the row of a photo no case took; False when a case took it meanwhile."""
        return await changed_rows(self.session, sa.delete(case_photos).where(
            case_photos.c.photo_id == photo_id, case_photos.c.case_id.is_(None))) == 1

    async def discard(self, record: PhotoRecord) -> None:
        """Remove the bytes of a photo whose row is gone."""
        await self.store.delete(record.object_key)

    async def content(self, record: PhotoRecord) -> bytes:
        return await self.store.get(record.object_key)


def _record(row: sa.RowMapping) -> PhotoRecord:
    return PhotoRecord(**{field.name: row[field.name] for field in fields(PhotoRecord)})
