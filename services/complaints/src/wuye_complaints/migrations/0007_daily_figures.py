"""daily figure counters (C4/C5) per jurisdiction path and local day, counted from the cases stored so far;
indexes for the figures of one category or one company, which are counted over the cases

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString
from wuye_complaints.adapters.figures import rebuild

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


INDEXES = (
    ("complaint_cases", "ix_complaint_cases_category_submitted", ["category", "submitted_at"]),
    ("complaint_cases", "ix_complaint_cases_company_submitted", ["company_id", "submitted_at"]),
    ("case_callbacks", "ix_case_callbacks_category_at", ["category", "at"]),
    ("case_callbacks", "ix_case_callbacks_company_at", ["company_id", "at"]),
)


def _counter_table(name: str, *keys: sa.Column, counts: tuple[str, ...]) -> None:
    """A counter table keyed by jurisdiction path, local day and ``keys``; every other column a count."""
    op.create_table(
        name,
        sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        *keys,
        *(sa.Column(count, sa.Integer(), nullable=False) for count in counts),
    )


def upgrade() -> None:
    _counter_table("figures_daily_submitted", counts=("submitted",))
    _counter_table("figures_daily_closed", sa.Column("tier", sa.String(10), primary_key=True),
                   counts=("closed", "resolved_late", "handled", "handling_working_days"))
    _counter_table("figures_daily_callbacks", sa.Column("superseded_on", sa.Date(), primary_key=True),
                   counts=("valid", "contacted", "solved", "satisfied", "basically_satisfied"))
    for statement in rebuild():
        op.execute(statement)
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for table, name, _ in INDEXES:
        op.drop_index(name, table_name=table)
    for table in ("figures_daily_callbacks", "figures_daily_closed", "figures_daily_submitted"):
        op.drop_table(table)
