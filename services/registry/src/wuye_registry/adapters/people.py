"""People rows: ciphertext and blind indexes in, masked or audited plaintext out."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.pii import PersonalDataCipher, mask_mobile, mask_resident_id
from wuye_registry.adapters.orm import people, personal_data_reads
from wuye_registry.adapters.scope import within


async def get(session: AsyncSession, person_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(people).where(people.c.id == person_id))).mappings().first()


async def existing_ids(session: AsyncSession, person_ids: Sequence[str]) -> set[str]:
    return set((await session.scalars(sa.select(people.c.id).where(people.c.id.in_(person_ids)))).all())


async def party_members(session: AsyncSession, person_ids: Sequence[str]) -> set[str]:
    query = sa.select(people.c.id).where(people.c.id.in_(person_ids), people.c.is_party_member.is_(True))
    return set((await session.scalars(query)).all())


async def id_number_taken(session: AsyncSession, id_number_index: str) -> bool:
    return (await session.scalar(sa.select(people.c.id).where(people.c.id_number_index == id_number_index))) is not None


async def add(
    session: AsyncSession,
    cipher: PersonalDataCipher,
    *,
    person_id: str,
    name: str,
    jurisdiction_path: str,
    phone: str | None,
    id_number: str | None,
    is_party_member: bool,
) -> None:
    now = utcnow()
    await session.execute(
        people.insert().values(
            id=person_id,
            name=name,
            jurisdiction_path=jurisdiction_path,
            phone_cipher=cipher.encrypt(phone) if phone else None,
            phone_index=cipher.blind_index(phone) if phone else None,
            id_number_cipher=cipher.encrypt(id_number) if id_number else None,
            id_number_index=cipher.blind_index(id_number) if id_number else None,
            is_party_member=is_party_member,
            created_at=now,
            updated_at=now,
        )
    )


async def find(
    session: AsyncSession, path: str, *, phone_index: str | None, id_number_index: str | None
) -> list[sa.RowMapping]:
    query = sa.select(people).where(within(people.c.jurisdiction_path, path)).order_by(people.c.id)
    if phone_index is not None:
        query = query.where(people.c.phone_index == phone_index)
    if id_number_index is not None:
        query = query.where(people.c.id_number_index == id_number_index)
    return list((await session.execute(query)).mappings().all())


async def record_reveal(session: AsyncSession, person_id: str, reader: AuthContext, *, purpose: str) -> None:
    await session.execute(
        personal_data_reads.insert().values(
            id=new_id(),
            person_id=person_id,
            reader=reader.user,
            reader_roles=",".join(sorted(reader.roles)),
            fields="phone,id_number",
            purpose=purpose,
            read_at=utcnow(),
        )
    )


def to_message(row: sa.RowMapping, cipher: PersonalDataCipher, *, reveal: bool) -> registry_pb2.Person:
    phone = cipher.decrypt(row["phone_cipher"]) if row["phone_cipher"] is not None else ""
    id_number = cipher.decrypt(row["id_number_cipher"]) if row["id_number_cipher"] is not None else ""
    if not reveal:
        phone = mask_mobile(phone) if phone else ""
        id_number = mask_resident_id(id_number) if id_number else ""
    return registry_pb2.Person(
        id=row["id"],
        name=row["name"],
        jurisdiction_path=row["jurisdiction_path"],
        phone=phone,
        id_number=id_number,
        is_party_member=row["is_party_member"],
        revealed=reveal,
    )
