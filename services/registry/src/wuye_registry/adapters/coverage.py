"""O6 counts for a jurisdiction and date, each an aggregate query over an index range of paths."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.aggregates import count_if, total
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.workdays import SHANGHAI
from wuye_registry.adapters.orm import (
    cadre_links,
    committee_terms,
    committees,
    companies,
    company_party_org_modes,
    compounds,
    party_organisations,
)
from wuye_registry.domain.committees import CommitteeKind
from wuye_registry.domain.companies import PartyOrgMode
from wuye_registry.domain.coverage import CoverageCounts
from wuye_registry.domain.party import PartyLevel


def _end_of_day_utc(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in Asia/Shanghai, as the UTC time the database stores."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI).astimezone(dt.UTC)


def _term_in_force(as_of: dt.date) -> sa.ColumnElement[bool]:
    """The committee's latest term that had started by ``as_of`` (the row of ``committee_terms``)."""
    later_term = committee_terms.alias("later_term")
    return sa.and_(
        committee_terms.c.committee_id == committees.c.id,
        committee_terms.c.term_start <= as_of,
        ~sa.exists().where(
            later_term.c.committee_id == committee_terms.c.committee_id,
            later_term.c.term_number > committee_terms.c.term_number,
            later_term.c.term_start <= as_of,
        ),
    )


def _party_org_mode_on(as_of: dt.date) -> sa.ColumnElement[str]:
    """Each company's party organisation mode on ``as_of``: its latest change by then, else none."""
    latest = (
        sa.select(company_party_org_modes.c.mode)
        .where(
            company_party_org_modes.c.company_id == companies.c.id, company_party_org_modes.c.effective_from <= as_of
        )
        .order_by(company_party_org_modes.c.effective_from.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(latest, PartyOrgMode.NONE.value)


class CoverageCounter:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def counts(self, path: str, *, as_of: dt.date) -> CoverageCounts:
        """Everything as it stood on ``as_of``: compounds registered by the end of that day (Asia/Shanghai),
        branches and cadre links by their own dates, committees in office with the figures of the term in
        force (members are kept per term), companies with the party organisation mode of that day."""
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
        registered = compounds.c.created_at < _end_of_day_utc(as_of)
        compound_row = (
            await self.session.execute(
                sa.select(
                    sa.func.count(),
                    count_if(branch),
                    count_if(formed),
                    count_if(cadre),
                ).where(at_or_below(compounds.c.jurisdiction_path, path), registered)
            )
        ).one()
        committee_row = (
            await self.session.execute(
                sa.select(
                    sa.func.count(),
                    count_if(committee_terms.c.is_red.is_(True)),
                    count_if(committee_terms.c.is_dual_role.is_(True)),
                    total(committee_terms.c.two_committee_members),
                )
                .select_from(committees)
                .join(committee_terms, _term_in_force(as_of))
                .join(compounds, compounds.c.id == committees.c.compound_id)
                .where(at_or_below(committees.c.jurisdiction_path, path), owners_committee_in_office, registered)
            )
        ).one()
        company_row = (
            await self.session.execute(
                sa.select(
                    sa.func.count(),
                    count_if(_party_org_mode_on(as_of) != PartyOrgMode.NONE.value),
                ).where(at_or_below(companies.c.jurisdiction_path, path), companies.c.party_org_required.is_(True))
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
