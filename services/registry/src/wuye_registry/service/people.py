"""Use cases for people and their personal data (phone, ID number).

Reads are masked and read-only (no write lock). A community worker — who keeps the registry current and
has to call owners — may ask for the full values of a person in their scope, stating a purpose; that
read is recorded in ``personal_data_reads`` in the same transaction, so there is no unaudited unmasked read.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.registry.v1 import registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, InvalidArgument
from wuye_chassis.ids import new_id
from wuye_chassis.pii import PersonalDataCipher, validate_mobile, validate_resident_id
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_registry.adapters import people as repository
from wuye_registry.service.access import REGISTRY_KEEPERS, jurisdiction, person

#: roles that may read a person's full phone and ID number (in scope, with a purpose, audited)
PERSONAL_DATA_READERS = ("community_worker",)


async def register_person(
    uow: UnitOfWork, cipher: PersonalDataCipher, request: registry_pb2.RegisterPersonRequest
) -> registry_pb2.Person:
    auth.require_role(REGISTRY_KEEPERS, action="register a person")
    name = require_text(request.name, field="name")
    phone = validate_mobile(request.phone) if request.phone.strip() else None
    id_number = validate_resident_id(request.id_number) if request.id_number.strip() else None
    async with uow:
        community = await jurisdiction(
            uow.session, request.community_code, field="community_code", action="register a person"
        )
        if id_number and await repository.id_number_taken(uow.session, cipher.blind_index(id_number)):
            raise AlreadyExists("a person with this ID number is already registered", field="id_number")
        person_id = new_id()
        await repository.add(
            uow.session,
            cipher,
            person_id=person_id,
            name=name,
            jurisdiction_path=community["path"],
            phone=phone,
            id_number=id_number,
            is_party_member=request.is_party_member,
        )
        row = await repository.get(uow.session, person_id)
        await uow.commit()
    assert row is not None
    return repository.to_message(row, cipher, reveal=False)


async def get_person(
    reads: async_sessionmaker[AsyncSession], cipher: PersonalDataCipher, person_id: str
) -> registry_pb2.Person:
    async with reads() as session:
        row = await person(session, person_id, action="read a person")
    return repository.to_message(row, cipher, reveal=False)


async def reveal_person(
    uow: UnitOfWork, cipher: PersonalDataCipher, request: registry_pb2.GetPersonRequest
) -> registry_pb2.Person:
    reader = auth.require_role(PERSONAL_DATA_READERS, action="read a person's full phone and ID number")
    purpose = require_text(request.purpose, field="purpose")
    async with uow:
        row = await person(uow.session, request.person_id, action="read a person's personal data")
        await repository.record_reveal(uow.session, row["id"], reader, purpose=purpose)
        await uow.commit()
    return repository.to_message(row, cipher, reveal=True)


async def find_people(
    sessions: async_sessionmaker[AsyncSession], cipher: PersonalDataCipher, request: registry_pb2.FindPeopleRequest
) -> list[registry_pb2.Person]:
    if bool(request.phone.strip()) == bool(request.id_number.strip()):
        raise InvalidArgument("give exactly one of phone and id_number", field="phone", rule="one_of")
    phone_index = cipher.blind_index(validate_mobile(request.phone)) if request.phone.strip() else None
    id_index = cipher.blind_index(validate_resident_id(request.id_number)) if request.id_number.strip() else None
    async with sessions() as session:
        place = await jurisdiction(session, request.jurisdiction_code, field="jurisdiction_code", action="find people")
        rows = await repository.find(session, place["path"], phone_index=phone_index, id_number_index=id_index)
    return [repository.to_message(row, cipher, reveal=False) for row in rows]
