"""Use cases for the jurisdiction hierarchy."""

from __future__ import annotations

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import events_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, InvalidArgument, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.uow import UnitOfWork
from wuye_registry.adapters import jurisdictions as repository

#: roles that may add places to the hierarchy (inside their own scope)
REGISTRARS = ("city_admin", "county_officer")
MAX_NAME_LENGTH = 200


async def register_jurisdiction(uow: UnitOfWork, *, parent_code: str, code: str, name: str) -> common_pb2.Jurisdiction:
    name = name.strip()
    if not name:
        raise InvalidArgument("name must not be empty", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidArgument(f"name must be at most {MAX_NAME_LENGTH} characters", field="name")
    auth.require_role(REGISTRARS, action="register a jurisdiction")
    async with uow:
        if parent_code:
            parent = await repository.get(uow.session, parent_code)
            if parent is None:
                raise NotFound(f"parent jurisdiction {parent_code} does not exist", field="parent_code")
            path = JurisdictionPath.parse(f"{parent['path']}/{code}", field="code")
        else:
            path = JurisdictionPath.parse(code, field="code")
        auth.require_access(str(path), action="register a jurisdiction")
        if await repository.get(uow.session, path.code) is not None:
            raise AlreadyExists(f"jurisdiction {path.code} already exists", field="code")
        jurisdiction = common_pb2.Jurisdiction(
            code=path.code,
            name=name,
            level=common_pb2.JurisdictionLevel.Value(f"JURISDICTION_LEVEL_{path.level.upper()}"),
            path=str(path),
            parent_code=parent_code,
        )
        await repository.add(uow.session, jurisdiction)
        await uow.publish(events_pb2.JurisdictionRegistered(jurisdiction=jurisdiction), aggregate_id=path.code)
        await uow.commit()
    return jurisdiction
