"""Who acts on a complaint (RULES.md A1, A4, A5) over real gRPC: a resident files as themselves for a
compound they own in, a case goes only to the company under contract or the case's own community, and
whoever it is dispatched to handles it, nobody in their place."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
import sqlalchemy as sa

from wuye.complaints.v1 import complaints_pb2 as api
from wuye_chassis.auth import AuthContext

from .conftest import (
    COMMUNITY,
    COMMUNITY_WORKER,
    COMPANY,
    COMPANY_STAFF,
    COMPOUND,
    COUNTY_OFFICER,
    GRID_WORKER,
    OPERATOR,
    RESIDENT,
    RIVAL_STAFF,
    STREET_OFFICER,
    Complaints,
    refused,
)

#: another owner of a unit in COMPOUND
NEIGHBOUR = AuthContext(
    user="resident-2", roles=frozenset({"resident"}), scope=COMMUNITY, post="resident", compounds=frozenset({COMPOUND})
)
OTHER_COMPOUND = "compound-xincheng"
RIVAL = "company-rival"


async def accepted(complaints: Complaints, who: AuthContext = RESIDENT, **submit: Any) -> api.Case:
    case = (await complaints.submit(who, **submit)).case
    answer = await complaints.stub.AcceptCase(
        api.AcceptCaseRequest(case_id=case.case_id), metadata=COMMUNITY_WORKER.to_metadata()
    )
    return answer.case


async def dispatch(complaints: Complaints, case_id: str, kind: int, assignee_id: str = "") -> api.DispatchCaseResponse:
    return await complaints.stub.DispatchCase(
        api.DispatchCaseRequest(case_id=case_id, assignee_kind=kind, assignee_id=assignee_id),
        metadata=COMMUNITY_WORKER.to_metadata(),
    )


# --- intake (A1): a resident files for their own compound, as themselves ---------------------------


async def test_A1_a_resident_files_for_a_compound_they_own_in_and_is_recorded_as_the_reporting_person(
    complaints: Complaints,
) -> None:
    case = (await complaints.submit(RESIDENT)).case
    assert case.reporter_person_id == "resident-1"
    assert case.reporters[0].phone == "138****5678"  # the contact is kept, encrypted, as before
    async with complaints.app.runtime.db.sessions() as session:
        stored = await session.scalar(
            sa.text("SELECT reporter_person_id FROM complaint_cases WHERE case_id = :id"), {"id": case.case_id}
        )
    assert stored == "resident-1"


@pytest.mark.parametrize("worker", [OPERATOR, GRID_WORKER, COMMUNITY_WORKER], ids=lambda who: who.user)
async def test_A1_workers_file_on_a_reporters_behalf_and_no_person_is_recorded(
    complaints: Complaints, worker: AuthContext
) -> None:
    case = (await complaints.submit(worker, channel=api.CHANNEL_HOTLINE_12345)).case
    assert case.reporter_person_id == "" and len(case.reporters) == 1


async def test_A5_a_resident_cannot_file_for_a_compound_they_own_nothing_in_and_nothing_changes(
    complaints: Complaints,
) -> None:
    await complaints.know_compound(OTHER_COMPOUND, COMMUNITY)  # same community: inside the resident's scope
    before = await complaints.footprint()
    status, error = await refused(complaints.submit(RESIDENT, compound_id=OTHER_COMPOUND))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "compound_id", "A5")
    assert await complaints.footprint() == before
    # the compound itself is fine: a 12345 operator files there on a reporter's behalf
    assert (await complaints.submit(OPERATOR, compound_id=OTHER_COMPOUND)).created


async def test_A1_a_resident_joins_only_a_case_of_a_compound_they_own_in(complaints: Complaints) -> None:
    await complaints.know_compound(OTHER_COMPOUND, COMMUNITY)
    elsewhere = (await complaints.submit(OPERATOR, compound_id=OTHER_COMPOUND)).case
    before = await complaints.footprint()
    joining = api.AddReporterRequest(case_id=elsewhere.case_id, reporter=api.Reporter(name="李四", phone="13900000001"))
    status, error = await refused(complaints.stub.AddReporter(joining, metadata=RESIDENT.to_metadata()))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "compound_id", "A5")
    assert await complaints.footprint() == before
    own = (await complaints.submit(OPERATOR)).case
    joined = await complaints.stub.AddReporter(
        api.AddReporterRequest(case_id=own.case_id, reporter=joining.reporter), metadata=RESIDENT.to_metadata()
    )
    assert len(joined.case.reporters) == 2


# --- reading (A5): a resident sees the cases they filed ---------------------------------------------


async def test_A5_a_resident_sees_only_the_cases_they_filed(complaints: Complaints) -> None:
    mine = (await complaints.submit(RESIDENT)).case
    theirs = (await complaints.submit(NEIGHBOUR, reporter=api.Reporter(name="李四", phone="13900000001"))).case
    await complaints.submit(OPERATOR)  # filed for someone by 12345: nobody's own case
    shown = await complaints.stub.GetCase(api.GetCaseRequest(case_id=mine.case_id), metadata=RESIDENT.to_metadata())
    assert shown.case.case_id == mine.case_id
    status, error = await refused(
        complaints.stub.GetCase(api.GetCaseRequest(case_id=theirs.case_id), metadata=RESIDENT.to_metadata())
    )
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "case_id", "A5")
    listed = await complaints.stub.ListCases(api.ListCasesRequest(), metadata=RESIDENT.to_metadata())
    assert [case.case_id for case in listed.cases] == [mine.case_id]
    everyone = await complaints.stub.ListCases(api.ListCasesRequest(), metadata=COMMUNITY_WORKER.to_metadata())
    assert len(everyone.cases) == 3


async def test_A1_A5_C5_the_reporting_resident_answers_the_callback_of_their_own_case_online(
    complaints: Complaints,
) -> None:
    mine = await complaints.resolved(who=RESIDENT)
    theirs = await complaints.resolved(who=NEIGHBOUR, reporter=api.Reporter(name="李四", phone="13900000001"))
    answer = api.RecordCallbackRequest(case_id=mine.case_id, valid=True, contacted=True, solved=True,
                                       satisfaction=api.SATISFACTION_BASICALLY_SATISFIED)
    before = await complaints.footprint()
    # not a neighbour's case, and never "unreachable" or "not contacted": answering is being reached
    status, error = await refused(complaints.stub.RecordCallback(
        api.RecordCallbackRequest(case_id=theirs.case_id, valid=True, contacted=True, solved=True,
                                  satisfaction=api.SATISFACTION_SATISFIED), metadata=RESIDENT.to_metadata()))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "case_id", "A5")
    for field, request in (("valid", api.RecordCallbackRequest(case_id=mine.case_id, valid=False, note="不接")),
                           ("contacted", api.RecordCallbackRequest(case_id=mine.case_id, valid=True, solved=True,
                                                                   satisfaction=api.SATISFACTION_SATISFIED))):
        status, error = await refused(complaints.stub.RecordCallback(request, metadata=RESIDENT.to_metadata()))
        assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, field, "C5")
    assert await complaints.footprint() == before

    answered = (await complaints.stub.RecordCallback(answer, metadata=RESIDENT.to_metadata())).case
    assert answered.state == api.CASE_STATE_CALLBACK
    assert [(c.actor_id, c.satisfaction) for c in answered.callbacks] == [
        (RESIDENT.user, api.SATISFACTION_BASICALLY_SATISFIED)]
    # the community closes it on the resident's answer (C2), as on one taken by telephone
    closed = await complaints.stub.CloseCase(api.CloseCaseRequest(case_id=mine.case_id),
                                             metadata=COMMUNITY_WORKER.to_metadata())
    assert closed.case.state == api.CASE_STATE_CLOSED and not closed.reopened


# --- dispatch (A4): the company under contract, or the case's own community ------------------------


async def test_A4_dispatch_goes_to_the_company_holding_the_compounds_contract(complaints: Complaints) -> None:
    case = await accepted(complaints)
    named = await dispatch(complaints, case.case_id, api.ASSIGNEE_KIND_COMPANY, COMPANY)
    assert named.case.assignee == api.Assignee(kind=api.ASSIGNEE_KIND_COMPANY, assignee_id=COMPANY)
    other = await accepted(complaints)
    default = await dispatch(complaints, other.case_id, api.ASSIGNEE_KIND_COMPANY)
    assert default.case.assignee.assignee_id == COMPANY


@pytest.mark.parametrize(
    ("kind", "assignee_id", "status"),
    [
        # a registered company with a contract elsewhere, but not for this compound
        (api.ASSIGNEE_KIND_COMPANY, RIVAL, grpc.StatusCode.INVALID_ARGUMENT),
        # no contract the registry announced names it
        (api.ASSIGNEE_KIND_COMPANY, "company-ghost", grpc.StatusCode.NOT_FOUND),
        # another community than the case's own
        (api.ASSIGNEE_KIND_COMMUNITY, "350521100002", grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
async def test_A4_dispatch_to_another_or_unknown_assignee_is_refused_naming_assignee_id_and_changes_nothing(
    complaints: Complaints, kind: int, assignee_id: str, status: grpc.StatusCode
) -> None:
    await complaints.know_compound(OTHER_COMPOUND, COMMUNITY, company_id=RIVAL)
    case = await accepted(complaints)
    before = await complaints.footprint()
    seen, error = await refused(dispatch(complaints, case.case_id, kind, assignee_id))
    assert (seen, error.field, error.rule) == (status, "assignee_id", "A4")
    assert await complaints.footprint() == before
    shown = await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=COUNTY_OFFICER.to_metadata())
    assert shown.case.state == api.CASE_STATE_ACCEPTED and not shown.case.HasField("assignee")


async def test_A4_a_compound_without_a_contract_is_dispatched_to_the_community_only(complaints: Complaints) -> None:
    await complaints.know_compound(OTHER_COMPOUND, COMMUNITY, company_id=None)
    case = await accepted(complaints, OPERATOR, compound_id=OTHER_COMPOUND)
    before = await complaints.footprint()
    for named in ("", COMPANY):
        status, error = await refused(dispatch(complaints, case.case_id, api.ASSIGNEE_KIND_COMPANY, named))
        assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "assignee_id", "A4")
    assert await complaints.footprint() == before
    answer = await dispatch(complaints, case.case_id, api.ASSIGNEE_KIND_COMMUNITY, "350521100001")
    assert answer.case.assignee.assignee_id == "350521100001"


# --- handling (A1): whoever the case is dispatched to, nobody in their place ------------------------

async def step(complaints: Complaints, name: str, case_id: str, who: AuthContext) -> api.Case:
    calls = {
        "send_back": lambda: complaints.stub.SendBackCase(
            api.SendBackCaseRequest(case_id=case_id, reason="不属于我方"), metadata=who.to_metadata()
        ),
        "start": lambda: complaints.stub.StartHandling(
            api.StartHandlingRequest(case_id=case_id), metadata=who.to_metadata()
        ),
        "resolve": lambda: complaints.stub.ResolveCase(
            api.ResolveCaseRequest(case_id=case_id, summary="已处理"), metadata=who.to_metadata()
        ),
        "reply": lambda: complaints.stub.ReplyToReporter(
            api.ReplyToReporterRequest(case_id=case_id, message="已处理完毕"), metadata=who.to_metadata()
        ),
    }
    return (await calls[name]()).case


async def test_A1_the_community_does_not_take_the_companys_steps_on_a_case_dispatched_to_it(
    complaints: Complaints,
) -> None:
    dispatched = await complaints.dispatched()
    started = await complaints.dispatched()
    await step(complaints, "start", started.case_id, COMPANY_STAFF)
    resolved = await complaints.dispatched()
    for name in ("start", "resolve"):
        await step(complaints, name, resolved.case_id, COMPANY_STAFF)
    before = await complaints.footprint()
    attempts = [
        ("send_back", dispatched), ("start", dispatched), ("send_back", started), ("resolve", started),
        ("reply", resolved),
    ]
    for name, case in attempts:
        for who in (COMMUNITY_WORKER, STREET_OFFICER, COUNTY_OFFICER):
            status, error = await refused(step(complaints, name, case.case_id, who))
            assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "post", "A1"), (name, who)
            assert f"needs the post company_staff of company {COMPANY}" in error.message
    assert await complaints.footprint() == before
    # the company's own staff take each step
    assert (await step(complaints, "send_back", dispatched.case_id, COMPANY_STAFF)).state == api.CASE_STATE_ACCEPTED
    assert (await step(complaints, "resolve", started.case_id, COMPANY_STAFF)).state == api.CASE_STATE_RESOLVED
    assert (await step(complaints, "reply", resolved.case_id, COMPANY_STAFF)).reply == "已处理完毕"


async def test_A1_a_rival_companys_staff_take_no_step_on_the_case(complaints: Complaints) -> None:
    case = await complaints.dispatched()
    before = await complaints.footprint()
    for name in ("start", "send_back"):
        status, error = await refused(step(complaints, name, case.case_id, RIVAL_STAFF))
        assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "case_id", "A1")
    status, error = await refused(complaints.stub.MarkCaseHard(
        api.MarkCaseHardRequest(case_id=case.case_id, note="太难"), metadata=RIVAL_STAFF.to_metadata()
    ))
    assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "A1")
    assert await complaints.footprint() == before


async def test_A1_the_community_handles_what_is_dispatched_to_it_and_no_company_does(complaints: Complaints) -> None:
    case = await accepted(complaints)
    await dispatch(complaints, case.case_id, api.ASSIGNEE_KIND_COMMUNITY)
    before = await complaints.footprint()
    for name in ("start", "send_back"):
        status, error = await refused(step(complaints, name, case.case_id, COMPANY_STAFF))
        assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "A1"), name
    assert await complaints.footprint() == before
    await step(complaints, "start", case.case_id, COMMUNITY_WORKER)
    await step(complaints, "resolve", case.case_id, COMMUNITY_WORKER)
    replied = await step(complaints, "reply", case.case_id, COMMUNITY_WORKER)
    assert replied.state == api.CASE_STATE_RESOLVED and replied.reply == "已处理完毕"
    assert [item.actor_id for item in replied.history][-3:] == ["cw-1", "cw-1", "cw-1"]


async def test_A5_numbers_typed_into_a_description_are_masked_for_all_but_those_who_work_the_case(
    complaints: Complaints,
) -> None:
    """Issue 19, finding 6: a phone number typed into the description was shown to every reader."""
    written = "漏水严重，请联系13812345678或身份证350521199001011234的业主"
    case = await complaints.dispatched(description=written)

    async def read_as(who: AuthContext) -> tuple[str, list[str]]:
        shown = await complaints.stub.GetCase(api.GetCaseRequest(case_id=case.case_id), metadata=who.to_metadata())
        listed = await complaints.stub.ListCases(api.ListCasesRequest(), metadata=who.to_metadata())
        return shown.case.description, [c.description for c in listed.cases if c.case_id == case.case_id]

    masked = "漏水严重，请联系138****5678或身份证350521********1234的业主"
    for reader in (COUNTY_OFFICER, STREET_OFFICER, GRID_WORKER):
        assert await read_as(reader) == (masked, [masked]), reader.roles
    for handler in (COMMUNITY_WORKER, OPERATOR, COMPANY_STAFF, RESIDENT):  # RESIDENT filed it
        assert await read_as(handler) == (written, [written]), handler.roles
    async with complaints.app.runtime.db.sessions() as session:
        stored = await session.scalar(sa.text("SELECT description FROM complaint_cases"))
    assert stored == written  # the record keeps what the reporter wrote
