"""O6 counts for a jurisdiction and date, each an aggregate query over an index range of paths."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_registry.adapters.orm import cadre_links, committees, companies, compounds, party_organisations
from wuye_registry.adapters.scope import within
from wuye_registry.domain.committees import CommitteeKind
from wuye_registry.domain.companies import PartyOrgMode
from wuye_registry.domain.coverage import CoverageCounts
from wuye_registry.domain.party import PartyLevel


def _count_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


async def counts(session: AsyncSession, path: str, *, as_of: dt.date) -> CoverageCounts:
    """Committees, branches and cadre links count by their own dates on ``as_of``; every registered
    compound counts (the registry records when a compound was entered, not when it was built)."""
    branch = sa.exists().where(
        party_organisations.c.compound_id == compounds.c.id,
        party_organisations.c.level == PartyLevel.COMPOUND_BRANCH.value,
        party_organisations.c.established_on <= as_of,
    )
    cadre = sa.exists().where(
        cadre_links.c.compound_id == compounds.c.id,
        cadre_links.c.start_on <= as_of,
        sa.or_(cadre_links.c.end_on.is_(None), cadre_links.c.end_on >= as_of),
    )
    owners_committee_in_office = sa.and_(
        committees.c.kind == CommitteeKind.OWNERS_COMMITTEE.value,
        committees.c.formed_on <= as_of,
        sa.or_(committees.c.dissolved_on.is_(None), committees.c.dissolved_on > as_of),
    )
    formed = sa.exists().where(committees.c.compound_id == compounds.c.id, owners_committee_in_office)
    compound_row = (
        await session.execute(
            sa.select(
                sa.func.count(),
                _count_where(branch),
                _count_where(formed),
                _count_where(cadre),
            ).where(within(compounds.c.jurisdiction_path, path))
        )
    ).one()
    committee_row = (
        await session.execute(
            sa.select(
                sa.func.count(),
                _count_where(committees.c.is_red.is_(True)),
                _count_where(committees.c.is_dual_role.is_(True)),
                sa.func.coalesce(sa.func.sum(committees.c.two_committee_members), 0),
            ).where(within(committees.c.jurisdiction_path, path), owners_committee_in_office)
        )
    ).one()
    company_row = (
        await session.execute(
            sa.select(
                sa.func.count(),
                _count_where(companies.c.party_org_mode != PartyOrgMode.NONE.value),
            ).where(within(companies.c.jurisdiction_path, path), companies.c.party_org_required.is_(True))
        )
    ).one()
    return CoverageCounts(
        compounds=int(compound_row[0]),
        compounds_with_party_branch=int(compound_row[1]),
        compounds_with_owners_committee=int(compound_row[2]),
        compounds_with_linked_cadre=int(compound_row[3]),
        owners_committees=int(committee_row[0]),
        red_owners_committees=int(committee_row[1]),
        dual_role_committees=int(committee_row[2]),
        two_committee_members=int(committee_row[3]),
        companies_requiring_party_org=int(company_row[0]),
        companies_requiring_party_org_covered=int(company_row[1]),
    )
