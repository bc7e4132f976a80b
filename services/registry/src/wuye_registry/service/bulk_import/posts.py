"""Imported posts (A1): who works where — community and grid workers, the P2 reviewers, street and county
officers, 12345 operators, department inspectors, company staff.

A row names the holder by ``person_key`` within the county of the post's place (for company staff, the
company's place), so an owner imported earlier is found again. A registered person may leave name, phone
and ID number blank; what a row does give must match the register, because a person is corrected in the
owners' roster or in the console, never by a posts file (``same_person_same_details``). A person not
registered yet needs a name and the phone they will sign in with. City posts (city administrator, auditor,
the city's inspectors) are given in the console by the city administrator, not by a county's file. A post
the person already holds (same kind, place, company and department, not ended before the row's day) is left
as it is, so importing the same file again changes nothing; ending a post stays a console action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument, WuyeError
from wuye_chassis.ids import new_id
from wuye_chassis.pii import validate_mobile, validate_resident_id
from wuye_chassis.validation import optional_iso_date, optional_text, parse_choice, require_text
from wuye_registry.adapters.companies import CompanyRecord
from wuye_registry.adapters.import_files import SourceRow
from wuye_registry.adapters.people import PersonRecord
from wuye_registry.domain.events import PostAssigned
from wuye_registry.domain.places import JurisdictionLevel, parse_jurisdiction_path
from wuye_registry.domain.posts import Post, PostKind, new_post
from wuye_registry.service import access
from wuye_registry.service.bulk_import.people import person_id, refuse_taken_id_numbers
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember, nothing_to_remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: the file's column for a domain field named otherwise
COLUMN_OF_FIELD = {"kind": "post", "company_id": "company_uscc", "person_id": "person_key"}


@dataclass(frozen=True)
class _Details:
    """The person details a row gives (None where a cell is blank), phone and ID number sealed."""

    name: str | None
    person: PersonRecord

    def differences(self, registered: PersonRecord) -> list[str]:
        """The columns this row gives otherwise than ``registered``."""
        given = self.person.sealed
        stored = registered.sealed
        checks = (
            ("name", self.name, registered.name),
            ("phone", given.phone_index, stored.phone_index),
            ("id_number", given.id_number_index, stored.id_number_index),
        )
        return [column for column, value, known in checks if value is not None and value != known]


@dataclass(frozen=True)
class _WantedPost:
    row: SourceRow
    post: Post
    details: _Details


async def write(uow: RegistryUnitOfWork, batch: Batch, state: ImportState) -> Remember:
    usccs = {row.values["company_uscc"] for row in batch.rows if row.values["company_uscc"]}
    companies = await uow.bulk.companies_by_uscc(usccs)
    today = access.today()
    wanted: list[_WantedPost] = []
    for row in batch.rows:
        try:
            post = _post(row, state, companies, today)
            if state.first_time(batch, row, ("posts", *map(str, post.seat)), "post"):
                wanted.append(_WantedPost(row, post, _details(uow, row, post)))
        except WuyeError as error:
            batch.refuse(row, error, COLUMN_OF_FIELD)
    new_people = await _people(uow, batch, wanted)
    if batch.errors or not wanted:
        return nothing_to_remember
    await uow.bulk.upsert_people(new_people)
    held = await uow.bulk.posts_still_held(
        {want.post.person_id for want in wanted}, min(want.post.started_on for want in wanted)
    )
    given = [want.post for want in wanted if not want.post.already_given(held)]
    await uow.bulk.add_posts(given, assigned_by=auth.SYSTEM.user)
    for post in given:
        await uow.publish(PostAssigned(post))
    return nothing_to_remember


def _post(row: SourceRow, state: ImportState, companies: dict[str, CompanyRecord], today: dt.date) -> Post:
    """The post a row gives, checked by the domain (its kind held at its place's level, A1)."""
    values = row.values
    kind = parse_choice(PostKind, values["post"], field="post", rule="A1")
    company_id = ""
    if kind is PostKind.COMPANY_STAFF:
        if values["jurisdiction_code"]:
            raise InvalidArgument(
                "company staff hold their post where the company is registered: leave jurisdiction_code blank",
                field="jurisdiction_code", rule="A1",
            )
        uscc = require_text(values["company_uscc"], field="company_uscc")
        company = companies.get(uscc)
        if company is None:
            raise InvalidArgument(f"no company is registered with USCC {uscc}", field="company_uscc",
                                  rule="unknown_company")
        path, company_id, column = company.jurisdiction_path, company.company_id, "company_uscc"
    else:
        code = require_text(values["jurisdiction_code"], field="jurisdiction_code")
        known = state.paths.get(code)
        if known is None:
            raise InvalidArgument(f"jurisdiction {code} is neither registered nor in this import's jurisdictions",
                                  field="jurisdiction_code", rule="unknown_jurisdiction")
        path, column = known, "jurisdiction_code"
    level = JurisdictionLevel(parse_jurisdiction_path(path).level)
    if level is JurisdictionLevel.CITY:
        raise InvalidArgument("a city post is given in the console by the city administrator, not by a county's file",
                              field=column, rule="A1")
    return new_post(
        post_id=new_id(), person_id=person_id(path, require_text(values["person_key"], field="person_key")),
        kind=kind, level=level, jurisdiction_path=path,
        started_on=optional_iso_date(values["started_on"], field="started_on") or today,
        assigned_by=auth.SYSTEM.user, company_id=company_id, department=values["department"],
    )


def _details(uow: RegistryUnitOfWork, row: SourceRow, post: Post) -> _Details:
    values = row.values
    name = optional_text(values["name"], field="name")
    phone = validate_mobile(values["phone"]) if values["phone"] else None
    id_number = validate_resident_id(values["id_number"]) if values["id_number"] else None
    person = PersonRecord(
        person_id=post.person_id, name=name or "", jurisdiction_path=post.jurisdiction_path, is_party_member=False,
        sealed=uow.personal_data.seal(phone=phone, id_number=id_number),
    )
    return _Details(name, person)


async def _people(uow: RegistryUnitOfWork, batch: Batch, wanted: list[_WantedPost]) -> list[PersonRecord]:
    """The people to register for the batch; refuses a row whose details disagree with the register (or with
    an earlier row of a new person), a new person without name or phone, and an ID number someone else holds."""
    registered = await uow.bulk.people_by_id({want.post.person_id for want in wanted})
    new: dict[str, tuple[SourceRow, PersonRecord]] = {}
    for want in wanted:
        earlier = new.get(want.post.person_id)
        known = registered.get(want.post.person_id) or (earlier[1] if earlier else None)
        if known is None:
            missing = [column for column, value in (("name", want.details.name),
                                                   ("phone", want.details.person.sealed.phone_index)) if not value]
            if missing:
                batch.refuse(want.row, InvalidArgument(
                    f"person {want.row.values['person_key']} is not registered: give their {missing[0]}",
                    field=missing[0], rule="required",
                ), {})
                continue
            new[want.post.person_id] = (want.row, want.details.person)
            continue
        for column in want.details.differences(known):
            batch.refuse(want.row, InvalidArgument(
                f"person {want.row.values['person_key']} is registered with another {column}: correct a person in the "
                "owners' roster or the console, not in a posts file",
                field=column, rule="same_person_same_details",
            ), {})
    await refuse_taken_id_numbers(uow, batch, list(new.values()))
    return [person for _, person in new.values()]
