"""Handlers for who acts (A1): party membership, posts, and the person a login stands for."""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from wuye_chassis.ids import new_id
from wuye_chassis.pii import validate_mobile
from wuye_chassis.validation import optional_iso_date, parse_choice, require_text
from wuye_registry.adapters.committees import CommitteeSeat
from wuye_registry.adapters.people import PersonRecord, PersonView
from wuye_registry.adapters.places import OwnedUnitRecord
from wuye_registry.domain import commands
from wuye_registry.domain.events import PartyMembershipChanged, PostAssigned, PostEnded
from wuye_registry.domain.party import check_membership_day
from wuye_registry.domain.places import JurisdictionLevel
from wuye_registry.domain.posts import Post, PostKind, check_appointer, new_post
from wuye_registry.service import access, jurisdictions
from wuye_registry.service.access import REGISTRY_KEEPERS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: who gives and ends posts, over the post's jurisdiction
POST_APPOINTERS = ("city_admin", "county_officer", "street_officer")
#: how a login was bound to its person
BOUND_BY_VERIFIED_PHONE = "verified_phone"


@dataclass(frozen=True)
class ResolvedActor:
    person: PersonView
    posts: list[Post]
    units: list[OwnedUnitRecord]
    committee_seats: list[CommitteeSeat]
    newly_bound: bool


async def set_party_membership(command: commands.SetPartyMembership, uow: RegistryUnitOfWork) -> PersonView:
    auth.require_role(REGISTRY_KEEPERS, action="record a party membership")
    since = optional_iso_date(command.since, field="since") or access.today()
    check_membership_day(since, access.today(), field="since")
    async with uow:
        person = await access.person(uow, command.person_id, action="record a party membership")
        await uow.people.set_party_membership(person.person_id, is_party_member=command.is_party_member, since=since)
        await uow.publish(
            PartyMembershipChanged(person.person_id, person.jurisdiction_path, command.is_party_member, since)
        )
        changed = await uow.people.get(person.person_id)
        await uow.commit()
    assert changed is not None
    return uow.personal_data.view(changed, reveal=False)


async def assign_post(command: commands.AssignPost, uow: RegistryUnitOfWork) -> Post:
    appointer = auth.require_role(POST_APPOINTERS, action="give a post")
    kind = parse_choice(PostKind, command.kind, field="kind", rule="A1")
    started_on = optional_iso_date(command.started_on, field="started_on") or access.today()
    async with uow:
        person = await access.person(uow, command.person_id, action="give a post to a person")
        if kind is PostKind.COMPANY_STAFF:
            if command.jurisdiction_code.strip():
                raise InvalidArgument(
                    "company staff hold their post where the company is registered: leave jurisdiction_code empty",
                    field="jurisdiction_code", rule="A1",
                )
            company = await access.company(uow, command.company_id, action="give a company staff post")
            place = await uow.jurisdictions.get(company.jurisdiction_path.rsplit("/", 1)[-1])
        else:
            place = await access.jurisdiction(uow, command.jurisdiction_code, field="jurisdiction_code",
                                              action="give a post")
        assert place is not None
        path = str(place.path)
        check_appointer(kind, path, appointer_scope=appointer.scope, appointer_is_city_admin=appointer.has_role(
            "city_admin", auth.SYSTEM_ROLE))
        post = new_post(
            post_id=new_id(), person_id=person.person_id, kind=kind, level=place.level, jurisdiction_path=path,
            started_on=started_on, assigned_by=appointer.user, company_id=command.company_id.strip(),
            department=command.department.strip(),
        )
        if await uow.posts.holds_open(post):
            raise AlreadyExists(f"the person already holds this {kind.value} post", field="kind", rule="A1")
        await uow.posts.add(post, assigned_by=appointer.user)
        await uow.publish(PostAssigned(post))
        await uow.commit()
    return post


async def end_post(command: commands.EndPost, uow: RegistryUnitOfWork) -> Post:
    auth.require_role(POST_APPOINTERS, action="end a post")
    last_day = optional_iso_date(command.ended_on, field="ended_on") or access.today()
    async with uow:
        wanted = require_text(command.post_id, field="post_id", max_length=36)
        current = await uow.posts.get(wanted)
        if current is None:
            raise NotFound(f"post {wanted} does not exist", field="post_id")
        auth.require_access(current.jurisdiction_path, action="end a post")
        ended = current.end(last_day)
        await uow.posts.save_end(ended)
        await uow.publish(PostEnded(ended))
        await uow.commit()
    return ended


async def list_posts(query: commands.ListPosts, uow: RegistryUnitOfWork) -> list[Post]:
    """A person's open posts (the person themselves, or a caller whose scope holds the person), or the open
    posts at and below a jurisdiction in the caller's scope."""
    if bool(query.person_id.strip()) == bool(query.jurisdiction_code.strip()):
        raise InvalidArgument("give exactly one of person_id and jurisdiction_code", field="person_id",
                              rule="one_of")
    day = optional_iso_date(query.on, field="on") or access.today()
    async with uow.reading():
        if query.jurisdiction_code.strip():
            place = await access.jurisdiction(uow, query.jurisdiction_code, field="jurisdiction_code",
                                              action="list posts")
            return await uow.posts.open_posts_in(str(place.path), day)
        caller = auth.current()
        if caller.user != query.person_id:
            await access.person(uow, query.person_id, action="list a person's posts")
        return await uow.posts.open_posts_of(query.person_id, day)


async def resolve_actor(query: commands.ResolveActor, uow: RegistryUnitOfWork) -> ResolvedActor:
    """The person a login stands for (binding it on first sign-in by the verified phone), with the posts
    they hold today, the units they own and the committee seats they hold today. Only the gateway (the system
    role) asks."""
    if not auth.current().has_role(auth.SYSTEM_ROLE):
        raise PermissionDenied("only the gateway resolves logins", rule="A1")
    subject = require_text(query.subject, field="subject", max_length=400)
    # a bound login (every call but the first) is read without the write lock
    async with uow.reading():
        person_id = await uow.logins.person_of(subject)
        if person_id is not None:
            return await _actor(uow, person_id, newly_bound=False)
    async with uow:
        person_id = await _bind(uow, subject, query.verified_phone)
        resolved = await _actor(uow, person_id, newly_bound=True)
        await uow.commit()
    return resolved


async def _actor(uow: RegistryUnitOfWork, person_id: str, *, newly_bound: bool) -> ResolvedActor:
    person = await uow.people.get(person_id)
    assert person is not None
    held = await uow.posts.open_posts_of(person_id, access.today())
    units = await uow.places.owned_units(person_id)
    seats = await uow.committees.seats_of(person_id, access.today())
    return ResolvedActor(uow.personal_data.view(person, reveal=False), held, units, seats, newly_bound)


async def _bind(uow: RegistryUnitOfWork, subject: str, verified_phone: str) -> str:
    if not verified_phone.strip():
        raise Unauthenticated("this login is not bound to a registered person and brings no verified phone",
                              field="subject", rule="A1")
    phone = validate_mobile(verified_phone, field="verified_phone")
    matches = await uow.people.with_phone(uow.personal_data.blind_index(phone))
    if len(matches) != 1:
        found = "no registered person has" if not matches else "more than one registered person has"
        raise Unauthenticated(f"{found} this verified phone: the community must register or correct it first",
                              field="verified_phone", rule="A1")
    return await uow.logins.bind(subject, matches[0], bound_by=BOUND_BY_VERIFIED_PHONE)


@dataclass(frozen=True)
class BootstrappedAdmin:
    person_id: str
    #: False when the city already had this administrator (a re-run changes nothing)
    created: bool


async def bootstrap_city_admin(command: commands.BootstrapCityAdmin, uow: RegistryUnitOfWork) -> BootstrappedAdmin:
    """An operator's first step on a new deployment (the system acts): the city and its first administrator,
    who signs in with the phone given and appoints everyone else. Running it again changes nothing."""
    if not auth.current().has_role(auth.SYSTEM_ROLE):
        raise PermissionDenied("only the operator's bootstrap command creates the first administrator", rule="A1")
    try:
        await jurisdictions.register_jurisdiction(
            commands.RegisterJurisdiction(parent_code="", code=command.city_code, name=command.city_name), uow
        )
    except AlreadyExists:
        pass
    name = require_text(command.name, field="name")
    sealed = uow.personal_data.seal(phone=validate_mobile(command.phone), id_number=None)
    async with uow:
        city = await access.jurisdiction(uow, command.city_code, field="city_code", action="bootstrap the city")
        if city.level is not JurisdictionLevel.CITY:
            raise InvalidArgument(f"{command.city_code} is not a city", field="city_code", rule="A1")
        path = str(city.path)
        assert sealed.phone_index is not None
        known = await uow.people.with_phone(sealed.phone_index)
        if len(known) > 1:
            raise AlreadyExists("more than one person has this phone: correct the register first", field="phone")
        person_id = known[0] if known else new_id()
        if not known:
            await uow.people.add(PersonRecord(person_id, name, path, False, sealed))
        held = await uow.posts.open_posts_of(person_id, access.today())
        if any(post.kind is PostKind.CITY_ADMIN and post.jurisdiction_path == path for post in held):
            return BootstrappedAdmin(person_id, created=False)
        post = new_post(post_id=new_id(), person_id=person_id, kind=PostKind.CITY_ADMIN, level=city.level,
                        jurisdiction_path=path, started_on=access.today(), assigned_by=auth.SYSTEM.user)
        await uow.posts.add(post, assigned_by=auth.SYSTEM.user)
        await uow.publish(PostAssigned(post))
        await uow.commit()
    return BootstrappedAdmin(person_id, created=True)
