"""The O7 handlers: the failures found in a compound, the coverage figures and the compounds needing service."""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_registry.adapters.places import CompoundRecord
from wuye_registry.domain import commands
from wuye_registry.domain.service_coverage import FourFailure, ServiceCoverage, needs_service, parse_four_failures
from wuye_registry.service import access
from wuye_registry.service.access import REGISTRY_KEEPERS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


@dataclass(frozen=True)
class CompoundNeed:
    compound: CompoundRecord
    four_failures: frozenset[FourFailure]

    @property
    def needs_service(self) -> bool:
        return needs_service(self.compound.management_mode, self.four_failures)


async def set_four_failures(command: commands.SetFourFailures, uow: RegistryUnitOfWork) -> CompoundNeed:
    caller = auth.require_role(REGISTRY_KEEPERS, action="record a compound's failures")
    failures = parse_four_failures(command.four_failures)
    async with uow:
        compound = await access.compound(uow, command.compound_id, action="record a compound's failures")
        await uow.service_coverage.set_failures(compound.compound_id, failures, set_by=caller.user)
        await uow.commit()
    return CompoundNeed(compound, failures)


async def get_service_coverage(
    query: commands.GetServiceCoverage, uow: RegistryUnitOfWork
) -> tuple[str, ServiceCoverage]:
    """The jurisdiction's path and its compounds by who serves them, as they stand."""
    async with uow.reading():
        place = await access.jurisdiction(uow, query.jurisdiction_code, field="jurisdiction_code",
                                          action="read service coverage")
        return str(place.path), await uow.service_coverage.counts(str(place.path))


async def list_compounds_needing_service(
    query: commands.ListCompoundsNeedingService, uow: RegistryUnitOfWork
) -> list[CompoundNeed]:
    async with uow.reading():
        place = await access.jurisdiction(uow, query.jurisdiction_code, field="jurisdiction_code",
                                          action="list the compounds needing service")
        found = await uow.service_coverage.needing_service(str(place.path), after=query.after, limit=query.limit)
    return [CompoundNeed(compound, failures) for compound, failures in found]
