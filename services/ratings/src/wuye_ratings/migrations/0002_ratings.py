"""rated companies and served compounds (registry read models), rule versions, credit records, appeals,
evaluations, published red/black lists

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PATH = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rated_companies",
        sa.Column("company_id", sa.String(length=64), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction_path", PATH, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_rated_companies_jurisdiction_path", "rated_companies", ["jurisdiction_path"])
    op.create_table(
        "served_compounds",
        sa.Column("compound_id", sa.String(length=64), primary_key=True),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction_path", PATH, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_served_compounds_company_id", "served_compounds", ["company_id"])
    op.create_index("ix_served_compounds_jurisdiction_path", "served_compounds", ["jurisdiction_path"])
    op.create_table(
        "rule_versions",
        sa.Column("version", sa.String(length=64), primary_key=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("base_score", sa.String(length=40), nullable=False),
        sa.Column("band_floors", sa.JSON(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("automatic_c_kinds", sa.JSON(), nullable=False),
        sa.Column("validity_years", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "credit_records",
        sa.Column("record_id", sa.String(length=36), primary_key=True),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("points", sa.String(length=40), nullable=False),
        sa.Column("forces_c", sa.Boolean(), nullable=False),
        sa.Column("source_kind", sa.String(length=10), nullable=False),
        sa.Column("source_reference", sa.String(length=100), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("rule_version", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_by_appeal", sa.String(length=36), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_credit_records_company_occurred", "credit_records", ["company_id", "occurred_on"])
    op.create_table(
        "appeals",
        sa.Column("appeal_id", sa.String(length=36), primary_key=True),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("filed_at", UtcDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("reviewer_id", sa.String(length=100), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_appeals_record_id", "appeals", ["record_id"])
    op.create_table(
        "evaluations",
        sa.Column("evaluation_id", sa.String(length=36), primary_key=True),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("street_path", PATH, nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("evaluator_id", sa.String(length=64), nullable=False),
        sa.Column("aspect_scores", sa.String(length=100), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.UniqueConstraint(
            "company_id", "street_path", "quarter", "kind", "evaluator_id", name="uq_evaluations_one_per_evaluator"
        ),
    )
    op.create_table(
        "published_lists",
        sa.Column("jurisdiction_path", PATH, primary_key=True),
        sa.Column("quarter", sa.String(length=8), primary_key=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("black_includes_b", sa.Boolean(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
    )
    op.create_table(
        "list_standings",
        sa.Column("jurisdiction_path", PATH, primary_key=True),
        sa.Column("quarter", sa.String(length=8), primary_key=True),
        sa.Column("company_id", sa.String(length=64), primary_key=True),
        sa.Column("band", sa.String(length=3), nullable=False),
        sa.Column("score", sa.String(length=40), nullable=False),
        sa.Column("compound_ids", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "list_standings", "published_lists", "evaluations", "appeals", "credit_records", "rule_versions",
        "served_compounds", "rated_companies",
    ):
        op.drop_table(table)
