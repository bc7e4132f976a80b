"""A service's photos: a row each (who uploaded it, what was kept, which record holds it) in the service's
own table, the bytes in its object store (``wuye_chassis.objects``).

A photo is its uploader's own until a record they write names it (a complaint, its resolution, an
inspection's evidence); from then on it is that record's, in its jurisdiction, and read only through
that record. An upload nothing took is swept after ``unfiled_photo_hours``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.background import PeriodicTask
from wuye_chassis.db import JurisdictionPathString, UtcDateTime, changed_rows, utcnow
from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.objects import ObjectStore
from wuye_chassis.photos import RULE, CleanPhoto, clean_photo
from wuye_chassis.settings import PhotoSettings
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text

#: photos deleted per sweep round at most (a round is one transaction)
SWEEP_BATCH = 500


def photo_table(name: str, metadata: sa.MetaData, *, holder: str, holder_length: int = 36) -> sa.Table:
    """The table of a service's photos; ``holder`` names the column of the record that holds one."""
    return sa.Table(
        name,
        metadata,
        sa.Column("photo_id", sa.String(36), primary_key=True),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(200), nullable=False),
        sa.Column(holder, sa.String(holder_length), nullable=True),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        # which part of the holder filed it (a complaint's "report" or "resolution", an inspection's "result")
        sa.Column("stage", sa.String(12), nullable=True),
        sa.Index(f"ix_{name}_{holder.removesuffix('_id')}", holder, "position"),
    )


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
    #: the record that filed it; None while it is its uploader's own
    held_by: str | None
    stage: str | None


class PhotoRepository:
    """The rows of ``table`` (made by ``photo_table``) and their bytes, kept under ``folder/`` in ``store``."""

    def __init__(self, session: AsyncSession, store: ObjectStore, table: sa.Table, *, holder: str, folder: str) -> None:
        self.session = session
        self.store = store
        self.table = table
        self.holder = table.c[holder]
        self.folder = folder

    async def keep(self, photo_id: str, photo: CleanPhoto, *, uploaded_by: str, now: dt.datetime) -> PhotoRecord:
        """Store the bytes, then add the row: a failed transaction leaves an object no row names, never a
        row without its object."""
        record = PhotoRecord(
            photo_id=photo_id, uploaded_by=uploaded_by, uploaded_at=now, content_type=photo.content_type,
            size_bytes=len(photo.content), width=photo.width, height=photo.height, sha256=photo.sha256,
            object_key=f"{self.folder}/{photo_id}.{photo.extension}", held_by=None, stage=None,
        )
        await self.store.put(record.object_key, photo.content, photo.content_type)
        row = asdict(record)
        row[self.holder.name] = row.pop("held_by")
        await self.session.execute(sa.insert(self.table).values(row))
        return record

    async def get(self, photo_id: str) -> PhotoRecord | None:
        row = (await self.session.execute(
            sa.select(self.table).where(self.table.c.photo_id == photo_id)
        )).mappings().first()
        return None if row is None else self._record(row)

    async def attach(self, photo_id: str, held_by: str, path: JurisdictionPath | str, position: int, stage: str
                     ) -> bool:
        """Give an unfiled photo to its holder; False when another took it meanwhile."""
        taken = await changed_rows(self.session, sa.update(self.table)
            .where(self.table.c.photo_id == photo_id, self.holder.is_(None))
            .values({self.holder: held_by, "jurisdiction_path": str(path), "position": position, "stage": stage}))
        return taken == 1

    async def count_held_by(self, held_by: str) -> int:
        return int(await self.session.scalar(
            sa.select(sa.func.count()).select_from(self.table).where(self.holder == held_by)) or 0)

    async def held_by(self, held_by: str) -> list[PhotoRecord]:
        rows = (await self.session.execute(
            sa.select(self.table).where(self.holder == held_by).order_by(self.table.c.position)
        )).mappings().all()
        return [self._record(row) for row in rows]

    async def unfiled_before(self, cutoff: dt.datetime, limit: int) -> list[PhotoRecord]:
        rows = (await self.session.execute(
            sa.select(self.table)
            .where(self.holder.is_(None), self.table.c.uploaded_at < cutoff)
            .order_by(self.table.c.uploaded_at).limit(limit)
        )).mappings().all()
        return [self._record(row) for row in rows]

    async def forget_unfiled(self, photo_id: str) -> bool:
        """Delete the row of a photo nothing took; False when something took it meanwhile."""
        return await changed_rows(self.session, sa.delete(self.table).where(
            self.table.c.photo_id == photo_id, self.holder.is_(None))) == 1

    async def discard(self, record: PhotoRecord) -> None:
        """Remove the bytes of a photo whose row is gone."""
        await self.store.delete(record.object_key)

    async def content(self, record: PhotoRecord) -> bytes:
        return await self.store.get(record.object_key)

    def _record(self, row: sa.RowMapping) -> PhotoRecord:
        values = {field.name: row[field.name] for field in fields(PhotoRecord) if field.name != "held_by"}
        return PhotoRecord(held_by=row[self.holder.name], **values)


# --- the use cases' parts ------------------------------------------------------------------------


async def keep_upload(uow: UnitOfWork, photos: Callable[[], PhotoRepository], content: bytes, content_type: str,
                      *, by: str) -> PhotoRecord:
    """Clean one upload, then keep it as its uploader's own in a unit of work of its own."""
    # decoding and re-encoding a phone photo takes a core for about half a second: off the event loop and
    # before the transaction, so the service answers everyone else meanwhile (Pillow lets go of the GIL)
    clean = await asyncio.to_thread(clean_photo, content, content_type)
    async with uow:
        record = await photos().keep(new_id(), clean, uploaded_by=by, now=utcnow())
        await uow.commit()
    return record


def photo_ids(given: Sequence[str], *, field: str, at_most: int, what: str) -> list[str]:
    """The ids a request names, each once; refusals name ``field[i]``."""
    if len(given) > at_most:
        raise InvalidArgument(f"{what} takes at most {at_most} photos, not {len(given)}", field=field, rule=RULE)
    ids = [require_text(photo_id, field=f"{field}[{at}]", max_length=36) for at, photo_id in enumerate(given)]
    for at, photo_id in enumerate(ids):
        if photo_id in ids[:at]:
            raise InvalidArgument(f"photo {photo_id} is named twice", field=f"{field}[{at}]", rule=RULE)
    return ids


async def file_uploads(
    photos: PhotoRepository, ids: Sequence[str], *, by: str, held_by: str, path: JurisdictionPath | str, stage: str,
    field: str, first: int = 0, positions: Sequence[int] | None = None,
) -> list[PhotoRecord]:
    """Give ``by``'s own unfiled uploads to ``held_by``, in order from position ``first`` (or at
    ``positions``, one per id, for ids named at places of a longer list); someone else's photo, an unknown
    one or one already filed is NOT_FOUND naming ``field[i]``."""
    filed: list[PhotoRecord] = []
    for at, photo_id in enumerate(ids):
        named_at = positions[at] if positions is not None else at
        record = await photos.get(photo_id)
        if (record is None or record.uploaded_by != by
                or not await photos.attach(photo_id, held_by, path, first + at, stage)):
            raise NotFound(f"photo {photo_id} is not one the caller uploaded and has not filed yet",
                           field=f"{field}[{named_at}]", rule=RULE)
        filed.append(replace(record, held_by=held_by, stage=stage))
    return filed


async def held_photo(photos: PhotoRepository, photo_id: str, *, held_by: str, what: str
                     ) -> tuple[PhotoRecord, bytes]:
    """A photo ``held_by`` holds, with its bytes; NOT_FOUND naming photo_id for any other."""
    wanted = require_text(photo_id, field="photo_id", max_length=36)
    record = await photos.get(wanted)
    if record is None or record.held_by != held_by:
        raise NotFound(f"{what} has no photo {wanted}", field="photo_id")
    try:
        return record, await photos.content(record)
    except KeyError:
        raise FailedPrecondition(f"photo {wanted} is recorded but its file is missing from the store",
                                 field="photo_id", rule=RULE) from None


async def sweep_unfiled(uow: UnitOfWork, photos: Callable[[], PhotoRepository], *, kept_hours: float, limit: int
                        ) -> int:
    """Delete the uploads nothing filed within ``kept_hours`` (a complaint given up, a retry's leftovers):
    their rows first, in one transaction, then their bytes, so a photo a record holds is never lost."""
    async with uow:
        repository = photos()
        cutoff = utcnow() - dt.timedelta(hours=kept_hours)
        stale = await repository.unfiled_before(cutoff, limit)
        forgotten = [record for record in stale if await repository.forget_unfiled(record.photo_id)]
        await uow.commit()
    for record in forgotten:
        await repository.discard(record)
    return len(forgotten)


def sweep_task(settings: PhotoSettings, sweep_round: Callable[[float, int], Awaitable[int]]) -> PeriodicTask:
    """The hourly sweep of a service's unfiled uploads."""
    return PeriodicTask(
        f"{settings.service_name}-photo-sweep", settings.photo_sweep_interval_seconds,
        lambda: sweep_round(settings.unfiled_photo_hours, SWEEP_BATCH),
    )
