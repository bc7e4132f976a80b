"""The people an import names: keyed by ``person_key`` within their county, details validated and sealed.

A person's id is derived from the county and the key alone, so the same key finds the same person in this
import and every later one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.pii import validate_mobile, validate_resident_id
from wuye_chassis.validation import optional_iso_date, require_text
from wuye_registry.adapters.import_files import SourceRow
from wuye_registry.adapters.people import PersonRecord
from wuye_registry.domain.party import check_membership_day
from wuye_registry.service import access
from wuye_registry.service.bulk_import.state import Batch
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: the namespace of people's ids derived from (county path, person_key)
PEOPLE_NAMESPACE = uuid.UUID("6f1f3c52-3d5e-4c1b-9a57-0b8e2a6d4e11")


def person_id(jurisdiction_path: str, person_key: str) -> str:
    """The same id for the same person_key in the same county (the first two codes of the path)."""
    county = "/".join(jurisdiction_path.split("/")[:2])
    return str(uuid.uuid5(PEOPLE_NAMESPACE, f"{county}/{person_key}"))


def sealed_person(uow: RegistryUnitOfWork, row: SourceRow, jurisdiction_path: str) -> PersonRecord:
    """The person a row names: name required, phone and ID number validated and sealed."""
    values = row.values
    name = require_text(values["name"], field="name")
    phone = validate_mobile(values["phone"]) if values["phone"] else None
    id_number = validate_resident_id(values["id_number"]) if values["id_number"] else None
    return PersonRecord(
        person_id=person_id(jurisdiction_path, require_text(values["person_key"], field="person_key")),
        name=name,
        # where the person was first met; an import never moves a person
        jurisdiction_path=jurisdiction_path,
        is_party_member=False,
        sealed=uow.personal_data.seal(phone=phone, id_number=id_number),
    )


def party_member_since(row: SourceRow) -> dt.date | None:
    """The day an owner row says the person joined the party, or None when the cell is blank (O3)."""
    since = optional_iso_date(row.values["party_member_since"], field="party_member_since")
    if since is not None:
        check_membership_day(since, access.today(), field="party_member_since")
    return since


async def refuse_taken_id_numbers(
    uow: RegistryUnitOfWork, batch: Batch, named: Sequence[tuple[SourceRow, PersonRecord]]
) -> None:
    """One ID number, one person: refuse the row naming a person whose ID number another person holds."""
    indexes = [person.sealed.id_number_index for _, person in named if person.sealed.id_number_index]
    holders = await uow.bulk.people_holding_id_numbers(indexes)
    for row, person in named:
        index = person.sealed.id_number_index
        if index is not None and holders.setdefault(index, person.person_id) != person.person_id:
            taken = InvalidArgument(
                f"another person already holds the ID number of person {row.values['person_key']}",
                field="id_number",
                rule="unique_id_number",
            )
            batch.refuse(row, taken, {})
