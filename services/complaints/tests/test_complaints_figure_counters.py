"""The daily figure counters (C4, C5) against the cases themselves, on a real database.

Eighty cases live out seeded random stories step by step, each step its own transaction through the
service's repository as a request makes it: submitted around local midnights over two weeks, escalated,
closed satisfied or unsatisfied and reopened, called back again days later, some left open. Then every
figure the counters give for a place and period must be what the case rows give (the sum over the
categories, which the counters do not keep, so it is counted over the cases), and the counters kept step
by step must be the counters recounted from the rows (``rebuild-figures``).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import random

import sqlalchemy as sa

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.migrations import migrate_async
from wuye_chassis.periods import Period
from wuye_chassis.workdays import SHANGHAI
from wuye_complaints.adapters.cases import SealedContact
from wuye_complaints.adapters.figures import FigureScope
from wuye_complaints.adapters.orm import figures_daily_callbacks, figures_daily_closed, figures_daily_submitted
from wuye_complaints.domain.case import Case
from wuye_complaints.domain.escalation import escalate
from wuye_complaints.domain.vocabulary import AssigneeKind, CaseState, Channel, EscalationReason
from wuye_complaints.entrypoints.app import build
from wuye_complaints.service.figures import rebuild_figures
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork
from wuye_complaints.settings import ComplaintsSettings

COUNTY = "350500/350521"
STREETS = (f"{COUNTY}/350521100", f"{COUNTY}/350521101")
PLACES = (f"{STREETS[0]}/350521100001", f"{STREETS[0]}/350521100002", f"{STREETS[1]}/350521101001",
          "350500/350524/350524100/350524100001")
CATEGORIES = ("lifts", "noise", "drain_blockage", "fire_equipment")
#: local midnight of the first day the stories may start on
FIRST_DAY = dt.datetime(2026, 3, 2, tzinfo=SHANGHAI)
DAYS = 16
COUNTERS = (figures_daily_submitted, figures_daily_closed, figures_daily_callbacks)


def _start(rng: random.Random) -> dt.datetime:
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS - 4))
    # a third of the stories start on a minute either side of a local midnight
    return day + rng.choice([dt.timedelta(minutes=rng.randrange(24 * 60)), dt.timedelta(minutes=-1), dt.timedelta()])


async def _step(uow: ComplaintsUnitOfWork, case_id: str, change) -> None:
    async with uow:
        case = await uow.cases.get(case_id)
        assert case is not None
        change(case)
        await uow.cases.save(case)
        await uow.commit()


async def _live_out(runtime: ServiceRuntime, rng: random.Random, number: int) -> None:
    uow = runtime.unit_of_work()
    calendar = uow.calendar
    moment = _start(rng)
    case, _ = Case.submit(
        case_id=f"case-{number:03d}", compound_id=f"compound-{number % 7}", jurisdiction_path=rng.choice(PLACES),
        category=uow.catalogue.get(rng.choice(CATEGORIES)), channel=Channel.HOTLINE_12345, reporter_id="reporter-1",
        description="电梯停了", now=moment, actor_id="operator-1", calendar=calendar,
    )
    async with uow:
        await uow.cases.add(case, {"reporter-1": SealedContact("reporter-1", b"name", b"phone")})
        await uow.commit()

    def later() -> dt.datetime:
        nonlocal moment
        moment += rng.choice([dt.timedelta(minutes=rng.randrange(1, 90)), dt.timedelta(hours=rng.randrange(5, 60))])
        return moment

    if rng.random() < 0.1:
        return  # never accepted
    await _step(uow, case.case_id, lambda c: c.accept(now=later(), actor_id="community-worker"))
    company = rng.choice(["company-1", "company-2"])
    await _step(uow, case.case_id, lambda c: c.dispatch(
        now=later(), actor_id="community-worker", assignee_kind=AssigneeKind.COMPANY, assignee_id=company,
        calendar=calendar))
    for _round in range(3):
        if rng.random() < 0.25:
            await _step(uow, case.case_id, lambda c: escalate(
                c, now=later(), actor_id="street-officer", reason=EscalationReason.MARKED_HARD, note="疑难",
                calendar=calendar) if c.tier.above is not None else None)
        if rng.random() < 0.1:
            return  # still being handled
        await _step(uow, case.case_id, lambda c: c.start_handling(now=later(), actor_id="company-staff"))
        await _step(uow, case.case_id, lambda c: c.resolve(now=later(), actor_id="company-staff", summary="修好了"))
        await _step(uow, case.case_id, lambda c: c.reply_to_reporter(now=later(), actor_id="cw", message="已修复"))
        satisfaction = rng.choice(["satisfied", "basically_satisfied", "unsatisfied", "unsatisfied", "no answer"])
        if satisfaction == "no answer":  # an invalid callback (C5), after which the case closes
            await _step(uow, case.case_id, lambda c: c.record_callback(
                now=later(), actor_id="callback-1", valid=False, note="电话无人接听"))
        else:
            await _step(uow, case.case_id, lambda c, answer=satisfaction: c.record_callback(
                now=later(), actor_id="callback-1", valid=True, contacted=rng.random() < 0.9,
                solved=rng.random() < 0.8, satisfaction=answer))
        if rng.random() < 0.1:
            return  # called back, not closed yet
        await _step(uow, case.case_id, lambda c: c.close(now=later(), actor_id="community-worker", calendar=calendar))
        if satisfaction != "unsatisfied":
            return


async def _figures(uow: ComplaintsUnitOfWork, scope: FigureScope) -> tuple[object, ...]:
    closed = await uow.figures.closed(scope)
    return (await uow.figures.submitted(scope), closed.by_tier, closed.overdue, closed.handled,
            closed.handling_working_days, await uow.figures.callbacks(scope))


def _sum(parts: list[tuple[object, ...]]) -> tuple[object, ...]:
    """The figures of several categories added up, as the figures of them all."""
    submitted, by_tier, overdue, handled, days = 0, {}, 0, 0, 0
    callbacks = None
    for part_submitted, part_tiers, part_overdue, part_handled, part_days, part_callbacks in parts:
        submitted, overdue, handled, days = (submitted + part_submitted, overdue + part_overdue,
                                             handled + part_handled, days + part_days)
        for tier, count in part_tiers.items():
            by_tier[tier] = by_tier.get(tier, 0) + count
        callbacks = part_callbacks if callbacks is None else type(part_callbacks)(
            *(a + b for a, b in zip(vars(callbacks).values(), vars(part_callbacks).values(), strict=True)))
    return submitted, by_tier, overdue, handled, days, callbacks


async def _counters(uow: ComplaintsUnitOfWork) -> dict[str, set[tuple[object, ...]]]:
    async with uow.reading():
        return {table.name: {tuple(row) for row in (await uow.session.execute(sa.select(table))).all()
                             if any(row[len(table.primary_key.columns):])} for table in COUNTERS}


async def test_C4_C5_the_daily_counters_give_the_figures_the_case_rows_give(database_url: str) -> None:
    definition = build(ComplaintsSettings(database_url=database_url, pii_key=base64.b64encode(os.urandom(32)).decode()))
    await migrate_async(database_url, definition.migrations)
    runtime = ServiceRuntime(definition)
    token = auth.bind(auth.SYSTEM)
    try:
        rng = random.Random(20261206)
        for number in range(80):
            await _live_out(runtime, rng, number)
        uow = runtime.unit_of_work()
        async with uow.reading():
            states = {CaseState(state) for (state,) in (await uow.session.execute(sa.text(
                "SELECT DISTINCT state FROM complaint_cases"))).all()}
            reopened = await uow.session.scalar(sa.text("SELECT count(*) FROM complaint_cases WHERE reopen_count > 0"))
        assert {CaseState.CLOSED, CaseState.SUBMITTED}.issubset(states) and len(states) >= 4 and reopened >= 5

        periods = [Period(FIRST_DAY.date(), FIRST_DAY.date() + dt.timedelta(days=DAYS + 10))]
        for _ in range(40):
            first = FIRST_DAY.date() + dt.timedelta(days=rng.randrange(DAYS))
            periods.append(Period(first, first + dt.timedelta(days=rng.randrange(6))))
        compared = 0
        async with uow.reading():
            for period in periods:
                for path in (COUNTY, *STREETS, *PLACES):
                    scope = FigureScope(JurisdictionPath.parse(path), period, category=None, company_id=None)
                    counted = await _figures(uow, scope)
                    by_category = [await _figures(uow, FigureScope(scope.path, period, category, None))
                                   for category in CATEGORIES]
                    assert counted == _sum(by_category), (path, period)
                    compared += counted[0] > 0
        assert compared > 100  # the comparisons were of figures, not of empty periods

        kept = await _counters(uow)
        await rebuild_figures(runtime.unit_of_work())
        assert await _counters(uow) == kept
    finally:
        auth.reset(token)
        await runtime.db.dispose()
