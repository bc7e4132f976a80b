"""People: phone and ID number encrypted at rest, masked on read, unmasked only audited."""

from __future__ import annotations

import sqlite3

import grpc
import pytest
import sqlalchemy as sa

from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import AuthContext
from wuye_chassis.pii import PersonalDataCipher, PersonalDataKeyError
from wuye_registry.settings import RegistrySettings

from .conftest import ANXI_OFFICER, HUIAN_WORKER, Registry, refused, resident_id

PHONE = "13812345678"
HUIAN_OFFICER = AuthContext(user="officer", roles=frozenset({"county_officer"}), scope="350500/350521")


async def test_personal_data_is_encrypted_at_rest_and_masked_on_read(registry: Registry) -> None:
    person_id = await registry.person(phone="138 1234 5678", id_number=resident_id(1))
    async with registry.app.runtime.db.sessions() as session:
        stored = (await session.execute(sa.text("SELECT * FROM people"))).mappings().one()
    assert PHONE.encode() not in stored["phone_cipher"] and resident_id(1).encode() not in stored["id_number_cipher"]
    assert PHONE not in str(dict(stored)) and resident_id(1) not in str(dict(stored))
    answer = await registry.call("GetPerson", registry_pb2.GetPersonRequest(person_id=person_id), HUIAN_OFFICER)
    assert (answer.person.phone, answer.person.id_number) == (
        "138****5678",
        resident_id(1)[:6] + "********" + resident_id(1)[-4:],
    )
    assert not answer.person.revealed
    assert await registry.count("personal_data_reads") == 0


async def test_unmasked_read_needs_a_community_worker_in_scope_with_a_purpose_and_is_audited(
    registry: Registry,
) -> None:
    person_id = await registry.person(phone=PHONE, id_number=resident_id(2))
    reveal = registry_pb2.GetPersonRequest(person_id=person_id, reveal_personal_data=True, purpose="通知业主大会")
    answer = await registry.call("GetPerson", reveal, HUIAN_WORKER)
    assert (answer.person.phone, answer.person.id_number, answer.person.revealed) == (PHONE, resident_id(2), True)
    assert await registry.count("personal_data_reads", "WHERE reader = 'worker'") == 1

    status, _ = await refused(registry.call("GetPerson", reveal, HUIAN_OFFICER))  # role does not need it
    assert status == grpc.StatusCode.PERMISSION_DENIED
    anxi_worker = AuthContext(user="w2", roles=frozenset({"community_worker"}), scope="350500/350524")
    status, _ = await refused(registry.call("GetPerson", reveal, anxi_worker))  # outside the scope
    assert status == grpc.StatusCode.PERMISSION_DENIED
    no_purpose = registry_pb2.GetPersonRequest(person_id=person_id, reveal_personal_data=True)
    status, error = await refused(registry.call("GetPerson", no_purpose, HUIAN_WORKER))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "purpose")
    assert await registry.count("personal_data_reads") == 1


async def test_people_are_found_by_exact_phone_or_id_number_through_the_blind_index(registry: Registry) -> None:
    wanted = await registry.person(phone=PHONE, id_number=resident_id(3))
    await registry.person("李四", phone="13912345678")
    found = await registry.call(
        "FindPeople",
        registry_pb2.FindPeopleRequest(jurisdiction_code="350521", phone="+86 138-1234-5678"),
        HUIAN_WORKER,
    )
    assert [p.id for p in found.people] == [wanted] and found.people[0].phone == "138****5678"
    found = await registry.call(
        "FindPeople", registry_pb2.FindPeopleRequest(jurisdiction_code="350521", id_number=resident_id(3)), HUIAN_WORKER
    )
    assert [p.id for p in found.people] == [wanted]
    status, _ = await refused(
        registry.call(
            "FindPeople", registry_pb2.FindPeopleRequest(jurisdiction_code="350521", phone=PHONE), ANXI_OFFICER
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    "who",
    [
        AuthContext(user="r", roles=frozenset({"resident"}), post="resident"),
        AuthContext(user="s", roles=frozenset({"company_staff"}), scope="350500/350521", company="c-1"),
        HUIAN_OFFICER,
    ],
    ids=["resident", "company_staff", "county_officer"],
)
async def test_A5_only_the_community_and_the_street_look_people_up_by_phone(registry: Registry, who) -> None:
    """Issue 19, finding 6: residents and companies reverse-looked-up people by phone across a county."""
    await registry.person(phone=PHONE)
    status, error = await refused(
        registry.call("FindPeople", registry_pb2.FindPeopleRequest(jurisdiction_code="350521", phone=PHONE), who)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "role"
    assert "community_worker" in str(error) and "street_officer" in str(error)


@pytest.mark.parametrize(
    ("data", "field", "status"),
    [
        ({"phone": "12345"}, "phone", grpc.StatusCode.INVALID_ARGUMENT),
        ({"id_number": "350521198001010010"}, "id_number", grpc.StatusCode.INVALID_ARGUMENT),
        ({"id_number": resident_id(4)}, "id_number", grpc.StatusCode.ALREADY_EXISTS),
    ],
)
async def test_bad_personal_data_is_refused_without_echoing_it_and_changes_nothing(
    registry: Registry, data: dict[str, str], field: str, status: grpc.StatusCode
) -> None:
    await registry.person(id_number=resident_id(4))
    before = await registry.snapshot("people")
    seen, error = await refused(registry.person(phone=data.get("phone", ""), id_number=data.get("id_number", "")))
    assert (seen, error.field) == (status, field)
    assert list(data.values())[0] not in error.message
    assert await registry.snapshot("people") == before


def test_a_postgresql_service_refuses_to_start_without_a_personal_data_key() -> None:
    with pytest.raises(PersonalDataKeyError):
        PersonalDataCipher.from_settings(
            RegistrySettings(database_url="postgresql+asyncpg://db/registry", pii_key=None)
        )
    with pytest.raises(PersonalDataKeyError):
        PersonalDataCipher.from_base64("c2hvcnQ=")
    cipher = PersonalDataCipher.from_settings(RegistrySettings(database_url="sqlite+aiosqlite:///x.db", pii_key=None))
    assert cipher.encrypt(PHONE) != cipher.encrypt(PHONE)  # a fresh nonce per value
    assert cipher.decrypt(cipher.encrypt(PHONE)) == PHONE
    assert cipher.blind_index(PHONE) == cipher.blind_index(PHONE) != cipher.blind_index("13912345678")


async def _other_writer_can_start(database_url: str) -> bool:
    """Whether another connection gets SQLite's write lock at once (no waiting)."""
    writer = sqlite3.connect(database_url.split(":///", 1)[1], isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        writer.close()


async def test_masked_person_read_is_read_only_and_an_audited_reveal_stays_transactional(
    registry: Registry, database_url: str
) -> None:
    person_id = await registry.person(phone=PHONE, id_number=resident_id(4))
    masked = await registry.call("GetPerson", registry_pb2.GetPersonRequest(person_id=person_id), HUIAN_OFFICER)
    assert (masked.person.phone, masked.person.revealed) == ("138****5678", False)
    assert await registry.count("personal_data_reads") == 0

    # the unit of work masked reads use: no write lock held while reading (SQLite), a READ ONLY
    # transaction (PostgreSQL); the audited reveal's unit of work does hold the write lock
    sqlite = database_url.startswith("sqlite")
    uow = registry.app.runtime.unit_of_work()
    async with uow.reading():
        assert await uow.people.get(person_id) is not None
        if sqlite:
            assert await _other_writer_can_start(database_url)
        else:
            assert await uow.session.scalar(sa.text("SHOW transaction_read_only")) == "on"
    if sqlite:
        async with uow:
            assert await uow.people.get(person_id) is not None
            assert not await _other_writer_can_start(database_url)

    reveal = registry_pb2.GetPersonRequest(person_id=person_id, reveal_personal_data=True, purpose="通知业主大会")
    assert (await registry.call("GetPerson", reveal, HUIAN_WORKER)).person.phone == PHONE
    assert await registry.count("personal_data_reads") == 1
