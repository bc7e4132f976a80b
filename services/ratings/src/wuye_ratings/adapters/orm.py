"""The ratings service's tables (its own database; no other service reads them).

Scores are never stored: they are recomputed from ``credit_records`` (R6). Exact numbers (points,
scores) are stored as fraction text ("-5", "170/3") so nothing is rounded on the way to the database.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import JurisdictionPathString, UtcDateTime
from wuye_chassis.directory import add_directory_table
from wuye_chassis.messaging_tables import add_messaging_tables

#: jurisdiction paths compare byte by byte, so a prefix is an index range (``below_path_range``)
FractionText = sa.String(40)

metadata = sa.MetaData()
known_jurisdictions = add_directory_table(metadata)
outbox, inbox = add_messaging_tables(metadata)

# companies known to ratings, from the registry's CompanyRegistered events
rated_companies = sa.Table(
    "rated_companies",
    metadata,
    sa.Column("company_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# which company serves which compound, from the registry's contract events: the streets a company is a
# peer in (R3), the compounds a contract-end advice names (R4), the companies of a jurisdiction
served_compounds = sa.Table(
    "served_compounds",
    metadata,
    sa.Column("compound_id", sa.String(64), primary_key=True),
    sa.Column("company_id", sa.String(64), nullable=False, index=True),
    sa.Column("contract_id", sa.String(64), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# added rule versions; the default version lives in the domain and is never stored
rule_versions = sa.Table(
    "rule_versions",
    metadata,
    sa.Column("version", sa.String(64), primary_key=True),
    sa.Column("effective_from", sa.Date(), nullable=False),
    sa.Column("base_score", FractionText, nullable=False),
    # {"AAA": "85", ...}, {"award_national": "5", ...}, ["maintenance_fund_misuse", ...]
    sa.Column("band_floors", sa.JSON(), nullable=False),
    sa.Column("points", sa.JSON(), nullable=False),
    sa.Column("automatic_c_kinds", sa.JSON(), nullable=False),
    sa.Column("validity_years", sa.Integer(), nullable=False),
    sa.Column("added_by", sa.String(100), nullable=False),
    sa.Column("added_at", UtcDateTime(), nullable=False),
)

credit_records = sa.Table(
    "credit_records",
    metadata,
    sa.Column("record_id", sa.String(36), primary_key=True),
    sa.Column("company_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("points", FractionText, nullable=False),
    sa.Column("forces_c", sa.Boolean(), nullable=False),
    sa.Column("source_kind", sa.String(10), nullable=False),
    sa.Column("source_reference", sa.String(100), nullable=False),
    sa.Column("occurred_on", sa.Date(), nullable=False),
    sa.Column("valid_until", sa.Date(), nullable=False),
    sa.Column("rule_version", sa.String(64), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("withdrawn_on", sa.Date(), nullable=True),
    sa.Column("withdrawn_by_appeal", sa.String(36), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_credit_records_company_occurred", "company_id", "occurred_on"),
)

appeals = sa.Table(
    "appeals",
    metadata,
    sa.Column("appeal_id", sa.String(36), primary_key=True),
    sa.Column("record_id", sa.String(36), nullable=False, index=True),
    sa.Column("company_id", sa.String(64), nullable=False),
    sa.Column("filed_by", sa.String(100), nullable=False),
    sa.Column("grounds", sa.Text(), nullable=False),
    sa.Column("filed_at", UtcDateTime(), nullable=False),
    sa.Column("outcome", sa.String(10), nullable=True),
    sa.Column("reviewer_id", sa.String(100), nullable=True),
    sa.Column("decision_reason", sa.Text(), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
)

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("evaluation_id", sa.String(36), primary_key=True),
    sa.Column("company_id", sa.String(64), nullable=False),
    sa.Column("street_path", JurisdictionPathString, nullable=False),
    sa.Column("quarter", sa.String(8), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("evaluator_id", sa.String(64), nullable=False),
    # the aspect scores, comma separated ("8,9,10,...")
    sa.Column("aspect_scores", sa.String(100), nullable=False),
    sa.Column("submitted_on", sa.Date(), nullable=False),
    sa.Column("submitted_by", sa.String(100), nullable=False),
    # R3 backstop for concurrent submissions: one evaluation per evaluator per company, street and quarter
    sa.UniqueConstraint(
        "company_id", "street_path", "quarter", "kind", "evaluator_id", name="uq_evaluations_one_per_evaluator"
    ),
)

published_lists = sa.Table(
    "published_lists",
    metadata,
    sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
    sa.Column("quarter", sa.String(8), primary_key=True),
    sa.Column("published_on", sa.Date(), nullable=False),
    sa.Column("black_includes_b", sa.Boolean(), nullable=False),
    sa.Column("published_by", sa.String(100), nullable=False),
    # where the lists were published (R7); "" for lists published before it was recorded
    sa.Column("published_in", sa.String(200), nullable=False, server_default=""),
)

list_standings = sa.Table(
    "list_standings",
    metadata,
    sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
    sa.Column("quarter", sa.String(8), primary_key=True),
    sa.Column("company_id", sa.String(64), primary_key=True),
    sa.Column("band", sa.String(3), nullable=False),
    sa.Column("score", FractionText, nullable=False),
    # the compounds the company served in the jurisdiction, comma separated
    sa.Column("compound_ids", sa.Text(), nullable=False),
)

# R7: the list policy a jurisdiction set for itself and below (none set: the deployment's default)
list_policies = sa.Table(
    "list_policies",
    metadata,
    sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
    sa.Column("scheme", sa.String(24), nullable=False),
    sa.Column("black_includes_b", sa.Boolean(), nullable=False),
    sa.Column("red_percent", sa.Integer(), nullable=False),
    sa.Column("yellow_percent", sa.Integer(), nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("set_at", UtcDateTime(), nullable=False),
)

# R7: published yearly red/yellow lists, with each company's place as published (a later policy or score
# never changes a published list)
yearly_lists = sa.Table(
    "yearly_lists",
    metadata,
    sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
    sa.Column("year", sa.Integer(), primary_key=True),
    sa.Column("published_on", sa.Date(), nullable=False),
    sa.Column("published_in", sa.String(200), nullable=False),
    sa.Column("red_percent", sa.Integer(), nullable=False),
    sa.Column("yellow_percent", sa.Integer(), nullable=False),
    sa.Column("published_by", sa.String(100), nullable=False),
)

yearly_standings = sa.Table(
    "yearly_standings",
    metadata,
    sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
    sa.Column("year", sa.Integer(), primary_key=True),
    sa.Column("company_id", sa.String(64), primary_key=True),
    sa.Column("rank", sa.Integer(), nullable=False),
    sa.Column("band", sa.String(3), nullable=False),
    sa.Column("score", FractionText, nullable=False),
    sa.Column("listing", sa.String(10), nullable=False),
    sa.Column("compound_ids", sa.Text(), nullable=False),
)

# every contract the registry announced, kept after it ends: a company's service start (R5 eligibility)
# and whether any contract still serves when one ends (R5 withdrawal)
service_contracts = sa.Table(
    "service_contracts",
    metadata,
    sa.Column("contract_id", sa.String(64), primary_key=True),
    sa.Column("company_id", sa.String(64), nullable=False, index=True),
    sa.Column("compound_id", sa.String(64), nullable=False),
    sa.Column("started_on", sa.Date(), nullable=False),
    sa.Column("terminated_on", sa.Date(), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# R5: one rating per company and year; withdrawal keeps the row
star_ratings = sa.Table(
    "star_ratings",
    metadata,
    sa.Column("company_id", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer(), primary_key=True),
    sa.Column("score", FractionText, nullable=False),
    sa.Column("stars", sa.Integer(), nullable=False),
    sa.Column("city_review_approved", sa.Boolean(), nullable=False),
    sa.Column("assessed_on", sa.Date(), nullable=False),
    sa.Column("assessed_by", sa.String(100), nullable=False),
    sa.Column("city_reviewed_on", sa.Date(), nullable=True),
    sa.Column("city_reviewed_by", sa.String(100), nullable=True),
    sa.Column("withdrawn_on", sa.Date(), nullable=True),
    sa.Column("withdrawal_reason", sa.String(20), nullable=True),
    sa.Column("withdrawal_note", sa.Text(), nullable=True),
)


async def upsert(session: AsyncSession, table: sa.Table, key: Mapping[str, str], values: Mapping[str, object]) -> None:
    """Set ``values`` on the row with ``key`` (its primary key column and value), inserting it when missing:
    read models apply the latest announcement whether or not an earlier one arrived."""
    [(column, value)] = key.items()
    updated = await session.execute(
        table.update().where(table.c[column] == value).values(**values).returning(table.c[column])
    )
    if updated.first() is None:
        await session.execute(table.insert().values(**key, **values))
