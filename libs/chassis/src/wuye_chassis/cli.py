"""The command line every service shares: ``python -m wuye_<service> serve|migrate``.

A service may add commands of its own (the registry adds ``import``): each is a ``Command`` whose
``configure`` declares its arguments and whose ``run`` gets the service definition and the parsed
arguments and returns the process exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from wuye_chassis import auth
from wuye_chassis.app import ServiceApp, ServiceDefinition, ServiceRuntime
from wuye_chassis.migrations import migrate, migrate_async
from wuye_chassis.telemetry import setup_json_logging
from wuye_chassis.uow import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)
T = TypeVar("T")


@dataclass(frozen=True)
class Command(Generic[U]):
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[ServiceDefinition[U], argparse.Namespace], int]


def run(
    build: Callable[[], ServiceDefinition[U]],
    argv: list[str] | None = None,
    commands: Mapping[str, Command[U]] | None = None,
) -> None:
    commands = commands or {}
    parser = argparse.ArgumentParser(description="Wuye service")
    subcommands = parser.add_subparsers(dest="command")
    subcommands.add_parser("serve", help="run the service until SIGTERM/SIGINT (the default)")
    subcommands.add_parser("migrate", help="upgrade the database and exit")
    for name, command in commands.items():
        command.configure(subcommands.add_parser(name, help=command.help))
    args = parser.parse_args(argv)
    definition = build()
    if args.command in commands:
        sys.exit(commands[args.command].run(definition, args))
    if args.command == "migrate":
        setup_json_logging()
        migrate(definition.settings.database_url, definition.migrations)
        return
    asyncio.run(ServiceApp(definition).serve_until_signalled())


async def as_platform(definition: ServiceDefinition[U], work: Callable[[U], Awaitable[T]]) -> T:
    """Run one use case of a command: on a migrated database (when the service migrates at start), as the
    platform (the operator at the console acts for it), with the database closed afterwards."""
    settings = definition.settings
    if settings.migrate_on_start:
        await migrate_async(settings.database_url, definition.migrations)
    runtime = ServiceRuntime(definition)
    token = auth.bind(auth.SYSTEM)
    try:
        return await work(runtime.unit_of_work())
    finally:
        auth.reset(token)
        await runtime.db.dispose()
