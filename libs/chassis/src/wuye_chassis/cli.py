"""The command line every service shares: ``python -m wuye_<service> serve|migrate``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

from wuye_chassis.app import ServiceApp, ServiceDefinition
from wuye_chassis.migrations import migrate
from wuye_chassis.telemetry import setup_json_logging


def run(build: Callable[[], ServiceDefinition], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Wuye service")
    parser.add_argument("command", choices=["serve", "migrate"], nargs="?", default="serve")
    args = parser.parse_args(argv)
    definition = build()
    if args.command == "migrate":
        setup_json_logging()
        migrate(definition.settings.database_url, definition.migrations)
        return
    asyncio.run(ServiceApp(definition).serve_until_signalled())
