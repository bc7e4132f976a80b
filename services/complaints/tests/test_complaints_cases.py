"""Complaint cases over real gRPC: intake, the C2 lifecycle, C3 clocks, C4 escalation, C6, reporters' data."""

from __future__ import annotations

import base64
import datetime as dt
import os

import grpc
import pytest
import sqlalchemy as sa

from tests.support import eventually, run_at_once_on_both
from wuye.common.v1 import common_pb2
from wuye.complaints.v1 import complaints_pb2 as api
from wuye.complaints.v1 import complaints_pb2_grpc
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.workdays import SHANGHAI
from wuye_complaints.adapters.cases import DENSE_PLACE
from wuye_complaints.adapters.orm import cases
from wuye_complaints.domain import commands
from wuye_complaints.entrypoints.app import build
from wuye_complaints.service.cases import escalate_overdue_case
from wuye_complaints.settings import ComplaintsSettings

from .conftest import (
    ANXI_OFFICER,
    COMMUNITY,
    COMMUNITY_WORKER,
    COMPANY,
    COMPANY_STAFF,
    COMPOUND,
    COUNTY_OFFICER,
    HUIAN,
    OPERATOR,
    OTHER_COMMUNITY,
    RESIDENT,
    RIVAL_STAFF,
    Complaints,
    refused,
)


async def test_C2_walks_a_case_from_submission_to_closed_and_announces_each_step(complaints: Complaints) -> None:
    answer = await complaints.closed()
    case = answer.case
    assert case.state == api.CASE_STATE_CLOSED and not answer.reopened
    assert case.assignee.assignee_id == COMPANY  # the compound's current company, from the registry
    assert [item.action for item in case.history] == [
        "submit", "accept", "dispatch", "start_handling", "resolve", "reply", "record_callback", "close",
    ]
    assert await complaints.event_types() == [
        "ComplaintSubmitted", "ComplaintAccepted", "ComplaintDispatched", "ComplaintResolved",
        "ComplaintCallbackRecorded", "ComplaintClosed",
    ]


async def test_C2_unsatisfied_callback_reopens_the_case_with_the_same_handler(complaints: Complaints) -> None:
    answer = await complaints.closed(satisfaction=api.SATISFACTION_UNSATISFIED)
    assert answer.reopened
    assert answer.case.state == api.CASE_STATE_DISPATCHED and answer.case.reopen_count == 1
    assert answer.case.assignee.assignee_id == COMPANY
    assert (await complaints.event_types())[-2:] == ["ComplaintClosed", "ComplaintReopened"]


async def test_C2_callback_on_open_case_refused_and_nothing_changes(complaints: Complaints) -> None:
    case = await complaints.dispatched()
    before = await complaints.footprint()
    status, error = await refused(
        complaints.stub.RecordCallback(
            api.RecordCallbackRequest(
                case_id=case.case_id, valid=True, contacted=True, solved=True, satisfaction=api.SATISFACTION_SATISFIED
            ),
            metadata=COMMUNITY_WORKER.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION
    assert error.field == "state" and error.rule == "C2"
    assert error.metadata["current_state"] == "dispatched"
    assert await complaints.footprint() == before


async def test_C2_no_close_without_a_reply_to_the_reporter(complaints: Complaints) -> None:
    case = await complaints.dispatched()
    staff = COMPANY_STAFF.to_metadata()
    await complaints.stub.StartHandling(api.StartHandlingRequest(case_id=case.case_id), metadata=staff)
    await complaints.stub.ResolveCase(api.ResolveCaseRequest(case_id=case.case_id, summary="已修复"), metadata=staff)
    await complaints.stub.RecordCallback(
        api.RecordCallbackRequest(case_id=case.case_id, valid=False, note="电话无人接听"),
        metadata=COMMUNITY_WORKER.to_metadata(),
    )
    before = await complaints.footprint()
    status, error = await refused(
        complaints.stub.CloseCase(api.CloseCaseRequest(case_id=case.case_id), metadata=COMMUNITY_WORKER.to_metadata())
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "reply"
    assert await complaints.footprint() == before


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"compound_id": "compound-unknown"}, "compound_id", grpc.StatusCode.NOT_FOUND),
        ({"category": "ghosts"}, "category", grpc.StatusCode.INVALID_ARGUMENT),
        ({"description": "   "}, "description", grpc.StatusCode.INVALID_ARGUMENT),
        ({"channel": api.CHANNEL_UNSPECIFIED}, "channel", grpc.StatusCode.INVALID_ARGUMENT),
        ({"reporter": api.Reporter(name="张三", phone="call me")}, "reporter.phone", grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
async def test_bad_intake_is_refused_naming_the_field_and_changes_nothing(
    complaints: Complaints, change: dict[str, object], field: str, status: grpc.StatusCode
) -> None:
    before = await complaints.footprint()
    seen, error = await refused(complaints.submit(**change))
    assert seen == status and error.field == field
    assert await complaints.footprint() == before


async def test_partner_push_same_external_id_creates_one_case(complaints: Complaints) -> None:
    first = await complaints.submit(OPERATOR, channel=api.CHANNEL_HOTLINE_12345, external_id="12345-2026-000001")
    again = await complaints.submit(
        OPERATOR, channel=api.CHANNEL_HOTLINE_12345, external_id="12345-2026-000001", description="重复推送"
    )
    assert first.created and not again.created
    assert again.case.case_id == first.case.case_id and again.case.description == first.case.description
    assert await complaints.count("complaint_cases") == 1
    assert await complaints.event_types() == ["ComplaintSubmitted"]


async def test_cases_get_human_ticket_numbers_per_county_and_day_and_a_refusal_uses_none(
    complaints: Complaints,
) -> None:
    day = dt.datetime.now(SHANGHAI).strftime("%Y%m%d")
    first = await complaints.submit()
    await refused(complaints.submit(category="no-such-category"))
    second = await complaints.submit(category="cleaning")
    assert first.case.ticket_no == f"350521-{day}-00001"
    assert second.case.ticket_no == f"350521-{day}-00002"  # the refused intake gave its number back
    shown = await complaints.stub.GetCase(
        api.GetCaseRequest(case_id=second.case.case_id), metadata=COUNTY_OFFICER.to_metadata()
    )
    assert shown.case.ticket_no == second.case.ticket_no


async def test_C3_clock_starts_at_dispatch_and_survives_send_back_over_grpc(complaints: Complaints) -> None:
    submitted = (await complaints.submit()).case
    assert not submitted.HasField("resolve_due_at")
    case = await complaints.dispatched()
    due = case.resolve_due_at.ToDatetime()
    sent_back = await complaints.stub.SendBackCase(
        api.SendBackCaseRequest(case_id=case.case_id, reason="不属于物业服务范围"), metadata=COMPANY_STAFF.to_metadata()
    )
    assert sent_back.case.state == api.CASE_STATE_ACCEPTED
    again = await complaints.stub.DispatchCase(
        api.DispatchCaseRequest(case_id=case.case_id, assignee_kind=api.ASSIGNEE_KIND_COMMUNITY),
        metadata=COMMUNITY_WORKER.to_metadata(),
    )
    assert again.case.resolve_due_at.ToDatetime() == due
    assert again.case.assignee.assignee_id == "350521100001"  # the case's own community
    assert due > case.first_dispatched_at.ToDatetime() + dt.timedelta(days=4)


async def test_C4_mark_hard_moves_the_case_up_a_tier_with_who_and_why(complaints: Complaints) -> None:
    case = await complaints.dispatched()
    answer = await complaints.stub.MarkCaseHard(
        api.MarkCaseHardRequest(case_id=case.case_id, note="涉及多部门"), metadata=COMMUNITY_WORKER.to_metadata()
    )
    assert answer.case.tier == api.TIER_STREET
    [escalation] = answer.case.escalations
    assert (escalation.actor_id, escalation.reason, escalation.note) == (
        "cw-1", api.ESCALATION_REASON_MARKED_HARD, "涉及多部门"
    )
    assert (await complaints.event_types())[-1] == "ComplaintEscalated"


async def test_C4_scheduler_escalates_overdue_case(complaints: Complaints) -> None:
    case = await complaints.dispatched()
    async with complaints.app.runtime.db.sessions() as session, session.begin():
        # the community's time ran out an hour ago
        past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        await session.execute(cases.update().where(cases.c.case_id == case.case_id).values(tier_due_at=past))

    async def escalated() -> api.Case | None:
        answer = await complaints.stub.GetCase(
            api.GetCaseRequest(case_id=case.case_id), metadata=COUNTY_OFFICER.to_metadata()
        )
        return answer.case if answer.case.tier == api.TIER_STREET else None

    moved = await eventually(escalated, timeout=10)
    [escalation] = moved.escalations
    assert escalation.actor_id == "system" and escalation.reason == api.ESCALATION_REASON_OVERDUE
    assert moved.tier_due_at.ToDatetime(dt.UTC) > dt.datetime.now(dt.UTC)  # a fresh window at the street
    assert (await complaints.event_types())[-1] == "ComplaintEscalated"


async def test_C4_two_replicas_escalating_at_once_move_an_overdue_case_up_one_tier_once(
    database_url: str, nats_server: EmbeddedNats, start_service
) -> None:
    """Replicas share the database and each runs the scheduler: the case row is locked, so the replica that
    comes second finds it escalated (a fresh window at the street) and does nothing."""
    settings = ComplaintsSettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0,
                                  escalation_interval_seconds=3600, pii_key=base64.b64encode(os.urandom(32)).decode())
    first, second = await start_service(build(settings)), await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{first.port}") as channel:
        complaints = Complaints(first, complaints_pb2_grpc.ComplaintsServiceStub(channel))
        await complaints.know_compound(COMPOUND, COMMUNITY)
        case = await complaints.dispatched()
        async with first.runtime.db.sessions() as session, session.begin():
            past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
            await session.execute(cases.update().where(cases.c.case_id == case.case_id).values(tier_due_at=past))
        moved = await run_at_once_on_both(first, second, lambda replica: escalate_overdue_case(
            commands.EscalateOverdueCase(case.case_id), replica.runtime.unit_of_work()))
        assert moved == [False, False, False, True]
        answer = await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id),
                                               metadata=COUNTY_OFFICER.to_metadata())
        assert answer.case.tier == api.TIER_STREET and len(answer.case.escalations) == 1
        assert (await complaints.event_types()).count("ComplaintEscalated") == 1


async def test_C6_duplicates_are_offered_and_the_fifth_reporter_makes_a_collective_complaint(
    complaints: Complaints,
) -> None:
    first = (await complaints.submit()).case
    second = await complaints.submit(reporter=api.Reporter(name="李四", phone="13900000001"))
    assert list(second.duplicate_candidate_ids) == [first.case_id]
    for n in range(2, 6):
        answer = await complaints.stub.AddReporter(
            api.AddReporterRequest(case_id=first.case_id, reporter=api.Reporter(name="邻居", phone=f"1390000000{n}")),
            metadata=COMMUNITY_WORKER.to_metadata(),
        )
    assert answer.case.collective and answer.case.tier == api.TIER_STREET
    assert len(answer.case.reporters) == 5


async def test_C6_four_calls_rejected_as_duplicates_join_the_first_and_make_it_collective(
    complaints: Complaints,
) -> None:
    """Five separate 12345 calls about one lift: the four later ones are rejected as duplicates of the first,
    their reporters join it, and the fifth reporter makes it a collective complaint one tier up."""
    worker = COMMUNITY_WORKER.to_metadata()
    first = (await complaints.submit(channel=api.CHANNEL_HOTLINE_12345)).case
    for n in range(1, 5):
        later = (await complaints.submit(
            channel=api.CHANNEL_HOTLINE_12345, reporter=api.Reporter(name="邻居", phone=f"1390000000{n}")
        )).case
        rejected = await complaints.stub.RejectCase(
            api.RejectCaseRequest(case_id=later.case_id, reason=api.REJECT_REASON_DUPLICATE,
                                  duplicate_of=first.case_id),
            metadata=worker,
        )
        assert rejected.case.state == api.CASE_STATE_REJECTED and rejected.case.duplicate_of == first.case_id
    original = (await complaints.stub.GetCase(api.GetCaseRequest(case_id=first.case_id), metadata=worker)).case
    assert len(original.reporters) == 5 and original.collective and original.tier == api.TIER_STREET
    assert [reporter.phone for reporter in original.reporters][1:] == [f"1390000000{n}" for n in range(1, 5)]
    assert (await complaints.event_types()).count("ComplaintEscalated") == 1


async def test_C6_a_duplicate_of_a_closed_or_unknown_case_or_another_compound_is_refused_and_changes_nothing(
    complaints: Complaints,
) -> None:
    worker = COMMUNITY_WORKER.to_metadata()
    closed = (await complaints.closed()).case
    await complaints.know_compound("compound-other", COMMUNITY)
    elsewhere = (await complaints.submit(OPERATOR, compound_id="compound-other")).case
    later = (await complaints.submit(reporter=api.Reporter(name="邻居", phone="13900000009"))).case
    before = await complaints.footprint()
    for original, code, field in (
        (closed.case_id, grpc.StatusCode.FAILED_PRECONDITION, "duplicate_of"),
        ("no-such-case", grpc.StatusCode.NOT_FOUND, "duplicate_of"),
        (elsewhere.case_id, grpc.StatusCode.INVALID_ARGUMENT, "duplicate_of"),
    ):
        status, error = await refused(complaints.stub.RejectCase(
            api.RejectCaseRequest(case_id=later.case_id, reason=api.REJECT_REASON_DUPLICATE, duplicate_of=original),
            metadata=worker,
        ))
        assert (status, error.field, error.rule) == (code, field, "C6")
    assert await complaints.footprint() == before


async def test_reporter_contact_is_encrypted_masked_for_most_roles_and_never_in_events(complaints: Complaints) -> None:
    case = (await complaints.submit()).case
    assert (case.reporters[0].name, case.reporters[0].phone, case.reporters[0].unmasked) == ("张**", "138****5678", False)
    worker = await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=COMMUNITY_WORKER.to_metadata())
    assert (worker.case.reporters[0].name, worker.case.reporters[0].phone) == ("张三丰", "13812345678")
    officer = await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=COUNTY_OFFICER.to_metadata())
    assert officer.case.reporters[0].phone == "138****5678"
    assert await complaints.count("personal_data_reads") == 1  # the community worker's read, audited
    async with complaints.app.runtime.db.sessions() as session:
        stored = (await session.execute(sa.text("SELECT name_encrypted, phone_encrypted FROM case_reporters"))).one()
        payloads = (await session.execute(sa.text("SELECT payload FROM outbox"))).scalars().all()
    assert b"13812345678" not in b"".join(stored) and "张三丰".encode() not in b"".join(stored)
    assert all(b"13812345678" not in payload and "张三丰".encode() not in payload for payload in payloads)


async def test_reads_and_changes_are_scoped_to_the_callers_jurisdiction(complaints: Complaints) -> None:
    case = (await complaints.submit()).case
    status, error = await refused(
        complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=ANXI_OFFICER.to_metadata())
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(
        complaints.stub.AcceptCase(api.AcceptCaseRequest(case_id=case.case_id), metadata=RESIDENT.to_metadata())
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    listed = await complaints.stub.ListCases(api.ListCasesRequest(), metadata=ANXI_OFFICER.to_metadata())
    assert list(listed.cases) == []


async def test_cases_are_listed_newest_first_page_by_page(complaints: Complaints) -> None:
    made = [(await complaints.submit(description=f"问题 {n}")).case.case_id for n in range(5)]
    seen: list[str] = []
    token = ""
    while True:
        answer = await complaints.stub.ListCases(
            api.ListCasesRequest(state=api.CASE_STATE_SUBMITTED, page={"page_size": 2, "page_token": token}),
            metadata=COUNTY_OFFICER.to_metadata(),
        )
        seen += [case.case_id for case in answer.cases]
        token = answer.page.next_page_token
        if not token:
            break
    assert seen == list(reversed(made))


async def test_C1_categories_list_the_ten_top_problems_first_with_both_labels(complaints: Complaints) -> None:
    answer = await complaints.stub.ListCategories(
        api.ListCategoriesRequest(), metadata=AuthContext(user="x", roles=frozenset({"resident"})).to_metadata()
    )
    assert [c.top_ten for c in answer.categories[:10]] == [True] * 10
    lifts = next(c for c in answer.categories if c.code == "lifts")
    assert (lifts.label_zh, lifts.label_en, lifts.resolve_working_days) == ("电梯故障", "Lift breakdowns", 5)


async def test_company_staff_see_and_handle_only_the_cases_dispatched_to_their_company(complaints: Complaints) -> None:
    case = await complaints.dispatched()
    rival = RIVAL_STAFF.to_metadata()
    status, error = await refused(
        complaints.stub.StartHandling(api.StartHandlingRequest(case_id=case.case_id), metadata=rival)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "A1"
    status, _ = await refused(complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=rival))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    listed = await complaints.stub.ListCases(api.ListCasesRequest(jurisdiction_path=HUIAN), metadata=rival)
    assert list(listed.cases) == []
    own = await complaints.stub.ListCases(
        api.ListCasesRequest(jurisdiction_path=HUIAN), metadata=COMPANY_STAFF.to_metadata()
    )
    assert [c.case_id for c in own.cases] == [case.case_id]
    started = await complaints.stub.StartHandling(
        api.StartHandlingRequest(case_id=case.case_id), metadata=COMPANY_STAFF.to_metadata()
    )
    assert started.case.state == api.CASE_STATE_IN_PROGRESS


async def test_a_replayed_intake_is_answered_alike_and_its_stored_answer_holds_no_readable_personal_data(
    complaints: Complaints,
) -> None:
    """Issue 19, finding 6: the idempotency store kept reporters' phone numbers in plaintext for 24 h."""
    request = api.SubmitComplaintRequest(
        compound_id=COMPOUND, category="lifts", channel=api.CHANNEL_MOBILE, description="3号楼电梯停运两天",
        reporter=api.Reporter(name="张三丰", phone="13812345678"),
    )
    metadata = RESIDENT.to_metadata() + [("idempotency-key", "intake-1")]
    first = await complaints.stub.SubmitComplaint(request, metadata=metadata)
    replayed = await complaints.stub.SubmitComplaint(request, metadata=metadata)
    assert replayed == first and await complaints.count("complaint_cases") == 1
    async with complaints.app.runtime.db.sessions() as session:
        [stored] = (await session.execute(sa.text("SELECT response FROM idempotency_keys"))).scalars().all()
    for readable in ("13812345678", "张三丰", "电梯停运", first.case.case_id):
        assert readable.encode() not in bytes(stored)


async def test_A5_a_page_of_a_place_with_thousands_of_cases_is_its_newest_cases_in_scope(complaints: Complaints) -> None:
    """A county holding more than ``DENSE_PLACE`` cases is paged newest-first along the primary key on SQLite
    (and as the planner likes on PostgreSQL): the page is still exactly the newest cases of the place,
    the next page follows on, and cases of other places never show."""
    places = (COMMUNITY, OTHER_COMMUNITY, "350500/350524/350524100/350524100001")
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    rows = [{
        "case_id": f"{n:08d}", "compound_id": COMPOUND, "jurisdiction_path": places[n % 3], "category": "lifts",
        "channel": "hotline_12345", "description": "电梯", "state": "submitted", "tier": "community",
        "submitted_at": start + dt.timedelta(minutes=n), "accept_due_at": start + dt.timedelta(days=1, minutes=n),
        "reopen_count": 0, "collective": False, "resolved_late": False,
    } for n in range(3 * 1_100)]
    async with complaints.app.runtime.db.sessions() as session, session.begin():
        await session.execute(cases.insert(), rows)
    in_county = sorted((row["case_id"] for row in rows if row["jurisdiction_path"].startswith(HUIAN)), reverse=True)
    assert len(in_county) > DENSE_PLACE
    officer = COUNTY_OFFICER.to_metadata()
    engine = complaints.app.runtime.db.engine.sync_engine
    statements: list[str] = []

    def seen(connection, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        first = await complaints.stub.ListCases(api.ListCasesRequest(
            jurisdiction_path=HUIAN, page=common_pb2.PageRequest(page_size=50)), metadata=officer)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert [case.case_id for case in first.cases] == in_county[:50]
    # on SQLite the county's page went along the primary key, not through the path index
    assert (engine.dialect.name == "sqlite") == any("+complaint_cases.jurisdiction_path" in sql for sql in statements)
    second = await complaints.stub.ListCases(api.ListCasesRequest(
        jurisdiction_path=HUIAN, page=common_pb2.PageRequest(page_size=50, page_token=first.page.next_page_token)),
        metadata=officer)
    assert [case.case_id for case in second.cases] == in_county[50:100]
    community = await complaints.stub.ListCases(api.ListCasesRequest(
        jurisdiction_path=OTHER_COMMUNITY, page=common_pb2.PageRequest(page_size=50)), metadata=officer)
    assert [case.case_id for case in community.cases] == [
        row["case_id"] for row in reversed(rows) if row["jurisdiction_path"] == OTHER_COMMUNITY][:50]
