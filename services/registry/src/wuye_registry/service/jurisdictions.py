"""Handlers for the jurisdiction hierarchy: city → county → street → community."""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, InvalidArgument, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_registry.domain import commands
from wuye_registry.domain.events import JurisdictionRegistered
from wuye_registry.domain.places import Jurisdiction
from wuye_registry.service.unit_of_work import RegistryUnitOfWork

#: roles that may add places to the hierarchy (inside their own scope)
REGISTRARS = ("city_admin", "county_officer")
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class JurisdictionListing:
    """The listed jurisdictions the caller may see, and how many rows were read before that filter
    (so the caller can tell whether another page follows)."""

    jurisdictions: list[Jurisdiction]
    read: int


async def register_jurisdiction(command: commands.RegisterJurisdiction, uow: RegistryUnitOfWork) -> Jurisdiction:
    name = command.name.strip()
    if not name:
        raise InvalidArgument("name must not be empty", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidArgument(f"name must be at most {MAX_NAME_LENGTH} characters", field="name")
    auth.require_role(REGISTRARS, action="register a jurisdiction")
    async with uow:
        if command.parent_code:
            parent = await uow.jurisdictions.get(command.parent_code)
            if parent is None:
                raise NotFound(f"parent jurisdiction {command.parent_code} does not exist", field="parent_code")
            path = JurisdictionPath.parse(f"{parent.path}/{command.code}", field="code")
        else:
            path = JurisdictionPath.parse(command.code, field="code")
        auth.require_access(str(path), action="register a jurisdiction")
        if await uow.jurisdictions.get(path.code) is not None:
            raise AlreadyExists(f"jurisdiction {path.code} already exists", field="code")
        jurisdiction = Jurisdiction(path=path, name=name)
        await uow.jurisdictions.add(jurisdiction)
        await uow.publish(JurisdictionRegistered(jurisdiction))
        await uow.commit()
    return jurisdiction


async def get_jurisdiction(query: commands.GetJurisdiction, uow: RegistryUnitOfWork) -> Jurisdiction:
    if not query.code:
        raise InvalidArgument("code must not be empty", field="code")
    async with uow.reading():
        found = await uow.jurisdictions.get(query.code)
    if found is None:
        raise NotFound(f"jurisdiction {query.code} does not exist", field="code")
    auth.require_access(str(found.path), action="read a jurisdiction")
    return found


async def list_jurisdictions(query: commands.ListJurisdictions, uow: RegistryUnitOfWork) -> JurisdictionListing:
    """The children of a jurisdiction in code order; the cities when no parent is named, only those the
    caller may see."""
    async with uow.reading():
        if query.parent_code:
            parent = await uow.jurisdictions.get(query.parent_code)
            if parent is None:
                raise NotFound(f"jurisdiction {query.parent_code} does not exist", field="parent_code")
            auth.require_access(str(parent.path), action="list jurisdictions")
        found = await uow.jurisdictions.children(query.parent_code or None, after=query.after, limit=query.limit)
    caller = auth.current()
    visible = found if query.parent_code else [city for city in found if caller.can_access(str(city.path))]
    return JurisdictionListing(visible, len(found))
