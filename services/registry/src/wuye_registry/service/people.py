"""Handlers for people and their personal data (phone, ID number).

Reads are masked and read-only (no write lock). A community worker — who keeps the registry current and
has to call owners — may ask for the full values of a person in their scope, stating a purpose; that
read is recorded in ``personal_data_reads`` in the same transaction, so there is no unaudited unmasked read.
"""

from __future__ import annotations

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, InvalidArgument
from wuye_chassis.ids import new_id
from wuye_chassis.pii import validate_mobile, validate_resident_id
from wuye_chassis.validation import require_text
from wuye_registry.adapters.people import PersonRecord, PersonView
from wuye_registry.domain import commands
from wuye_registry.service import access
from wuye_registry.service.access import REGISTRY_KEEPERS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: roles that may read a person's full phone and ID number (in scope, with a purpose, audited)
PERSONAL_DATA_READERS = ("community_worker",)
#: who may look a person up by phone or ID number (A5): the community and the street that keep the
#: register, inside their scope — never residents or companies (a reverse look-up of who owns a phone)
PEOPLE_SEARCHERS = ("community_worker", "street_officer")


async def register_person(command: commands.RegisterPerson, uow: RegistryUnitOfWork) -> PersonView:
    auth.require_role(REGISTRY_KEEPERS, action="register a person")
    name = require_text(command.name, field="name")
    phone = validate_mobile(command.phone) if command.phone.strip() else None
    id_number = validate_resident_id(command.id_number) if command.id_number.strip() else None
    sealed = uow.personal_data.seal(phone=phone, id_number=id_number)
    async with uow:
        community = await access.jurisdiction(
            uow, command.community_code, field="community_code", action="register a person"
        )
        if sealed.id_number_index and await uow.people.id_number_taken(sealed.id_number_index):
            raise AlreadyExists("a person with this ID number is already registered", field="id_number")
        person = PersonRecord(new_id(), name, str(community.path), command.is_party_member, sealed)
        await uow.people.add(person)
        await uow.commit()
    return uow.personal_data.view(person, reveal=False)


async def get_person(query: commands.GetPerson, uow: RegistryUnitOfWork) -> PersonView:
    if not query.reveal_personal_data:
        async with uow.reading():
            person = await access.person(uow, query.person_id, action="read a person")
        return uow.personal_data.view(person, reveal=False)
    reader = auth.require_role(PERSONAL_DATA_READERS, action="read a person's full phone and ID number")
    purpose = require_text(query.purpose, field="purpose")
    # the audit row commits with the read, or the read does not happen
    async with uow:
        person = await access.person(uow, query.person_id, action="read a person's personal data")
        await uow.people.record_reveal(person.person_id, reader, purpose=purpose)
        await uow.commit()
    return uow.personal_data.view(person, reveal=True)


async def find_people(query: commands.FindPeople, uow: RegistryUnitOfWork) -> list[PersonView]:
    """Exact lookup by phone or ID number through the blind index; the answers are masked."""
    auth.require_role(PEOPLE_SEARCHERS, action="find people by phone or ID number")
    if bool(query.phone.strip()) == bool(query.id_number.strip()):
        raise InvalidArgument("give exactly one of phone and id_number", field="phone", rule="one_of")
    blind_index = uow.personal_data.blind_index
    phone_index = blind_index(validate_mobile(query.phone)) if query.phone.strip() else None
    id_index = blind_index(validate_resident_id(query.id_number)) if query.id_number.strip() else None
    async with uow.reading():
        place = await access.jurisdiction(uow, query.jurisdiction_code, field="jurisdiction_code", action="find people")
        found = await uow.people.find(str(place.path), phone_index=phone_index, id_number_index=id_index)
    return [uow.personal_data.view(person, reveal=False) for person in found]
