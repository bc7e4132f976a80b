"""Reads of compounds other services and screens need: the compound with its place and company, its
buildings and its households."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2
from wuye_chassis.errors import NotFound
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.validation import require_text
from wuye_registry.adapters import companies, jurisdictions, places
from wuye_registry.service.access import compound, jurisdiction, serving_contract, today


async def get_compound(
    sessions: async_sessionmaker[AsyncSession], compound_id: str
) -> registry_pb2.GetCompoundResponse:
    async with sessions() as session:
        row = await compound(session, compound_id, action="read a compound")
        answer = registry_pb2.GetCompoundResponse(
            compound=places.compound_message(row),
            jurisdictions=await jurisdictions.along_path(session, row["jurisdiction_path"]),
        )
        serving = await serving_contract(session, row, today())
        if serving is not None:
            company = await companies.company_by_uscc(session, serving.company_uscc)
            assert company is not None, "a contract always names a registered company"
            answer.current_company.CopyFrom(companies.company_message(company))
            answer.current_contract.CopyFrom(
                companies.contract_message(serving, compound_id=row["id"], company_id=company["id"])
            )
    return answer


async def list_compounds(
    sessions: async_sessionmaker[AsyncSession], request: registry_pb2.ListCompoundsRequest
) -> registry_pb2.ListCompoundsResponse:
    limit = page_size(request.page.page_size)
    after = decode_cursor(request.page.page_token)
    async with sessions() as session:
        place = await jurisdiction(
            session, request.jurisdiction_code, field="jurisdiction_code", action="list compounds"
        )
        rows = await places.list_compounds(session, place["path"], after, limit + 1)
    page, more = rows[:limit], len(rows) > limit
    return registry_pb2.ListCompoundsResponse(
        compounds=[places.compound_message(row) for row in page],
        page=common_pb2.PageResponse(next_page_token=encode_cursor(page[-1]["id"]) if more else ""),
    )


async def list_buildings(sessions: async_sessionmaker[AsyncSession], compound_id: str) -> list[registry_pb2.Building]:
    async with sessions() as session:
        row = await compound(session, compound_id, action="list buildings")
        return [places.building_message(building) for building in await places.list_buildings(session, row["id"])]


async def list_households(
    sessions: async_sessionmaker[AsyncSession], request: registry_pb2.ListHouseholdsRequest
) -> registry_pb2.ListHouseholdsResponse:
    limit = page_size(request.page.page_size)
    after = decode_cursor(request.page.page_token)
    async with sessions() as session:
        row = await compound(session, request.compound_id, action="list households")
        building_id = None
        if request.building_id:
            building_id = require_text(request.building_id, field="building_id", max_length=36)
            building = await places.get_building(session, building_id)
            if building is None or building["compound_id"] != row["id"]:
                raise NotFound(f"compound {row['id']} has no building {building_id}", field="building_id")
        found = await places.list_households(session, row["id"], building_id=building_id, after=after, limit=limit + 1)
    page, more = found[:limit], len(found) > limit
    return registry_pb2.ListHouseholdsResponse(
        households=page,
        page=common_pb2.PageResponse(next_page_token=encode_cursor(page[-1].id) if more else ""),
    )
