"""Hotline analysis (H1) and a compound's service list (H2) over real gRPC and a real database."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
import sqlalchemy as sa

from wuye.complaints.v1 import complaints_pb2 as api
from wuye_chassis.workdays import SHANGHAI
from wuye_complaints.adapters.orm import cases

from .conftest import (
    ANXI_OFFICER,
    COMPANY,
    COMPOUND,
    COUNTY_OFFICER,
    HUIAN,
    OPERATOR,
    OTHER_COMMUNITY,
    RESIDENT,
    Complaints,
    refused,
)

GARDEN = "compound-garden"


def today() -> str:
    return dt.datetime.now(SHANGHAI).date().isoformat()


async def a_year_of_complaints(complaints: Complaints) -> None:
    """Today: three lift cases in 凤凰城 (two dispatched to its company), a noise case there, a parking case
    at the garden by 12345; a year ago: two noise cases in 凤凰城."""
    await complaints.know_compound(GARDEN, OTHER_COMMUNITY, company_id="company-garden")
    await complaints.dispatched()
    await complaints.dispatched()
    await complaints.submit()
    await complaints.submit(category="noise", description="夜间施工噪音")
    await complaints.submit(OPERATOR, compound_id=GARDEN, category="vehicle_parking", description="车位被占",
                            channel=api.CHANNEL_HOTLINE_12345, external_id="12345-1")
    old = [(await complaints.submit(category="noise", description=f"去年的噪音 {n}")).case.case_id for n in (1, 2)]
    async with complaints.app.runtime.db.sessions() as session, session.begin():
        await session.execute(sa.update(cases).values(submitted_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=365))
                              .where(cases.c.case_id.in_(old)))


def lines(counts) -> list[tuple[str, int, int]]:
    return [(line.key, line.count, line.last_year) for line in counts]


async def analysis(complaints: Complaints, **request: object) -> api.GetHotlineAnalysisResponse:
    values = {"jurisdiction_path": HUIAN, "start_date": today(), "end_date": today(), **request}
    return await complaints.stub.GetHotlineAnalysis(api.GetHotlineAnalysisRequest(**values),
                                                    metadata=COUNTY_OFFICER.to_metadata())


async def test_H1_a_county_period_broken_down_beside_the_year_before_with_top_problems_and_hotspots(
    complaints: Complaints,
) -> None:
    await a_year_of_complaints(complaints)
    found = await analysis(complaints)
    assert (found.total, found.total_last_year, found.change.percent) == (5, 2, "150.0%")
    assert lines(found.by_category) == [("lifts", 3, 0), ("noise", 1, 2), ("vehicle_parking", 1, 0)]
    assert found.by_category[0].label == "电梯故障" and found.by_category[1].change.percent == "-50.0%"
    assert not found.by_category[0].HasField("change")  # nothing a year ago to compare with
    assert lines(found.by_channel) == [("mobile", 4, 2), ("hotline_12345", 1, 0)]
    assert found.by_channel[1].label == "12345热线"
    assert lines(found.by_tier) == [("community", 5, 2)] and found.by_tier[0].label == "社区承办"
    assert lines(found.by_company) == [(COMPANY, 2, 0)]  # what the community holds is no company's
    assert [line.key for line in found.top_problems] == ["lifts", "noise", "vehicle_parking"]
    assert [(spot.compound_id, spot.compound_name, spot.count, spot.last_year, spot.top_category, spot.top_category_label)
            for spot in found.hotspots] == [
        (COMPOUND, COMPOUND, 4, 2, "lifts", "电梯故障"), (GARDEN, GARDEN, 1, 0, "vehicle_parking", "车辆停放无序"),
    ]
    assert [line.key for line in (await analysis(complaints, top=1)).top_problems] == ["lifts"]
    # the year before, today's cases are not there yet and last year's are the period's
    yesterday = (dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=1)).isoformat()
    assert (await analysis(complaints, start_date=yesterday, end_date=yesterday)).total == 0


async def test_H2_a_compounds_service_list_names_who_held_each_problem(complaints: Complaints) -> None:
    await a_year_of_complaints(complaints)
    found = await complaints.stub.GetServiceList(
        api.GetServiceListRequest(compound_id=COMPOUND, start_date=today(), end_date=today()),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert found.compound_name == COMPOUND
    assert [(item.category, item.category_label, item.count, item.responsible_kind, item.responsible_company_id)
            for item in found.items] == [
        ("lifts", "电梯故障", 3, "company", COMPANY), ("noise", "噪声扰民", 1, "community", ""),
    ]


@pytest.mark.parametrize(("who", "request_values", "status", "field"), [
    (RESIDENT, {}, grpc.StatusCode.PERMISSION_DENIED, None),
    (ANXI_OFFICER, {}, grpc.StatusCode.PERMISSION_DENIED, None),
    (COUNTY_OFFICER, {"top": 51}, grpc.StatusCode.INVALID_ARGUMENT, "top"),
    (COUNTY_OFFICER, {"start_date": "2025-01-01", "end_date": "2026-01-02"}, grpc.StatusCode.INVALID_ARGUMENT, "end_date"),
])
async def test_H1_the_analysis_needs_a_reader_in_scope_a_bounded_top_and_period(
    complaints: Complaints, who, request_values, status, field
) -> None:
    values = {"jurisdiction_path": HUIAN, "start_date": today(), "end_date": today(), **request_values}
    code, error = await refused(complaints.stub.GetHotlineAnalysis(api.GetHotlineAnalysisRequest(**values),
                                                                   metadata=who.to_metadata()))
    assert code == status and (field is None or error.field == field)
    code, _ = await refused(complaints.stub.GetServiceList(
        api.GetServiceListRequest(compound_id=COMPOUND, start_date=today(), end_date=today()),
        metadata=ANXI_OFFICER.to_metadata()))
    assert code == grpc.StatusCode.PERMISSION_DENIED
