"""complaint cases with reporters, history, escalations and callbacks; mediations; the compound read
model; the audit of unmasked personal-data reads

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
        "complaint_cases",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=64), nullable=False),
        sa.Column(
            "jurisdiction_path",
            sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("accept_due_at", UtcDateTime(), nullable=False),
        sa.Column("accepted_at", UtcDateTime(), nullable=True),
        sa.Column("rejected_at", UtcDateTime(), nullable=True),
        sa.Column("reject_reason", sa.String(length=30), nullable=True),
        sa.Column("duplicate_of", sa.String(length=36), nullable=True),
        sa.Column("assignee_kind", sa.String(length=10), nullable=True),
        sa.Column("assignee_id", sa.String(length=64), nullable=True),
        sa.Column("company_id", sa.String(length=64), nullable=True),
        sa.Column("first_dispatched_at", UtcDateTime(), nullable=True),
        sa.Column("resolve_due_at", UtcDateTime(), nullable=True),
        sa.Column("tier_due_at", UtcDateTime(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("reply_at", UtcDateTime(), nullable=True),
        sa.Column("reply_actor_id", sa.String(length=100), nullable=True),
        sa.Column("reply_message", sa.Text(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("collective", sa.Boolean(), nullable=False),
        sa.Column("resolved_late", sa.Boolean(), nullable=False),
        sa.Column("handling_working_days", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("case_id"),
        sa.UniqueConstraint("channel", "external_id", name="uq_complaint_cases_channel_external_id"),
    )
    op.create_index("ix_complaint_cases_category_closed", "complaint_cases", ["category", "closed_at"], unique=False)
    op.create_index("ix_complaint_cases_company_closed", "complaint_cases", ["company_id", "closed_at"], unique=False)
    op.create_index(
        "ix_complaint_cases_compound_category",
        "complaint_cases",
        ["compound_id", "category", "submitted_at"],
        unique=False,
    )
    op.create_index("ix_complaint_cases_escalation", "complaint_cases", ["state", "tier_due_at"], unique=False)
    op.create_index(
        "ix_complaint_cases_path_closed",
        "complaint_cases",
        ["jurisdiction_path", "closed_at", "tier", "resolved_late", "handling_working_days"],
        unique=False,
    )
    op.create_index(
        "ix_complaint_cases_path_submitted", "complaint_cases", ["jurisdiction_path", "submitted_at"], unique=False
    )
    op.create_table(
        "known_compounds",
        sa.Column("compound_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction_path", sa.String(length=64), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=True),
        sa.Column("contract_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("compound_id"),
    )
    op.create_index(
        op.f("ix_known_compounds_jurisdiction_path"), "known_compounds", ["jurisdiction_path"], unique=False
    )
    op.create_table(
        "mediations",
        sa.Column("mediation_id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction_path", sa.String(length=64), nullable=False),
        sa.Column("complaint_case_id", sa.String(length=36), nullable=True),
        sa.Column("mediator_id", sa.String(length=100), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_at", UtcDateTime(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("court_id", sa.String(length=100), nullable=True),
        sa.Column("referred_at", UtcDateTime(), nullable=True),
        sa.Column("referred_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("mediation_id"),
    )
    op.create_index(op.f("ix_mediations_jurisdiction_path"), "mediations", ["jurisdiction_path"], unique=False)
    op.create_table(
        "personal_data_reads",
        sa.Column("read_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("read_id"),
    )
    op.create_index(op.f("ix_personal_data_reads_case_id"), "personal_data_reads", ["case_id"], unique=False)
    op.create_table(
        "case_callbacks",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("contacted", sa.Boolean(), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("satisfaction", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "jurisdiction_path",
            sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("company_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["complaint_cases.case_id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "position"),
    )
    op.create_index(
        "ix_case_callbacks_path_at",
        "case_callbacks",
        ["jurisdiction_path", "at", "valid", "contacted", "solved", "satisfaction"],
        unique=False,
    )
    op.create_table(
        "case_escalations",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("from_tier", sa.String(length=10), nullable=False),
        sa.Column("to_tier", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["complaint_cases.case_id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "position"),
    )
    op.create_table(
        "case_history",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["complaint_cases.case_id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "position"),
    )
    op.create_table(
        "case_reporters",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.String(length=100), nullable=False),
        sa.Column("name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("phone_encrypted", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["complaint_cases.case_id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "position"),
        sa.UniqueConstraint("case_id", "reporter_id", name="uq_case_reporters_case_reporter"),
    )
    op.create_table(
        "mediation_parties",
        sa.Column("mediation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["mediations.mediation_id"],
        ),
        sa.PrimaryKeyConstraint("mediation_id", "position"),
    )
    op.create_table(
        "mediation_steps",
        sa.Column("mediation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["mediations.mediation_id"],
        ),
        sa.PrimaryKeyConstraint("mediation_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("mediation_steps")
    op.drop_table("mediation_parties")
    op.drop_table("case_reporters")
    op.drop_table("case_history")
    op.drop_table("case_escalations")
    op.drop_index("ix_case_callbacks_path_at", table_name="case_callbacks")
    op.drop_table("case_callbacks")
    op.drop_index(op.f("ix_personal_data_reads_case_id"), table_name="personal_data_reads")
    op.drop_table("personal_data_reads")
    op.drop_index(op.f("ix_mediations_jurisdiction_path"), table_name="mediations")
    op.drop_table("mediations")
    op.drop_index(op.f("ix_known_compounds_jurisdiction_path"), table_name="known_compounds")
    op.drop_table("known_compounds")
    op.drop_index("ix_complaint_cases_path_submitted", table_name="complaint_cases")
    op.drop_index("ix_complaint_cases_path_closed", table_name="complaint_cases")
    op.drop_index("ix_complaint_cases_escalation", table_name="complaint_cases")
    op.drop_index("ix_complaint_cases_compound_category", table_name="complaint_cases")
    op.drop_index("ix_complaint_cases_company_closed", table_name="complaint_cases")
    op.drop_index("ix_complaint_cases_category_closed", table_name="complaint_cases")
    op.drop_table("complaint_cases")
