"""F8 sale and demolition, P4 mini fund, P5 neighbour funds (ledgers without a compound), P3 overdue
reports and audits, R4 matter-4 vote proposals

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sub_accounts") as batch:
        batch.add_column(sa.Column("closed_at", UtcDateTime(), nullable=True))
    op.create_table(
        "sub_account_changes",
        sa.Column("change_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(54), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("owner_key", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id", "household_id"], ["sub_accounts.compound_id", "sub_accounts.household_id"]
        ),
    )
    op.create_index("ix_sub_account_changes_household", "sub_account_changes", ["compound_id", "household_id"])
    with op.batch_alter_table("ledgers") as batch:
        batch.alter_column("compound_id", existing_type=sa.String(64), nullable=True)
    op.create_table(
        "mini_funds",
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), primary_key=True),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), nullable=False),
        sa.Column("rate_fen_per_m2_month", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_mini_funds_jurisdiction_path", "mini_funds", ["jurisdiction_path"])
    op.create_table(
        "neighbour_funds",
        sa.Column("fund_id", sa.String(36), primary_key=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_fund_id", sa.String(36), sa.ForeignKey("neighbour_funds.fund_id"), nullable=True),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_neighbour_funds_jurisdiction_path", "neighbour_funds", ["jurisdiction_path"])
    op.create_table(
        "disclosure_overdue_notices",
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), primary_key=True),
        sa.Column("subject", sa.String(32), primary_key=True),
        sa.Column("due_at", UtcDateTime(), primary_key=True),
        sa.Column("reported_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "audits",
        sa.Column("audit_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("auditor", sa.String(200), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_audits_compound_id", "audits", ["compound_id"])
    op.create_index("ix_audits_jurisdiction_path", "audits", ["jurisdiction_path"])
    op.create_table(
        "vote_proposals",
        sa.Column("proposal_id", sa.String(36), primary_key=True),
        sa.Column("compound_id", sa.String(64), nullable=False),
        sa.Column("jurisdiction_path", sa.String(64), nullable=False),
        sa.Column("company_id", sa.String(64), nullable=False),
        sa.Column("quarter", sa.String(16), nullable=False),
        sa.Column("matter", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("source_event_id", sa.String(64), nullable=False),
        sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("source_event_id", "compound_id", name="uq_vote_proposals_event_compound"),
    )
    op.create_index("ix_vote_proposals_jurisdiction_path", "vote_proposals", ["jurisdiction_path"])


def downgrade() -> None:
    op.drop_table("vote_proposals")
    op.drop_table("audits")
    op.drop_table("disclosure_overdue_notices")
    op.drop_table("neighbour_funds")
    op.drop_table("mini_funds")
    with op.batch_alter_table("ledgers") as batch:
        batch.alter_column("compound_id", existing_type=sa.String(64), nullable=False)
    op.drop_index("ix_sub_account_changes_household", table_name="sub_account_changes")
    op.drop_table("sub_account_changes")
    with op.batch_alter_table("sub_accounts") as batch:
        batch.drop_column("closed_at")
