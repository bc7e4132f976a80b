"""P3 disclosure timing, overdue reports and third-party audits over real gRPC, a real database and NATS."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    COMMUNITY,
    COUNTY_OFFICER,
    Funds,
    refused,
)
from tests.support import run_at_once_on_both
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.background import PeriodicTask
from wuye_chassis.db import utcnow
from wuye_funds.adapters.gauges import overdue_disclosures_gauge
from wuye_funds.domain.disclosure_schedule import Subject, add_months
from wuye_funds.entrypoints.app import build
from wuye_funds.entrypoints.schedulers import report_overdue

COUNTY = "350500/350521"
INCOME = funds_pb2.DISCLOSURE_SUBJECT_COMMON_INCOME
MAINTENANCE = funds_pb2.DISCLOSURE_SUBJECT_MAINTENANCE_FUND


def stamp(moment: dt.datetime) -> Timestamp:
    answer = Timestamp()
    answer.FromDatetime(moment)
    return answer


async def other_compound(funds: Funds) -> str:
    """桃源居, in the neighbouring community of the same street."""
    return await funds.registry.place("TYJ", "桃源居", community=f"{COMMUNITY[:-1]}2")


async def with_income_and_fund(funds: Funds, compound_id: str = "") -> None:
    """A compound with a maintenance fund account and common-parts income, both started now (凤凰城), or
    common-parts income only (another compound)."""
    compound_id = compound_id or funds.compound
    if compound_id == funds.compound:
        await funds.open_account({"h-101": ("b1", 10_000)})
    await funds.call(
        "RecordCommonIncome",
        funds_pb2.RecordCommonIncomeRequest(compound_id=compound_id, source="parking", amount_fen=50_000),
        COUNTY_OFFICER,
    )


async def overdue(funds: Funds, as_of: dt.datetime, who=COUNTY_OFFICER) -> list[tuple[str, int]]:
    answer = await funds.call(
        "ListOverdueDisclosures",
        funds_pb2.ListOverdueDisclosuresRequest(jurisdiction_path=COUNTY, as_of=stamp(as_of)),
        who,
    )
    return [(item.compound_id, item.subject) for item in answer.overdue]


async def publish(funds: Funds, period: str, posting_days: int = 0) -> funds_pb2.Disclosure:
    request = funds_pb2.PublishDisclosureRequest(compound_id=funds.compound, period=period, posting_days=posting_days)
    return (await funds.call("PublishDisclosure", request)).disclosure


async def test_P3_income_is_due_quarterly_and_the_maintenance_fund_every_six_months(funds: Funds) -> None:
    start = utcnow()
    await with_income_and_fund(funds)
    assert await overdue(funds, add_months(start, 3)) == []
    assert await overdue(funds, add_months(start, 3) + dt.timedelta(days=2)) == [(funds.compound, INCOME)]
    assert await overdue(funds, add_months(start, 6) + dt.timedelta(days=2)) == [
        (funds.compound, INCOME), (funds.compound, MAINTENANCE),
    ]
    published = await publish(funds, "2026-Q4")
    later = add_months(published.published_at.ToDatetime(tzinfo=dt.UTC), 3)
    listed = await funds.call(
        "ListOverdueDisclosures",
        funds_pb2.ListOverdueDisclosuresRequest(jurisdiction_path=COUNTY, as_of=stamp(later + dt.timedelta(seconds=1))),
        COUNTY_OFFICER,
    )
    [item] = listed.overdue
    assert (item.subject, item.period_months, item.jurisdiction_path) == (INCOME, 3, COMMUNITY)
    assert item.last_published_at == published.published_at and item.due_at == stamp(later)
    assert await overdue(funds, later) == []  # exactly at the due moment it is not yet overdue


async def test_P3_a_disclosure_is_posted_for_at_least_15_days(funds: Funds) -> None:
    await with_income_and_fund(funds)
    default = await publish(funds, "2026-Q3")
    span = default.posted_until.ToDatetime() - default.published_at.ToDatetime()
    assert span == dt.timedelta(days=15)
    longer = await publish(funds, "2026-Q4", posting_days=30)
    assert longer.posted_until.ToDatetime() - longer.published_at.ToDatetime() == dt.timedelta(days=30)
    before = await funds.counts("disclosures")
    status, error = await refused(publish(funds, "2027-Q1", posting_days=14))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and (error.field, error.rule) == ("posting_days", "P3")
    assert await funds.counts("disclosures") == before


async def test_P3_overdue_disclosure_reported_once(funds: Funds) -> None:
    start = utcnow()
    await with_income_and_fund(funds)
    first_round = add_months(start, 3) + dt.timedelta(days=2)
    assert await report_overdue(funds.app.runtime, now=first_round) == 1
    assert await report_overdue(funds.app.runtime, now=first_round + dt.timedelta(days=1)) == 0
    [event] = await funds.events(events_pb2.DisclosureOverdue)
    assert (event.overdue.compound_id, event.overdue.subject) == (funds.compound, INCOME)
    # six months on the maintenance fund is also due: reported once more, for that subject only
    half_year = add_months(start, 6) + dt.timedelta(days=2)
    assert await report_overdue(funds.app.runtime, now=half_year) == 1
    assert await report_overdue(funds.app.runtime, now=half_year) == 0
    events = await funds.events(events_pb2.DisclosureOverdue)
    assert [item.overdue.subject for item in events] == [INCOME, MAINTENANCE]
    assert await funds.count("disclosure_overdue_notices") == 2


async def test_P3_the_overdue_disclosures_gauge_counts_compounds_per_subject_zero_included(funds: Funds) -> None:
    """Issue 16: ops see overdue disclosures grow (wuye_business, gauge="overdue_disclosures")."""
    start = utcnow()
    await with_income_and_fund(funds)
    months = {Subject.COMMON_INCOME: 3, Subject.MAINTENANCE_FUND: 6}

    async def sampled(at: dt.datetime) -> dict[str, float]:
        gauge = overdue_disclosures_gauge(months, clock=lambda: at)
        async with funds.app.runtime.db.reads() as session:
            return {labels["subject"]: value for labels, value in await gauge.sample(session)}

    assert await sampled(start) == {"common_income": 0.0, "maintenance_fund": 0.0}
    assert await sampled(add_months(start, 4)) == {"common_income": 1.0, "maintenance_fund": 0.0}
    assert await sampled(add_months(start, 7)) == {"common_income": 1.0, "maintenance_fund": 1.0}


def test_P3_the_overdue_report_runs_as_a_background_task() -> None:
    definition = build()
    tasks = [task for task in definition.background(ServiceRuntime(definition)) if isinstance(task, PeriodicTask)]
    assert [task.name for task in tasks] == ["funds-disclosure-overdue"]
    assert tasks[0].interval_seconds == 3600.0


async def test_P3_overdue_reads_are_scoped(funds: Funds) -> None:
    await with_income_and_fund(funds)
    status, error = await refused(overdue(funds, utcnow(), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"


async def test_P3_audit_coverage_counts_compounds_with_common_income_audited_in_the_period(funds: Funds) -> None:
    await with_income_and_fund(funds)
    taoyuan = await other_compound(funds)
    await with_income_and_fund(funds, taoyuan)
    recorded = await funds.call(
        "RecordAudit",
        funds_pb2.RecordAuditRequest(
            compound_id=funds.compound, period="2026", auditor="泉州某会计师事务所",
            findings=[funds_pb2.AuditFinding(text="停车收入未按月入账", amount_fen=12_000)],
        ),
    )
    assert recorded.audit.findings[0].amount_fen == 12_000 and recorded.audit.jurisdiction_path == COMMUNITY
    [event] = await funds.events(events_pb2.AuditRecorded)
    assert event.audit == recorded.audit

    async def coverage(period: str = "2026") -> funds_pb2.GetAuditCoverageResponse:
        request = funds_pb2.GetAuditCoverageRequest(jurisdiction_path=COUNTY, period=period)
        return await funds.call("GetAuditCoverage", request, COUNTY_OFFICER)

    half = await coverage()
    assert (half.compounds, half.audited, half.meets_target) == (2, 1, False)
    assert (half.coverage.numerator, half.coverage.denominator) == (1, 2)
    assert list(half.unaudited_compound_ids) == [taoyuan]
    assert (await coverage("2025")).audited == 0
    await funds.call(
        "RecordAudit",
        funds_pb2.RecordAuditRequest(compound_id=taoyuan, period="2026", auditor="第三方审计机构"),
        COUNTY_OFFICER,
    )
    full = await coverage()
    assert (full.audited, full.meets_target, full.coverage.numerator, full.coverage.denominator) == (2, True, 1, 1)
    status, error = await refused(funds.call(
        "GetAuditCoverage", funds_pb2.GetAuditCoverageRequest(jurisdiction_path=COUNTY, period="2026"), ANXI_OFFICER
    ))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (dict(period="2026", auditor=" "), "auditor"),
        (dict(period="", auditor="审计所"), "period"),
        (dict(period="2026", auditor="审计所", findings=[funds_pb2.AuditFinding(text="")]), "findings.text"),
        (dict(period="2026", auditor="审计所", findings=[funds_pb2.AuditFinding(text="x", amount_fen=-1)]),
         "findings.amount_fen"),
    ],
    ids=["no auditor", "no period", "empty finding", "negative amount"],
)
async def test_P3_bad_audit_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, fields: dict, field: str
) -> None:
    await with_income_and_fund(funds)
    before = await funds.counts("audits")
    status, error = await refused(funds.call("RecordAudit", funds_pb2.RecordAuditRequest(compound_id=funds.compound, **fields)))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == field
    assert await funds.counts("audits") == before


async def test_P3_two_replicas_reporting_at_once_report_each_overdue_disclosure_once(
    funds: Funds, database_url: str, start_service
) -> None:
    """Replicas share the database and each runs the report: the one that comes second skips the report
    row the first wrote, without an error (one DisclosureOverdue, not two)."""
    settings = funds.app.definition.settings
    replica = await start_service(build(settings.model_copy(update={"grpc_port": 0})))
    assert replica.runtime is not funds.app.runtime and settings.database_url == database_url
    start = utcnow()
    await with_income_and_fund(funds)
    due = add_months(start, 3) + dt.timedelta(days=2)
    reported = await run_at_once_on_both(funds.app.runtime, replica.runtime,
                                         lambda runtime: report_overdue(runtime, now=due))
    assert reported == [0, 0, 0, 1]
    assert len(await funds.events(events_pb2.DisclosureOverdue)) == 1
    assert await funds.count("disclosure_overdue_notices") == 1
