"""The command line every service shares: ``python -m wuye_<service> serve|migrate``.

A service may add commands of its own (the registry adds ``import``): each is a ``Command`` whose
``configure`` declares its arguments and whose ``run`` gets the service definition and the parsed
arguments and returns the process exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from wuye_chassis.app import ServiceApp, ServiceDefinition
from wuye_chassis.migrations import migrate
from wuye_chassis.telemetry import setup_json_logging
from wuye_chassis.uow import UnitOfWork

U = TypeVar("U", bound=UnitOfWork)


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
