"""Committee rows (one per committee, members and figures per term) ⇄ domain committees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_registry.adapters.orm import (
    committee_members,
    committee_terms,
    committees,
    compounds,
    pmc_dissolution_overdue,
)
from wuye_registry.domain.committees import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeStatus,
    MemberRole,
    Term,
)


@dataclass(frozen=True)
class PlacedCommittee:
    """A committee with the compound it serves and that compound's jurisdiction path."""

    committee: Committee
    compound_id: str
    jurisdiction_path: str


@dataclass(frozen=True)
class CommitteeSeat:
    """A person's seat on a committee in office, in the term in force (A1: they act for its compound)."""

    committee_id: str
    compound_id: str
    jurisdiction_path: str
    kind: CommitteeKind
    role: MemberRole


@dataclass(frozen=True)
class PmcDissolutionCandidate:
    """O2: a property management committee in office, the owners' committee whose filing started its
    30 days (with that filing's date), and whether the sweep has flagged it."""

    pmc: PlacedCommittee
    owners_committee: Committee
    flagged: bool


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


#: a committee row with its compound's code, which the domain committee carries
_WITH_COMPOUND_CODE = sa.select(committees, compounds.c.code.label("compound_code")).join(
    compounds, compounds.c.id == committees.c.compound_id
)


class CommitteeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, committee_id: str) -> PlacedCommittee | None:
        query = _WITH_COMPOUND_CODE.where(committees.c.id == committee_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else await self._placed(row)

    async def lock(self, committee_id: str) -> None:
        """Hold the committee's row to the end of the transaction (PostgreSQL; SQLite has one writer at a
        time anyway): another replica changing it waits, then reads what this one did."""
        await self.session.execute(sa.select(committees.c.id).where(committees.c.id == committee_id).with_for_update())

    async def active_of_compound(self, compound_id: str) -> list[Committee]:
        query = _WITH_COMPOUND_CODE.where(
            committees.c.compound_id == compound_id, committees.c.status == CommitteeStatus.ACTIVE.value
        )
        rows = (await self.session.execute(query)).mappings().all()
        return [(await self._placed(row)).committee for row in rows]

    async def of_compound(self, compound_id: str) -> list[PlacedCommittee]:
        """Every committee of the compound, newest first (ids are time-ordered)."""
        query = _WITH_COMPOUND_CODE.where(committees.c.compound_id == compound_id).order_by(committees.c.id.desc())
        return [await self._placed(row) for row in (await self.session.execute(query)).mappings().all()]

    async def seats_of(self, person_id: str, day: dt.date) -> list[CommitteeSeat]:
        """The seats the person holds on ``day``: on an active committee, in the term in force that day (the
        latest term started by then, not yet ended; a re-election's members sit from their term's first day)."""
        in_force = (
            sa.select(committee_terms.c.committee_id, sa.func.max(committee_terms.c.term_number).label("term_number"))
            .where(committee_terms.c.term_start <= day)
            .group_by(committee_terms.c.committee_id)
            .subquery()
        )
        query = (
            sa.select(committees.c.id, committees.c.compound_id, committees.c.jurisdiction_path, committees.c.kind,
                      committee_members.c.role)
            .join(committee_members, committee_members.c.committee_id == committees.c.id)
            .join(in_force, sa.and_(in_force.c.committee_id == committees.c.id,
                                    in_force.c.term_number == committee_members.c.term_number))
            .join(committee_terms, sa.and_(committee_terms.c.committee_id == committees.c.id,
                                           committee_terms.c.term_number == committee_members.c.term_number))
            .where(committee_members.c.person_id == person_id,
                   committees.c.status == CommitteeStatus.ACTIVE.value,
                   committee_terms.c.term_end >= day)
            .order_by(committees.c.id)
        )
        return [
            CommitteeSeat(committee_id, compound_id, path, CommitteeKind(kind), MemberRole(role))
            for committee_id, compound_id, path, kind, role in (await self.session.execute(query)).tuples()
        ]

    async def add(self, placed: PlacedCommittee) -> None:
        committee = placed.committee
        await self.session.execute(
            committees.insert().values(
                id=committee.key,
                compound_id=placed.compound_id,
                jurisdiction_path=placed.jurisdiction_path,
                kind=committee.kind.value,
                formed_on=committee.term.start,
                created_at=utcnow(),
                **_figures(committee),
            )
        )
        await self._add_term(committee)

    async def save_new_term(self, committee: Committee) -> None:
        await self._save_figures(committee)
        await self._add_term(committee)

    async def save_filing(self, committee: Committee) -> None:
        await self._save_figures(committee)
        await self.session.execute(
            committee_terms.update()
            .where(
                committee_terms.c.committee_id == committee.key, committee_terms.c.term_number == committee.term_number
            )
            .values(filed_on=committee.filed_on)
        )

    async def save_status(self, committee: Committee) -> None:
        await self._save_figures(committee)

    async def pmc_dissolution_candidates(
        self, *, path: str | None, in_office_on: dt.date, filed_before: dt.date, committee_id: str | None = None
    ) -> list[PmcDissolutionCandidate]:
        """Property management committees (at or below ``path``; only ``committee_id`` when given) formed
        by ``in_office_on`` and not dissolved by then, each with the first owners' committee filing of its
        compound on or after the day it was formed, where that filing is before ``filed_before``."""
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
                *([at_or_below(pmc.c.jurisdiction_path, path)] if path is not None else []),
                *([pmc.c.id == committee_id] if committee_id is not None else []),
            )
            .subquery()
        )
        query = (
            _WITH_COMPOUND_CODE.add_columns(
                filing.c.owners_committee_id,
                filing.c.owners_committee_filed_on,
                pmc_dissolution_overdue.c.committee_id.is_not(None).label("flagged"),
            )
            .join(filing, sa.and_(filing.c.pmc_id == committees.c.id, filing.c.rank == 1))
            .outerjoin(pmc_dissolution_overdue, pmc_dissolution_overdue.c.committee_id == committees.c.id)
            .where(filing.c.owners_committee_filed_on < filed_before)
            .order_by(committees.c.id)
        )
        found = []
        for row in (await self.session.execute(query)).mappings().all():
            owners_row = (
                await self.session.execute(_WITH_COMPOUND_CODE.where(committees.c.id == row["owners_committee_id"]))
            ).mappings().one()
            # the filing that started the 30 days, which a later term's filing may have replaced on the row
            owners = replace((await self._placed(owners_row)).committee, filed_on=row["owners_committee_filed_on"])
            found.append(PmcDissolutionCandidate(await self._placed(row), owners, row["flagged"]))
        return found

    async def flag_pmc_overdue(self, committee_id: str, *, owners_committee_id: str, deadline: dt.date) -> None:
        await self.session.execute(
            pmc_dissolution_overdue.insert().values(
                committee_id=committee_id,
                owners_committee_id=owners_committee_id,
                deadline=deadline,
                flagged_at=utcnow(),
            )
        )

    async def _placed(self, row: sa.RowMapping) -> PlacedCommittee:
        """The committee of a ``_WITH_COMPOUND_CODE`` row with the members of its current term."""
        members = (
            await self.session.execute(
                sa.select(committee_members)
                .where(
                    committee_members.c.committee_id == row["id"],
                    committee_members.c.term_number == row["term_number"],
                )
                .order_by(committee_members.c.person_id)
            )
        ).mappings().all()
        committee = _from_rows(row, list(members), row["compound_code"])
        return PlacedCommittee(committee, row["compound_id"], row["jurisdiction_path"])

    async def _save_figures(self, committee: Committee) -> None:
        await self.session.execute(
            committees.update().where(committees.c.id == committee.key).values(**_figures(committee))
        )

    async def _add_term(self, committee: Committee) -> None:
        await self.session.execute(
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
        await self.session.execute(
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
