"""compounds, hash-chained ledgers, maintenance fund accounts, owners' votes, use applications, committee expenses, disclosures

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


def upgrade() -> None:
    op.create_table(
        "compounds",
        sa.Column("compound_id", sa.String(64), primary_key=True),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("follow_majority", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_compounds_jurisdiction_path", "compounds", ["jurisdiction_path"])
    op.create_table(
        "ledgers",
        sa.Column("ledger_id", sa.String(100), primary_key=True),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_ledgers_compound_id", "ledgers", ["compound_id"])
    op.create_table(
        "ledger_entries",
        sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), primary_key=True),
        sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("counter_account_id", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("memo", sa.String(500), nullable=False),
        sa.Column("occurred_at", sa.String(64), nullable=False),
        sa.Column("reverses_sequence", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "maintenance_accounts",
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), primary_key=True),
        sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), nullable=False),
        sa.Column("rate_fen_per_m2", sa.BigInteger(), nullable=False),
        sa.Column("construction_cost_fen_per_m2", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "sub_accounts",
        sa.Column(
            "compound_id", sa.String(64), sa.ForeignKey("maintenance_accounts.compound_id"), primary_key=True
        ),
        sa.Column("household_id", sa.String(54), primary_key=True),
        sa.Column("building_id", sa.String(64), nullable=False),
        sa.Column("area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("first_deposit_fen", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "votes",
        sa.Column("vote_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("matter", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("building_scope", sa.Text(), nullable=True),
        sa.Column("follow_majority", sa.Boolean(), nullable=False),
        sa.Column("electorate_owners", sa.Integer(), nullable=False),
        sa.Column("electorate_area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
    )
    op.create_index("ix_votes_compound_id", "votes", ["compound_id"])
    op.create_table(
        "vote_roster_units",
        sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), primary_key=True),
        sa.Column("unit_id", sa.String(64), primary_key=True),
        sa.Column("owner_key", sa.String(64), nullable=False),
        sa.Column("building_id", sa.String(64), nullable=False),
        sa.Column("area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("developer_unsold", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "ballots",
        sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), primary_key=True),
        sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("owner_key", sa.String(64), nullable=False),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("cast_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "use_applications",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("building_scope", sa.Text(), nullable=True),
        sa.Column("emergency", sa.String(32), nullable=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), nullable=True, unique=True),
        sa.Column("committee_review", sa.String(200), nullable=True),
        sa.Column("street_confirmation", sa.String(200), nullable=True),
        sa.Column("actual_cost_fen", sa.BigInteger(), nullable=True),
        sa.Column("settlement_audit", sa.String(200), nullable=True),
        sa.Column("payment_approved_by", sa.String(32), nullable=True),
        sa.Column("disclosure", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_use_applications_compound_id", "use_applications", ["compound_id"])

    op.create_table(
        "committee_expenses",
        sa.Column("expense_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("chain", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "expense_decisions",
        sa.Column("expense_id", sa.String(36), sa.ForeignKey("committee_expenses.expense_id"), primary_key=True),
        sa.Column("step", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "disclosures",
        sa.Column("disclosure_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.UniqueConstraint("compound_id", "period", name="uq_disclosures_compound_period"),
    )
    op.create_index("ix_committee_expenses_compound_id", "committee_expenses", ["compound_id"])
    op.create_index("ix_committee_expenses_jurisdiction_path", "committee_expenses", ["jurisdiction_path"])


def downgrade() -> None:
    for table in (
        "disclosures",
        "expense_decisions",
        "committee_expenses",
        "use_applications",
        "ballots",
        "vote_roster_units",
        "votes",
        "sub_accounts",
        "maintenance_accounts",
        "ledger_entries",
        "ledgers",
        "compounds",
    ):
        op.drop_table(table)
