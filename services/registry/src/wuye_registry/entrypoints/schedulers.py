"""The O2 sweep: each round finds the property management committees overdue for dissolution and not
flagged yet, and flags and announces each in its own unit of work, so one that fails does not hold back
the others."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from wuye_chassis.app import ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_registry.domain import commands
from wuye_registry.service import committees
from wuye_registry.service.access import today
from wuye_registry.service.unit_of_work import RegistryUnitOfWork
from wuye_registry.settings import RegistrySettings

log = logging.getLogger(__name__)


async def flag_overdue_management_committees(
    unit_of_work: Callable[[], RegistryUnitOfWork], *, as_of: dt.date | None = None
) -> int:
    """One round of the sweep on ``as_of`` (today when None); returns how many committees it flagged."""
    day = as_of or today()
    due = await committees.find_management_committees_to_flag(
        commands.FindManagementCommitteesToFlag(day), unit_of_work()
    )
    flagged = 0
    for committee_id in due:
        command = commands.FlagOverdueManagementCommittee(committee_id, day)
        flagged += await committees.flag_overdue_management_committee(command, unit_of_work())
    if flagged:
        log.info("flagged %d property management committee(s) overdue for dissolution (O2)", flagged)
    return flagged


def pmc_dissolution(runtime: ServiceRuntime[RegistryUnitOfWork], settings: RegistrySettings) -> PeriodicTask:
    return PeriodicTask(
        "registry-pmc-dissolution",
        settings.pmc_dissolution_sweep_seconds,
        lambda: flag_overdue_management_committees(runtime.unit_of_work),
    )
