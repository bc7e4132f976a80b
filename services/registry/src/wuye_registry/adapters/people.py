"""People rows: ciphertext and blind indexes in, masked or audited plaintext out.

Phone and ID number are AES-GCM ciphertexts with keyed blind indexes for exact lookups
(``wuye_chassis.pii``); ``PersonalData`` holds the key, so nothing else sees a plaintext value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.pii import PersonalDataCipher, mask_mobile, mask_resident_id
from wuye_registry.adapters.orm import people, personal_data_reads


@dataclass(frozen=True)
class SealedPersonalData:
    """A person's phone and ID number as stored: ciphertext and blind index each, None when absent."""

    phone_cipher: bytes | None
    phone_index: str | None
    id_number_cipher: bytes | None
    id_number_index: str | None


@dataclass(frozen=True)
class PersonRecord:
    person_id: str
    name: str
    jurisdiction_path: str
    is_party_member: bool
    sealed: SealedPersonalData


@dataclass(frozen=True)
class PersonView:
    """A person as a caller sees them: phone and ID number masked unless ``revealed``."""

    person_id: str
    name: str
    jurisdiction_path: str
    phone: str
    id_number: str
    is_party_member: bool
    revealed: bool


class PersonalData:
    """Sealing and unsealing of phones and ID numbers with the service's personal data key."""

    def __init__(self, cipher: PersonalDataCipher) -> None:
        self.cipher = cipher

    def blind_index(self, value: str) -> str:
        return self.cipher.blind_index(value)

    def seal(self, *, phone: str | None, id_number: str | None) -> SealedPersonalData:
        return SealedPersonalData(
            phone_cipher=self.cipher.encrypt(phone) if phone else None,
            phone_index=self.cipher.blind_index(phone) if phone else None,
            id_number_cipher=self.cipher.encrypt(id_number) if id_number else None,
            id_number_index=self.cipher.blind_index(id_number) if id_number else None,
        )

    def view(self, person: PersonRecord, *, reveal: bool) -> PersonView:
        sealed = person.sealed
        phone = self.cipher.decrypt(sealed.phone_cipher) if sealed.phone_cipher is not None else ""
        id_number = self.cipher.decrypt(sealed.id_number_cipher) if sealed.id_number_cipher is not None else ""
        if not reveal:
            phone = mask_mobile(phone) if phone else ""
            id_number = mask_resident_id(id_number) if id_number else ""
        return PersonView(
            person_id=person.person_id,
            name=person.name,
            jurisdiction_path=person.jurisdiction_path,
            phone=phone,
            id_number=id_number,
            is_party_member=person.is_party_member,
            revealed=reveal,
        )


def person_row(person: PersonRecord) -> dict[str, object]:
    """A person's row without its times (the bulk import upserts the same columns)."""
    sealed = person.sealed
    return {
        "id": person.person_id,
        "name": person.name,
        "jurisdiction_path": person.jurisdiction_path,
        "phone_cipher": sealed.phone_cipher,
        "phone_index": sealed.phone_index,
        "id_number_cipher": sealed.id_number_cipher,
        "id_number_index": sealed.id_number_index,
        "is_party_member": person.is_party_member,
    }


def person_record(row: sa.RowMapping) -> PersonRecord:
    return PersonRecord(
        person_id=row["id"],
        name=row["name"],
        jurisdiction_path=row["jurisdiction_path"],
        is_party_member=row["is_party_member"],
        sealed=SealedPersonalData(
            row["phone_cipher"], row["phone_index"], row["id_number_cipher"], row["id_number_index"]
        ),
    )


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: str) -> PersonRecord | None:
        row = (await self.session.execute(sa.select(people).where(people.c.id == person_id))).mappings().first()
        return None if row is None else person_record(row)

    async def existing_ids(self, person_ids: Sequence[str]) -> set[str]:
        query = sa.select(people.c.id).where(people.c.id.in_(person_ids))
        return set((await self.session.scalars(query)).all())

    async def party_members(self, person_ids: Sequence[str]) -> set[str]:
        query = sa.select(people.c.id).where(people.c.id.in_(person_ids), people.c.is_party_member.is_(True))
        return set((await self.session.scalars(query)).all())

    async def id_number_taken(self, id_number_index: str) -> bool:
        query = sa.select(people.c.id).where(people.c.id_number_index == id_number_index)
        return (await self.session.scalar(query)) is not None

    async def add(self, person: PersonRecord) -> None:
        now = utcnow()
        await self.session.execute(people.insert().values(**person_row(person), created_at=now, updated_at=now))

    async def find(self, path: str, *, phone_index: str | None, id_number_index: str | None) -> list[PersonRecord]:
        query = sa.select(people).where(at_or_below(people.c.jurisdiction_path, path)).order_by(people.c.id)
        if phone_index is not None:
            query = query.where(people.c.phone_index == phone_index)
        if id_number_index is not None:
            query = query.where(people.c.id_number_index == id_number_index)
        return [person_record(row) for row in (await self.session.execute(query)).mappings()]

    async def with_phone(self, phone_index: str, *, limit: int = 2) -> list[str]:
        """The ids of people registered with this phone anywhere (binding a login needs exactly one)."""
        query = sa.select(people.c.id).where(people.c.phone_index == phone_index).order_by(people.c.id).limit(limit)
        return list((await self.session.scalars(query)).all())

    async def set_party_membership(self, person_id: str, *, is_party_member: bool, since: dt.date) -> None:
        await self.session.execute(
            people.update().where(people.c.id == person_id)
            .values(is_party_member=is_party_member, party_member_since=since, updated_at=utcnow())
        )

    async def record_reveal(self, person_id: str, reader: AuthContext, *, purpose: str) -> None:
        await self.session.execute(
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
