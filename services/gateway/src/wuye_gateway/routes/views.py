"""Composed read views: a compound's overview and a county's dashboard, each from several services.

The sections are fetched in parallel. A section whose service is down, or that the caller may not
read, comes back ``null`` and is named in ``unavailable`` — the rest of the view still answers. Only the
record the view is about decides the whole answer: a compound or county outside the caller's scope, or
unknown, is a 403/404 problem as on its own route.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeAlias

import grpc
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from wuye.complaints.v1 import complaints_pb2
from wuye.enforcement.v1 import enforcement_pb2
from wuye.ratings.v1 import ratings_pb2
from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import AuthContext
from wuye_chassis.workdays import SHANGHAI
from wuye_gateway.convert import model_of, to_json
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, call
from wuye_gateway.routes.public import Transparency, public_transparency

router = APIRouter(prefix="/api/v1/views", tags=["composed views"], responses=PROBLEM_RESPONSES)

#: a failure of the view's own record that must not be hidden behind a degraded answer
DECISIVE = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED,
            grpc.StatusCode.INVALID_ARGUMENT)

if TYPE_CHECKING:
    # to the type checker, each is the BaseModel subclass that model_of makes of the message at run time
    CompoundDetail: TypeAlias = BaseModel
    ScoreCard: TypeAlias = BaseModel
    Coverage: TypeAlias = BaseModel
    EnforcementFigures: TypeAlias = BaseModel
    Lists: TypeAlias = BaseModel
    Figures: TypeAlias = BaseModel
else:
    CompoundDetail = model_of(registry_pb2.GetCompoundResponse)
    ScoreCard = model_of(ratings_pb2.GetScoreCardResponse)
    Coverage = model_of(registry_pb2.GetCoverageResponse)
    EnforcementFigures = model_of(enforcement_pb2.GetEnforcementFiguresResponse)
    Lists = model_of(ratings_pb2.Lists)
    Figures = model_of(complaints_pb2.GetComplaintFiguresResponse)


class Unavailable(BaseModel):
    section: str = Field(..., examples=["complaints"])
    service: str = Field(..., examples=["complaints"])
    reason: str = Field(..., description="the gRPC status, or why the section could not be asked",
                        examples=["UNAVAILABLE"])


class Period(BaseModel):
    start_date: dt.date
    end_date: dt.date


class CompoundOverview(BaseModel):
    compound_id: str
    period: Period = Field(..., description="this year so far (Asia/Shanghai), for the complaint figures")
    registry: CompoundDetail | None
    complaints: Figures | None = Field(..., description="complaints of the compound's community this period")
    funds: Transparency | None
    rating: ScoreCard | None = Field(..., description="the current company's score card; null without one")
    unavailable: list[Unavailable]


class CountyDashboard(BaseModel):
    county_code: str = Field(..., description="the jurisdiction's code (a county's, or a street's or community's)")
    jurisdiction_path: str | None
    jurisdiction_name: str | None = Field(None, description="the jurisdiction's name, while the registry answers")
    period: Period = Field(..., description="this year so far (Asia/Shanghai)")
    coverage: Coverage | None
    complaints: Figures | None
    enforcement: EnforcementFigures | None
    lists_quarter: str = Field(..., description="the last finished quarter", examples=["2026Q3"])
    lists: Lists | None = Field(..., description="that quarter's red and black lists; null until published")
    unavailable: list[Unavailable]


class MonthFigures(BaseModel):
    month: str = Field(..., examples=["2026-03"])
    period: Period = Field(..., description="the month's days (this month: up to today)")
    figures: Figures


class ComplaintsByMonth(BaseModel):
    jurisdiction_path: str
    months: list[MonthFigures] = Field(..., description="January to this month (Asia/Shanghai), oldest first")


class Sections:
    """Collects each section's answer, or why it is missing."""

    def __init__(self) -> None:
        self.unavailable: list[Unavailable] = []

    async def fetch(
        self, section: str, service: str, answer: Awaitable[Any], *, decisive: bool = False, optional: bool = False
    ) -> Any:
        """``decisive``: the view's own record, whose refusal is the answer; ``optional``: may not exist yet."""
        try:
            return await answer
        except grpc.aio.AioRpcError as exc:
            if decisive and exc.code() in DECISIVE:
                raise
            if optional and exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            self.unavailable.append(Unavailable(section=section, service=service, reason=exc.code().name))
            return None

    def missing(self, section: str, service: str, reason: str) -> None:
        self.unavailable.append(Unavailable(section=section, service=service, reason=reason))


def this_year() -> Period:
    today = dt.datetime.now(SHANGHAI).date()
    return Period(start_date=today.replace(month=1, day=1), end_date=today)


def last_finished_quarter(period: Period) -> str:
    """Lists are published for a finished quarter: in 2026Q4 the latest are 2026Q3's ("2025Q4" in Q1)."""
    today = period.end_date
    quarter = (today.month - 1) // 3
    return f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"


def _figures_request(path: str, period: Period) -> complaints_pb2.GetComplaintFiguresRequest:
    return complaints_pb2.GetComplaintFiguresRequest(
        jurisdiction_path=path, start_date=period.start_date.isoformat(), end_date=period.end_date.isoformat()
    )


def _json(message: Any) -> dict[str, Any] | None:
    return None if message is None else to_json(message)


@router.get("/compounds/{compound_id}", response_model=CompoundOverview,
            summary="A compound's overview: registry, complaint figures, fund balances, the company's rating")
async def compound_overview(compound_id: str, request: Request, who: Caller) -> CompoundOverview:
    sections = Sections()
    period = this_year()
    detail, transparency = await asyncio.gather(
        sections.fetch("registry", "registry", call(
            request, "registry", "GetCompound", registry_pb2.GetCompoundRequest(compound_id=compound_id), who
        ), decisive=True),
        sections.fetch("funds", "funds", public_transparency(request, compound_id)),
    )
    figures = card = None
    if detail is None:
        # the community and the company are known only from the registry
        sections.missing("complaints", "complaints", "needs the registry")
        sections.missing("rating", "ratings", "needs the registry")
    else:
        figures, card = await asyncio.gather(
            sections.fetch("complaints", "complaints", call(
                request, "complaints", "GetComplaintFigures",
                _figures_request(detail.compound.jurisdiction_path, period), who,
            )),
            _score_card(request, who, sections, detail.current_company.id),
        )
    return CompoundOverview(
        compound_id=compound_id, period=period, registry=_json(detail), complaints=_json(figures),
        funds=transparency, rating=_json(card), unavailable=sections.unavailable,
    )


async def _score_card(request: Request, who: AuthContext, sections: Sections, company_id: str) -> Any:
    if not company_id:
        return None
    message = ratings_pb2.GetScoreCardRequest(company_id=company_id)
    return await sections.fetch("rating", "ratings", call(request, "ratings", "GetScoreCard", message, who))


@router.get("/counties/{county_code}/dashboard", response_model=CountyDashboard,
            summary="A county's dashboard: coverage, complaint rates, inspections, red/black lists")
async def county_dashboard(county_code: str, request: Request, who: Caller) -> CountyDashboard:
    return await _dashboard(county_code, request, who)


@router.get("/complaints-by-month", response_model=ComplaintsByMonth,
            summary="A jurisdiction's complaint figures (C4/C5) for each month of this year so far, in one answer "
                    "for a screen's chart (the complaints service counts each month)")
async def complaints_by_month(jurisdiction_path: str, request: Request, who: Caller) -> ComplaintsByMonth:
    months = months_so_far(this_year())
    answers = await asyncio.gather(*(
        call(request, "complaints", "GetComplaintFigures", _figures_request(jurisdiction_path, month), who)
        for month in months
    ))
    return ComplaintsByMonth(jurisdiction_path=jurisdiction_path, months=[
        MonthFigures(month=month.start_date.strftime("%Y-%m"), period=month, figures=to_json(answer))
        for month, answer in zip(months, answers, strict=True)
    ])


def months_so_far(period: Period) -> list[Period]:
    """The calendar months of ``period``, the last one cut at its end."""
    months = []
    first = period.start_date.replace(day=1)
    while first <= period.end_date:
        after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        months.append(Period(start_date=first, end_date=min(after - dt.timedelta(days=1), period.end_date)))
        first = after
    return months


@router.get("/jurisdictions/{code}/dashboard", response_model=CountyDashboard,
            summary="The same dashboard for any jurisdiction in the caller's scope: a street's or a community's "
                    "officers read their own (the red/black lists are a county's: absent below it)")
async def jurisdiction_dashboard(code: str, request: Request, who: Caller) -> CountyDashboard:
    return await _dashboard(code, request, who)


async def _dashboard(county_code: str, request: Request, who: AuthContext) -> CountyDashboard:
    sections = Sections()
    period = this_year()
    quarter = last_finished_quarter(period)
    county = await sections.fetch("coverage", "registry", call(
        request, "registry", "GetJurisdiction", registry_pb2.GetJurisdictionRequest(code=county_code), who
    ), decisive=True)
    path = county.jurisdiction.path if county is not None else _path_from_scope(who, county_code)
    if path is None:
        for section, service in (("complaints", "complaints"), ("enforcement", "enforcement"), ("lists", "ratings")):
            sections.missing(section, service, "needs the registry to locate the county")
        return CountyDashboard(county_code=county_code, jurisdiction_path=None, period=period, coverage=None,
                               complaints=None, enforcement=None, lists_quarter=quarter, lists=None,
                               unavailable=sections.unavailable)
    coverage, figures, inspections, lists = await asyncio.gather(
        sections.fetch("coverage", "registry", call(
            request, "registry", "GetCoverage", registry_pb2.GetCoverageRequest(jurisdiction_code=county_code), who
        )) if county is not None else _nothing(),
        sections.fetch("complaints", "complaints", call(
            request, "complaints", "GetComplaintFigures", _figures_request(path, period), who
        )),
        sections.fetch("enforcement", "enforcement", call(
            request, "enforcement", "GetEnforcementFigures",
            enforcement_pb2.GetEnforcementFiguresRequest(
                jurisdiction_path=path, start_date=period.start_date.isoformat(), end_date=period.end_date.isoformat(),
            ), who,
        )),
        sections.fetch("lists", "ratings", call(
            request, "ratings", "GetLists", ratings_pb2.GetListsRequest(jurisdiction_path=path, quarter=quarter), who
        ), optional=True),
    )
    return CountyDashboard(
        county_code=county_code, jurisdiction_path=path,
        jurisdiction_name=county.jurisdiction.name if county is not None else None, period=period,
        coverage=_json(coverage),
        complaints=_json(figures), enforcement=_json(inspections), lists_quarter=quarter,
        lists=_json(lists.lists if lists else None),
        unavailable=sections.unavailable,
    )


async def _nothing() -> None:
    return None


def _path_from_scope(who: AuthContext, county_code: str) -> str | None:
    """The county's path read off the caller's own scope, when the scope runs through the county."""
    parts = who.scope.split("/")
    return "/".join(parts[: parts.index(county_code) + 1]) if county_code in parts else None
