"""Party organisation, reserve pool and cadre link rows ⇄ protobuf."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import registry_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.proto_values import enum_number
from wuye_chassis.validation import iso_or_empty
from wuye_registry.adapters.orm import cadre_links, party_organisations, reserve_candidates, reserve_screening_reasons
from wuye_registry.adapters.scope import within
from wuye_registry.domain.party import PartyLevel, PartyNode
from wuye_registry.domain.reserve_pool import ReserveEntry, ReservePosition


async def get_party_organisation(session: AsyncSession, organisation_id: str) -> sa.RowMapping | None:
    query = sa.select(party_organisations).where(party_organisations.c.id == organisation_id)
    return (await session.execute(query)).mappings().first()


def party_node(row: sa.RowMapping) -> PartyNode:
    return PartyNode(
        key=row["id"],
        level=PartyLevel(row["level"]),
        name=row["name"],
        attached_to=row["compound_id"] or row["building_id"] or row["household_id"] or row["jurisdiction_path"],
        parent_key=row["parent_id"],
        secretary_person_key=row["secretary_person_id"],
        established_on=row["established_on"],
    )


async def add_party_organisation(
    session: AsyncSession, node: PartyNode, *, jurisdiction_path: str, attachment: dict[str, str]
) -> None:
    """``attachment``: the one column (compound_id, building_id or household_id) the node organises."""
    await session.execute(
        party_organisations.insert().values(
            id=node.key,
            level=node.level.value,
            name=node.name,
            parent_id=node.parent_key,
            jurisdiction_path=jurisdiction_path,
            secretary_person_id=node.secretary_person_key,
            established_on=node.established_on,
            created_at=utcnow(),
            **attachment,
        )
    )


async def list_party_organisations(session: AsyncSession, path: str) -> list[sa.RowMapping]:
    query = (
        sa.select(party_organisations)
        .where(within(party_organisations.c.jurisdiction_path, path))
        .order_by(party_organisations.c.level, party_organisations.c.id)
    )
    return list((await session.execute(query)).mappings().all())


def party_organisation_message(row: sa.RowMapping) -> registry_pb2.PartyOrganisation:
    return registry_pb2.PartyOrganisation(
        id=row["id"],
        level=row["level"],
        name=row["name"],
        parent_id=row["parent_id"] or "",
        jurisdiction_path=row["jurisdiction_path"],
        compound_id=row["compound_id"] or "",
        building_id=row["building_id"] or "",
        household_id=row["household_id"] or "",
        secretary_person_id=row["secretary_person_id"] or "",
        established_on=row["established_on"].isoformat(),
    )


async def add_candidate(session: AsyncSession, candidate_id: str, entry: ReserveEntry, *, compound_id: str) -> None:
    await session.execute(
        reserve_candidates.insert().values(
            id=candidate_id,
            compound_id=compound_id,
            person_id=entry.person_key,
            positions=",".join(position.value for position in entry.positions),
            screened_on=entry.screening.as_of,
            eligible=entry.eligible,
            created_at=utcnow(),
        )
    )
    if entry.screening.reasons:
        await session.execute(
            reserve_screening_reasons.insert(),
            [
                {"candidate_id": candidate_id, "code": r.code, "label_zh": r.label_zh, "label_en": r.label_en}
                for r in entry.screening.reasons
            ],
        )


async def candidates(
    session: AsyncSession, compound_id: str, *, candidate_id: str | None = None
) -> list[registry_pb2.ReserveCandidate]:
    """The compound's reserve candidates (or the one ``candidate_id``) with their reasons, newest first."""
    query = sa.select(reserve_candidates).where(reserve_candidates.c.compound_id == compound_id)
    if candidate_id is not None:
        query = query.where(reserve_candidates.c.id == candidate_id)
    rows = (await session.execute(query.order_by(reserve_candidates.c.id.desc()))).mappings().all()
    reasons_query = (
        sa.select(reserve_screening_reasons)
        .where(reserve_screening_reasons.c.candidate_id.in_([row["id"] for row in rows]))
        .order_by(reserve_screening_reasons.c.code)
    )
    reasons: dict[str, list[registry_pb2.ScreeningReason]] = {}
    for reason in (await session.execute(reasons_query)).mappings():
        reasons.setdefault(reason["candidate_id"], []).append(
            registry_pb2.ScreeningReason(code=reason["code"], label_zh=reason["label_zh"], label_en=reason["label_en"])
        )
    return [
        registry_pb2.ReserveCandidate(
            id=row["id"],
            compound_id=row["compound_id"],
            person_id=row["person_id"],
            positions=[
                enum_number(registry_pb2.ReservePosition, ReservePosition(position))
                for position in row["positions"].split(",")
            ],
            screened_on=row["screened_on"].isoformat(),
            eligible=row["eligible"],
            reasons=reasons.get(row["id"], []),
        )
        for row in rows
    ]


async def add_cadre_link(
    session: AsyncSession,
    *,
    link_id: str,
    compound_id: str,
    person_id: str,
    post: str,
    start_on: dt.date,
    end_on: dt.date | None,
) -> registry_pb2.CadreLink:
    link = {"id": link_id, "compound_id": compound_id, "person_id": person_id, "post": post}
    await session.execute(cadre_links.insert().values(**link, start_on=start_on, end_on=end_on, created_at=utcnow()))
    return cadre_link_message({**link, "start_on": start_on, "end_on": end_on})


def cadre_link_message(row: Mapping[str, Any]) -> registry_pb2.CadreLink:
    return registry_pb2.CadreLink(
        id=row["id"],
        compound_id=row["compound_id"],
        person_id=row["person_id"],
        post=row["post"],
        start_on=row["start_on"].isoformat(),
        end_on=iso_or_empty(row["end_on"]),
    )


async def cadre_links_of(session: AsyncSession, compound_id: str) -> list[registry_pb2.CadreLink]:
    query = (
        sa.select(cadre_links)
        .where(cadre_links.c.compound_id == compound_id)
        .order_by(cadre_links.c.start_on, cadre_links.c.id)
    )
    return [cadre_link_message(row) for row in (await session.execute(query)).mappings()]
