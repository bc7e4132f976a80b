"""Jurisdictions: the city → county → street → community hierarchy (registry)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, IdempotencyKey, call_metadata

router = APIRouter(prefix="/api/v1/jurisdictions", tags=["jurisdictions"], responses=PROBLEM_RESPONSES)


class JurisdictionIn(BaseModel):
    parent_code: str = Field("", description="Division code of the parent; empty for a city", examples=["350521100"])
    code: str = Field(..., description="Division code: 6 digits (city, county), 9 (street), 12 (community)",
                      examples=["350521100001"])
    name: str = Field(..., min_length=1, max_length=200, examples=["凤凰城社区"])


class Jurisdiction(BaseModel):
    code: str
    name: str
    level: str = Field(..., examples=["community"])
    path: str = Field(..., examples=["350500/350521/350521100/350521100001"])
    parent_code: str

    @classmethod
    def of(cls, message: common_pb2.Jurisdiction) -> Jurisdiction:
        level = common_pb2.JurisdictionLevel.Name(message.level).removeprefix("JURISDICTION_LEVEL_").lower()
        return cls(code=message.code, name=message.name, level=level, path=message.path,
                   parent_code=message.parent_code)


class JurisdictionPage(BaseModel):
    items: list[Jurisdiction]
    next_page_token: str = Field("", description="Pass as page_token for the next page; empty on the last")




@router.post("", status_code=status.HTTP_201_CREATED, response_model=Jurisdiction,
             summary="Register a city, county, street or community")
async def register(body: JurisdictionIn, request: Request, who: Caller, key: IdempotencyKey = None) -> Jurisdiction:
    answer = await request.app.state.backends.registry.RegisterJurisdiction(
        registry_pb2.RegisterJurisdictionRequest(parent_code=body.parent_code, code=body.code, name=body.name),
        metadata=call_metadata(who, key),
    )
    return Jurisdiction.of(answer.jurisdiction)


@router.get("/{code}", response_model=Jurisdiction, summary="One jurisdiction")
async def get(code: str, request: Request, who: Caller) -> Jurisdiction:
    answer = await request.app.state.backends.registry.GetJurisdiction(
        registry_pb2.GetJurisdictionRequest(code=code), metadata=who.to_metadata()
    )
    return Jurisdiction.of(answer.jurisdiction)


@router.get("", response_model=JurisdictionPage, summary="Children of a jurisdiction (cities when parent_code is empty)")
async def list_children(
    request: Request,
    who: Caller,
    parent_code: str = "",
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    page_token: str = "",
) -> JurisdictionPage:
    answer = await request.app.state.backends.registry.ListJurisdictions(
        registry_pb2.ListJurisdictionsRequest(
            parent_code=parent_code, page=common_pb2.PageRequest(page_size=page_size, page_token=page_token)
        ),
        metadata=who.to_metadata(),
    )
    return JurisdictionPage(items=[Jurisdiction.of(j) for j in answer.jurisdictions],
                            next_page_token=answer.page.next_page_token)
