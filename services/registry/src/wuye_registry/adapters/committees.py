"""Committee rows (one per committee, members per term) ⇄ domain committees and protobuf."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import registry_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.proto_values import enum_number
from wuye_chassis.validation import iso_or_empty
from wuye_registry.adapters.orm import (
    committee_members,
    committee_terms,
    committees,
    compounds,
    pmc_dissolution_overdue,
)
from wuye_registry.adapters.scope import within
from wuye_registry.domain.committees import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeStatus,
    MemberRole,
    Term,
)


def _from_rows(row: sa.RowMapping, member_rows: list[sa.RowMapping], compound_code: str) -> Committee:
    return Committee(
        key=row["id"],
        compound_code=compound_code,
        kind=CommitteeKind(row["kind"]),
        members=tuple(
            CommitteeMember(
                person_key=member["person_id"],
                role=MemberRole(member["role"]),
                is_party_member=member["is_party_member"],
                is_branch_secretary=member["is_branch_secretary"],
                is_community_two_committee_member=member["is_community_two_committee_member"],
                is_owner=member["is_owner"],
            )
            for member in member_rows
        ),
        term=Term(start=row["term_start"], end=row["term_end"]),
        term_number=row["term_number"],
        status=CommitteeStatus(row["status"]),
        filed_on=row["filed_on"],
        dissolved_on=row["dissolved_on"],
    )


async def _members(session: AsyncSession, committee_id: str, term_number: int) -> list[sa.RowMapping]:
    query = (
        sa.select(committee_members)
        .where(committee_members.c.committee_id == committee_id, committee_members.c.term_number == term_number)
        .order_by(committee_members.c.person_id)
    )
    return list((await session.execute(query)).mappings().all())


async def load(session: AsyncSession, row: sa.RowMapping, compound_code: str) -> Committee:
    """The domain committee of a row from ``get_row``, with the members of its current term."""
    return _from_rows(row, await _members(session, row["id"], row["term_number"]), compound_code)


async def get_row(session: AsyncSession, committee_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(committees).where(committees.c.id == committee_id))).mappings().first()


async def active_of_compound(session: AsyncSession, compound_id: str, compound_code: str) -> list[Committee]:
    query = sa.select(committees).where(
        committees.c.compound_id == compound_id, committees.c.status == CommitteeStatus.ACTIVE.value
    )
    rows = (await session.execute(query)).mappings().all()
    return [await load(session, row, compound_code) for row in rows]


def _figures(committee: Committee) -> dict[str, object]:
    return {
        "status": committee.status.value,
        "term_number": committee.term_number,
        "term_start": committee.term.start,
        "term_end": committee.term.end,
        "filed_on": committee.filed_on,
        "dissolved_on": committee.dissolved_on,
        "is_red": committee.is_red,
        "is_dual_role": committee.is_dual_role,
        "two_committee_members": committee.two_committee_member_count,
        "updated_at": utcnow(),
    }


async def _add_term(session: AsyncSession, committee: Committee) -> None:
    await session.execute(
        committee_terms.insert().values(
            committee_id=committee.key,
            term_number=committee.term_number,
            term_start=committee.term.start,
            term_end=committee.term.end,
            filed_on=committee.filed_on,
            is_red=committee.is_red,
            is_dual_role=committee.is_dual_role,
            two_committee_members=committee.two_committee_member_count,
        )
    )
    await _add_members(session, committee)


async def _add_members(session: AsyncSession, committee: Committee) -> None:
    await session.execute(
        committee_members.insert(),
        [
            {
                "committee_id": committee.key,
                "term_number": committee.term_number,
                "person_id": member.person_key,
                "role": member.role.value,
                "is_party_member": member.is_party_member,
                "is_branch_secretary": member.is_branch_secretary,
                "is_community_two_committee_member": member.is_community_two_committee_member,
                "is_owner": member.is_owner,
            }
            for member in committee.members
        ],
    )


async def add(session: AsyncSession, committee: Committee, *, compound_id: str, jurisdiction_path: str) -> None:
    await session.execute(
        committees.insert().values(
            id=committee.key,
            compound_id=compound_id,
            jurisdiction_path=jurisdiction_path,
            kind=committee.kind.value,
            formed_on=committee.term.start,
            created_at=utcnow(),
            **_figures(committee),
        )
    )
    await _add_term(session, committee)


async def save_new_term(session: AsyncSession, committee: Committee) -> None:
    await session.execute(committees.update().where(committees.c.id == committee.key).values(**_figures(committee)))
    await _add_term(session, committee)


async def save_filing(session: AsyncSession, committee: Committee) -> None:
    await session.execute(committees.update().where(committees.c.id == committee.key).values(**_figures(committee)))
    await session.execute(
        committee_terms.update()
        .where(committee_terms.c.committee_id == committee.key, committee_terms.c.term_number == committee.term_number)
        .values(filed_on=committee.filed_on)
    )


async def save_status(session: AsyncSession, committee: Committee) -> None:
    await session.execute(committees.update().where(committees.c.id == committee.key).values(**_figures(committee)))


async def pmc_dissolution_candidates(
    session: AsyncSession, *, path: str | None, in_office_on: dt.date, filed_before: dt.date
) -> list[sa.RowMapping]:
    """Property management committees formed by ``in_office_on`` and not dissolved by then, each with
    the first owners' committee filing of its compound on or after the day it was formed, where that
    filing is before ``filed_before``; one row per committee, with ``flagged`` when already flagged."""
    pmc = committees.alias("pmc")
    owners_committee = committees.alias("owners_committee")
    filing = (
        sa.select(
            pmc.c.id.label("pmc_id"),
            owners_committee.c.id.label("owners_committee_id"),
            committee_terms.c.filed_on.label("owners_committee_filed_on"),
            sa.func.row_number()
            .over(partition_by=pmc.c.id, order_by=(committee_terms.c.filed_on, owners_committee.c.id))
            .label("rank"),
        )
        .join(owners_committee, owners_committee.c.compound_id == pmc.c.compound_id)
        .join(committee_terms, committee_terms.c.committee_id == owners_committee.c.id)
        .where(
            pmc.c.kind == CommitteeKind.PROPERTY_MANAGEMENT_COMMITTEE.value,
            pmc.c.formed_on <= in_office_on,
            sa.or_(pmc.c.dissolved_on.is_(None), pmc.c.dissolved_on > in_office_on),
            owners_committee.c.kind == CommitteeKind.OWNERS_COMMITTEE.value,
            committee_terms.c.filed_on >= pmc.c.formed_on,
            *([within(pmc.c.jurisdiction_path, path)] if path is not None else []),
        )
        .subquery()
    )
    query = (
        sa.select(
            committees,
            compounds.c.code.label("compound_code"),
            filing.c.owners_committee_id,
            filing.c.owners_committee_filed_on,
            pmc_dissolution_overdue.c.committee_id.is_not(None).label("flagged"),
        )
        .join(filing, sa.and_(filing.c.pmc_id == committees.c.id, filing.c.rank == 1))
        .join(compounds, compounds.c.id == committees.c.compound_id)
        .outerjoin(pmc_dissolution_overdue, pmc_dissolution_overdue.c.committee_id == committees.c.id)
        .where(filing.c.owners_committee_filed_on < filed_before)
        .order_by(committees.c.id)
    )
    return list((await session.execute(query)).mappings().all())


async def flag_pmc_overdue(
    session: AsyncSession, committee_id: str, *, owners_committee_id: str, deadline: dt.date
) -> None:
    await session.execute(
        pmc_dissolution_overdue.insert().values(
            committee_id=committee_id, owners_committee_id=owners_committee_id, deadline=deadline, flagged_at=utcnow()
        )
    )


def to_message(committee: Committee, *, compound_id: str, jurisdiction_path: str) -> registry_pb2.Committee:
    return registry_pb2.Committee(
        id=committee.key,
        compound_id=compound_id,
        kind=enum_number(registry_pb2.CommitteeKind, committee.kind),
        status=enum_number(registry_pb2.CommitteeStatus, committee.status),
        term_number=committee.term_number,
        term_start=committee.term.start.isoformat(),
        term_end=committee.term.end.isoformat(),
        dissolved_on=iso_or_empty(committee.dissolved_on),
        members=[
            registry_pb2.CommitteeMember(
                person_id=member.person_key,
                role=enum_number(registry_pb2.MemberRole, member.role),
                is_party_member=member.is_party_member,
                is_branch_secretary=member.is_branch_secretary,
                is_community_two_committee_member=member.is_community_two_committee_member,
                is_owner=member.is_owner,
            )
            for member in committee.members
        ],
        is_red=committee.is_red,
        is_dual_role=committee.is_dual_role,
        jurisdiction_path=jurisdiction_path,
        filed_on=iso_or_empty(committee.filed_on),
    )
