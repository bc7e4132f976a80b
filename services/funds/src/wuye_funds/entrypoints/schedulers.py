"""The disclosure-overdue reporter (P3): each round finds every compound's overdue disclosures and
reports each in its own unit of work, so one that fails does not hold back the others, and one reported
before is not reported again."""

from __future__ import annotations

import datetime as dt

from wuye_chassis.app import ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_chassis.db import utcnow
from wuye_funds.domain import commands
from wuye_funds.service import disclosure_schedule
from wuye_funds.service.unit_of_work import FundsUnitOfWork
from wuye_funds.settings import FundsSettings


async def report_overdue(runtime: ServiceRuntime[FundsUnitOfWork], *, now: dt.datetime | None = None) -> int:
    """One round; returns how many overdue disclosures it reported."""
    found = await disclosure_schedule.find_overdue_disclosures(
        commands.FindOverdueDisclosures(now or utcnow()), runtime.unit_of_work()
    )
    reported = 0
    for item in found:
        reported += await disclosure_schedule.report_overdue_disclosure(
            commands.ReportOverdueDisclosure(item), runtime.unit_of_work()
        )
    return reported


def disclosure_overdue(runtime: ServiceRuntime[FundsUnitOfWork], settings: FundsSettings) -> PeriodicTask:
    return PeriodicTask(
        "funds-disclosure-overdue", settings.disclosure_overdue_interval_seconds, lambda: report_overdue(runtime)
    )
