"""``python -m wuye_registry bootstrap-admin --city-code C --city-name N --name N --phone P``.

The operator's first step on a new deployment: the city and its first administrator (RULES.md A1), who signs
in with that phone and appoints everyone else through the API. Writes straight into the registry's database;
the running service's outbox relay publishes the events. Running it again changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio

from wuye_chassis import auth
from wuye_chassis.app import ServiceDefinition, ServiceRuntime
from wuye_chassis.cli import Command
from wuye_chassis.errors import WuyeError
from wuye_chassis.migrations import migrate_async
from wuye_registry.domain import commands
from wuye_registry.service.posts import BootstrappedAdmin, bootstrap_city_admin
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--city-code", required=True, help="the city's six-digit division code, e.g. 350500")
    parser.add_argument("--city-name", required=True, help="e.g. 泉州市")
    parser.add_argument("--name", required=True, help="the administrator's name")
    parser.add_argument("--phone", required=True, help="the mobile number their identity provider verifies")


def _run(definition: ServiceDefinition[RegistryUnitOfWork], args: argparse.Namespace) -> int:
    command = commands.BootstrapCityAdmin(args.city_code, args.city_name, args.name, args.phone)
    try:
        done = asyncio.run(_bootstrap(definition, command))
    except WuyeError as error:
        print(f"bootstrap-admin: {error.message} ({error.field})")
        return 2
    print(f"city admin {done.person_id} {'appointed' if done.created else 'already appointed'}")
    return 0


async def _bootstrap(
    definition: ServiceDefinition[RegistryUnitOfWork], command: commands.BootstrapCityAdmin
) -> BootstrappedAdmin:
    if definition.settings.migrate_on_start:
        await migrate_async(definition.settings.database_url, definition.migrations)
    runtime = ServiceRuntime(definition)
    bound = auth.bind(auth.SYSTEM)
    try:
        return await bootstrap_city_admin(command, runtime.unit_of_work())
    finally:
        auth.reset(bound)
        await runtime.db.dispose()


BOOTSTRAP_ADMIN = Command(help="create the city and its first administrator", configure=_configure, run=_run)
