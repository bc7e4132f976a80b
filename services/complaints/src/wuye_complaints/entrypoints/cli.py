"""``python -m wuye_complaints rebuild-figures``: recount the daily figure counters (C4/C5) from the
cases and callbacks, in one transaction. The counters follow every change the service makes; this is for
case rows restored or corrected outside it."""

from __future__ import annotations

import argparse
import asyncio

from wuye_chassis.app import ServiceDefinition
from wuye_chassis.cli import Command, as_platform
from wuye_complaints.service.figures import rebuild_figures
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork


def _configure(parser: argparse.ArgumentParser) -> None:
    """No arguments: every case of the service's database."""


def _run(definition: ServiceDefinition[ComplaintsUnitOfWork], args: argparse.Namespace) -> int:
    asyncio.run(as_platform(definition, rebuild_figures))
    print("figures recounted from the cases")
    return 0


REBUILD_FIGURES = Command(help="recount the daily figure counters from the cases", configure=_configure, run=_run)
