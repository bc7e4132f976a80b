"""compound read model, inspection catalogue, plans, inspections, results and rectification orders

Revision ID: 0002
Revises: 0001
"""

from typing import cast

import sqlalchemy as sa
from alembic import op
from alembic.operations import Operations

from wuye_chassis.compounds import create_compounds_table
from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # alembic's ``op`` module forwards to the running Operations; its stubs type it as a module
    create_compounds_table(cast(Operations, op))
    op.create_table(
        "inspection_items",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("lead_department", sa.String(40), nullable=False, index=True),
        sa.Column("partner_departments", sa.JSON(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("standard", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(20), nullable=False),
        sa.Column("scenario", sa.String(60), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "inspection_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("basis", sa.String(200), nullable=True),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("teams", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "inspections",
        sa.Column("inspection_id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("inspection_plans.plan_id"), nullable=False, index=True),
        sa.Column("compound_id", sa.String(64), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("company_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("departments", sa.String(400), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.Column("items_checked", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("visits_saved", sa.Integer(), nullable=False),
        sa.Index("ix_inspections_compound_kind_date", "compound_id", "kind", "visit_date"),
        sa.Index("ix_inspections_path_completed", "jurisdiction_path", "completed_at"),
    )
    op.create_table(
        "inspection_results",
        sa.Column(
            "inspection_id", sa.String(36), sa.ForeignKey("inspections.inspection_id"), primary_key=True
        ),
        sa.Column("item_code", sa.String(40), primary_key=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=True),
        sa.Column("evidence_refs", sa.JSON(), nullable=False),
        sa.Column("inspector_id", sa.String(100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "rectification_orders",
        sa.Column("order_id", sa.String(36), primary_key=True),
        sa.Column("finding_id", sa.String(80), nullable=False, unique=True),
        sa.Column(
            "inspection_id", sa.String(36), sa.ForeignKey("inspections.inspection_id"), nullable=False, index=True
        ),
        sa.Column("compound_id", sa.String(64), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("item_code", sa.String(40), nullable=False),
        sa.Column("departments", sa.String(400), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("addressee", sa.String(30), nullable=False),
        sa.Column("addressee_id", sa.String(100), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("rechecks", sa.JSON(), nullable=False),
        sa.Column("rectified_at", UtcDateTime(), nullable=True),
        sa.Column("overdue_at", UtcDateTime(), nullable=True),
        sa.Column("escalation_id", sa.String(36), nullable=True),
        sa.Column("escalation_kind", sa.String(30), nullable=True),
        sa.Column("referral_kind", sa.String(40), nullable=True),
        sa.Column("escalation_department", sa.String(40), nullable=True),
        sa.Column("escalated_at", UtcDateTime(), nullable=True),
        sa.Column("escalation_outcome", sa.String(30), nullable=True),
        sa.Column("concluded_at", UtcDateTime(), nullable=True),
        sa.Index("ix_rectification_orders_state_deadline", "state", "deadline"),
    )


def downgrade() -> None:
    for table in ("rectification_orders", "inspection_results", "inspections", "inspection_plans", "inspection_items"):
        op.drop_table(table)
    op.drop_table("known_compounds")
