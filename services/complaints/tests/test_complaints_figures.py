"""Figures (C4, C5) and mediation (C7) over real gRPC."""

from __future__ import annotations

import datetime as dt

import grpc
import sqlalchemy as sa

from wuye.complaints.v1 import complaints_pb2 as api
from wuye_chassis import auth
from wuye_chassis.workdays import SHANGHAI
from wuye_complaints.adapters.orm import case_callbacks, cases
from wuye_complaints.service.figures import rebuild_figures

from .conftest import (
    COMMUNITY_WORKER,
    COMPANY,
    COMPANY_STAFF,
    COMPOUND,
    COUNTY_OFFICER,
    HUIAN,
    RESIDENT,
    Complaints,
    refused,
)


def today() -> str:
    return dt.datetime.now(SHANGHAI).date().isoformat()


async def figures(complaints: Complaints, **request: str) -> api.GetComplaintFiguresResponse:
    values = {"jurisdiction_path": HUIAN, "start_date": today(), "end_date": today(), **request}
    return await complaints.stub.GetComplaintFigures(
        api.GetComplaintFiguresRequest(**values), metadata=COUNTY_OFFICER.to_metadata()
    )


async def test_C5_figures_for_a_county(complaints: Complaints) -> None:
    await complaints.closed(satisfaction=api.SATISFACTION_SATISFIED)
    await complaints.closed(satisfaction=api.SATISFACTION_BASICALLY_SATISFIED)
    await complaints.submit()  # still open
    answer = await figures(complaints)
    assert (answer.submitted, answer.closed, answer.closed_overdue, answer.valid_callbacks) == (3, 2, 0, 2)
    assert (answer.response_rate.numerator, answer.response_rate.denominator) == (1, 1)
    # (1 + 0.9 × 1) ÷ 2 = 19/20
    assert (answer.satisfaction_rate.numerator, answer.satisfaction_rate.denominator) == (19, 20)
    assert answer.satisfaction_rate.percent == "95.0%"  # beside the exact value, as a person reads it
    assert [(share.tier, share.closed) for share in answer.tier_split] == [
        (api.TIER_COMMUNITY, 2), (api.TIER_STREET, 0), (api.TIER_COUNTY, 0),
    ]
    assert answer.meets_tier_target
    assert answer.average_handling_working_days.numerator == 0
    assert not answer.HasField("year_on_year_change")  # no cases a year ago: no baseline


async def test_C5_year_on_year_change_and_filters_by_category_and_company(complaints: Complaints) -> None:
    await complaints.closed()
    await complaints.submit(category="noise")
    async with complaints.app.runtime.db.sessions() as session, session.begin():
        # four cases filed on this day last year
        last_year = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
        await session.execute(sa.update(cases).values(submitted_at=last_year).where(cases.c.category == "noise"))
        await session.execute(
            cases.insert(),
            [
                {**row, "case_id": f"old-{n}", "ticket_no": f"{row['ticket_no']}-copy{n}"}
                for n, row in enumerate(
                    [dict((await session.execute(sa.select(cases).where(cases.c.category == "noise"))).mappings().one())] * 3
                )
            ],
        )
    # rows written behind the service's back: counted again as an operator does (rebuild-figures)
    token = auth.bind(auth.SYSTEM)
    try:
        await rebuild_figures(complaints.app.runtime.unit_of_work())
    finally:
        auth.reset(token)
    answer = await figures(complaints)
    assert (answer.submitted, answer.submitted_last_year) == (1, 4)
    assert (answer.year_on_year_change.numerator, answer.year_on_year_change.denominator) == (-3, 4)
    assert answer.year_on_year_change.percent == "-75.0%"
    assert answer.meets_year_on_year_target
    assert (await figures(complaints, category="noise")).submitted == 0
    assert (await figures(complaints, company_id=COMPANY)).closed == 1
    assert (await figures(complaints, company_id="company-other")).closed == 0


async def test_C5_figures_need_an_officer_in_scope_and_a_valid_period(complaints: Complaints) -> None:
    status, _ = await refused(
        complaints.stub.GetComplaintFigures(
            api.GetComplaintFiguresRequest(jurisdiction_path=HUIAN, start_date=today(), end_date=today()),
            metadata=RESIDENT.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(figures(complaints, end_date="2020-01-01"))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "end_date"


async def test_C5_a_case_unsatisfied_reopened_then_satisfied_counts_once_by_its_final_callback(
    complaints: Complaints,
) -> None:
    reopened = await complaints.closed(satisfaction=api.SATISFACTION_UNSATISFIED)
    staff, worker = COMPANY_STAFF.to_metadata(), COMMUNITY_WORKER.to_metadata()
    case_id = reopened.case.case_id
    await complaints.stub.StartHandling(api.StartHandlingRequest(case_id=case_id), metadata=staff)
    await complaints.stub.ResolveCase(api.ResolveCaseRequest(case_id=case_id, summary="换了电机"), metadata=staff)
    await complaints.stub.ReplyToReporter(api.ReplyToReporterRequest(case_id=case_id, message="已修复"), metadata=staff)
    await complaints.stub.RecordCallback(
        api.RecordCallbackRequest(case_id=case_id, valid=True, contacted=True, solved=True,
                                  satisfaction=api.SATISFACTION_SATISFIED),
        metadata=worker,
    )
    assert not (await complaints.stub.CloseCase(api.CloseCaseRequest(case_id=case_id), metadata=worker)).reopened
    answer = await figures(complaints)
    assert (answer.valid_callbacks, answer.satisfied) == (1, 1)
    assert (answer.satisfaction_rate.numerator, answer.satisfaction_rate.denominator) == (1, 1)


async def test_C5_callbacks_count_where_they_happened(complaints: Complaints) -> None:
    await complaints.closed()
    async with complaints.app.runtime.db.sessions() as session:
        path = await session.scalar(sa.select(case_callbacks.c.jurisdiction_path))
    assert path.startswith(HUIAN)
    assert (await figures(complaints, jurisdiction_path=f"{HUIAN}/350521200")).valid_callbacks == 0


async def test_C7_failed_mediation_is_referred_to_court_once(complaints: Complaints) -> None:
    worker = COMMUNITY_WORKER.to_metadata()
    opened = await complaints.stub.OpenMediation(
        api.OpenMediationRequest(
            compound_id=COMPOUND,
            mediator_id="mediator-1",
            parties=[
                api.Party(party_id="owner-1", kind=api.PARTY_KIND_OWNER, role=api.PARTY_ROLE_APPLICANT),
                api.Party(party_id=COMPANY, kind=api.PARTY_KIND_COMPANY, role=api.PARTY_ROLE_RESPONDENT),
            ],
        ),
        metadata=worker,
    )
    mediation_id = opened.mediation.mediation_id
    status, error = await refused(
        complaints.stub.ReferMediationToCourt(
            api.ReferMediationToCourtRequest(mediation_id=mediation_id, court_id="court-huian"), metadata=worker
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "C7"
    await complaints.stub.RecordMediationOutcome(
        api.RecordMediationOutcomeRequest(mediation_id=mediation_id, outcome=api.MEDIATION_OUTCOME_FAILED, note="未达成"),
        metadata=worker,
    )
    referred = await complaints.stub.ReferMediationToCourt(
        api.ReferMediationToCourtRequest(mediation_id=mediation_id, court_id="court-huian"), metadata=worker
    )
    assert referred.mediation.court_id == "court-huian"
    again = await complaints.stub.GetMediation(
        api.GetMediationRequest(mediation_id=mediation_id), metadata=COUNTY_OFFICER.to_metadata()
    )
    assert again.mediation.outcome == api.MEDIATION_OUTCOME_FAILED and len(again.mediation.parties) == 2


async def test_C7_mediator_cannot_be_a_party_and_nothing_is_stored(complaints: Complaints) -> None:
    before = await complaints.footprint()
    status, error = await refused(
        complaints.stub.OpenMediation(
            api.OpenMediationRequest(
                compound_id=COMPOUND,
                mediator_id="owner-1",
                parties=[
                    api.Party(party_id="owner-1", kind=api.PARTY_KIND_OWNER, role=api.PARTY_ROLE_APPLICANT),
                    api.Party(party_id=COMPANY, kind=api.PARTY_KIND_COMPANY, role=api.PARTY_ROLE_RESPONDENT),
                ],
            ),
            metadata=COMMUNITY_WORKER.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "mediator_id"
    assert await complaints.footprint() == before
