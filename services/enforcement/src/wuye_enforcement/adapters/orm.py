"""The enforcement service's tables (its own database; no other service reads them).

A plan's visits are its ``inspections`` rows (one per compound), so the E3 history of a compound is one
index range on ``(compound_id, kind, visit_date)``. Every finding gets exactly one rectification order, so
the order row is the finding's record too. ``departments`` columns hold ",code,code," so one department's
figures are a LIKE on one column. Figures (E5) are counted in SQL over ``inspections`` and
``rectification_orders``.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from wuye_chassis.companies import add_companies_table
from wuye_chassis.compounds import add_compounds_table
from wuye_chassis.db import JurisdictionPathString, UtcDateTime
from wuye_chassis.directory import add_directory_table
from wuye_chassis.messaging_tables import add_messaging_tables
from wuye_chassis.photo_library import photo_table

metadata = sa.MetaData()
known_jurisdictions = add_directory_table(metadata)
outbox, inbox = add_messaging_tables(metadata)
known_compounds = add_compounds_table(metadata)
# the companies' names, for the supervision tasks and items addressed to a company (names, not ids)
known_companies = add_companies_table(metadata)

inspection_items = sa.Table(
    "inspection_items",
    metadata,
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

inspection_plans = sa.Table(
    "inspection_plans",
    metadata,
    sa.Column("plan_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("basis", sa.String(200), nullable=True),
    sa.Column("visit_date", sa.Date(), nullable=False),
    # the merged checklist as planned: later catalogue edits do not change a plan already made
    sa.Column("checklist", sa.JSON(), nullable=False),
    sa.Column("teams", sa.JSON(), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

inspections = sa.Table(
    "inspections",
    metadata,
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

inspection_results = sa.Table(
    "inspection_results",
    metadata,
    sa.Column("inspection_id", sa.String(36), sa.ForeignKey("inspections.inspection_id"), primary_key=True),
    sa.Column("item_code", sa.String(40), primary_key=True),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("severity", sa.String(20), nullable=True),
    sa.Column("evidence_refs", sa.JSON(), nullable=False),
    sa.Column("inspector_id", sa.String(100), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
)

rectification_orders = sa.Table(
    "rectification_orders",
    metadata,
    sa.Column("order_id", sa.String(36), primary_key=True),
    sa.Column("finding_id", sa.String(80), nullable=False, unique=True),
    sa.Column("inspection_id", sa.String(36), sa.ForeignKey("inspections.inspection_id"), nullable=False, index=True),
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
    # the overdue sweep reads issued orders by deadline
    sa.Index("ix_rectification_orders_state_deadline", "state", "deadline"),
)


# --- supervision (S1–S4) ---------------------------------------------------------------------------
# Tasks and list items carry the addressee's resolved name and the path their record lies under, so an
# addressee's queue and the figures of a jurisdiction are one index range on (jurisdiction_path, deadline).

supervision_task_lists = sa.Table(
    "supervision_task_lists",
    metadata,
    sa.Column("list_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("origin", sa.String(20), nullable=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("issued_by", sa.String(100), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Index("ix_supervision_task_lists_path_issued", "jurisdiction_path", "issued_at"),
)

supervision_tasks = sa.Table(
    "supervision_tasks",
    metadata,
    sa.Column("task_id", sa.String(36), primary_key=True),
    sa.Column("list_id", sa.String(36), sa.ForeignKey("supervision_task_lists.list_id"), nullable=False, index=True),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("area", sa.String(100), nullable=False),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("required_result", sa.Text(), nullable=False),
    sa.Column("addressee_kind", sa.String(20), nullable=False),
    sa.Column("addressee_id", sa.String(100), nullable=False),
    sa.Column("addressee_name", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("deadline", sa.Date(), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("result", sa.Text(), nullable=True),
    sa.Column("evidence_refs", sa.JSON(), nullable=False),
    sa.Column("done_at", UtcDateTime(), nullable=True),
    sa.Column("done_by", sa.String(100), nullable=True),
    sa.Column("returned_reason", sa.Text(), nullable=True),
    sa.Column("times_returned", sa.Integer(), nullable=False),
    sa.Index("ix_supervision_tasks_path_deadline", "jurisdiction_path", "deadline"),
)

supervision_rounds = sa.Table(
    "supervision_rounds",
    metadata,
    sa.Column("round_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("seed", sa.BigInteger(), nullable=False),
    sa.Column("population", sa.Integer(), nullable=False),
    sa.Column("population_digest", sa.String(64), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

supervision_checks = sa.Table(
    "supervision_checks",
    metadata,
    sa.Column("check_id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(36), sa.ForeignKey("supervision_rounds.round_id"), nullable=False, index=True),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("target", sa.String(100), nullable=False),
    sa.Column("target_name", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("checker_path", JurisdictionPathString, nullable=True),
    sa.Column("findings", sa.JSON(), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("recorded_by", sa.String(100), nullable=True),
    sa.Column("recorded_at", UtcDateTime(), nullable=True),
)

supervision_lists = sa.Table(
    "supervision_lists",
    metadata,
    sa.Column("list_id", sa.String(36), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("round_id", sa.String(36), sa.ForeignKey("supervision_rounds.round_id"), nullable=True),
    sa.Column("issued_by", sa.String(100), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Index("ix_supervision_lists_path_issued", "jurisdiction_path", "issued_at"),
)

supervision_items = sa.Table(
    "supervision_items",
    metadata,
    sa.Column("item_id", sa.String(36), primary_key=True),
    sa.Column("list_id", sa.String(36), sa.ForeignKey("supervision_lists.list_id"), nullable=False, index=True),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("problem", sa.Text(), nullable=False),
    sa.Column("addressee_kind", sa.String(20), nullable=False),
    sa.Column("addressee_id", sa.String(100), nullable=False),
    sa.Column("addressee_name", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("deadline", sa.Date(), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("check_id", sa.String(36), nullable=True),
    sa.Column("steps", sa.JSON(), nullable=False),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("times_reopened", sa.Integer(), nullable=False),
    sa.Column("reviewed", sa.Boolean(), nullable=False),
    sa.Index("ix_supervision_items_path_deadline", "jurisdiction_path", "deadline"),
)

# photos of evidence (the bytes are in the object store under object_key): the inspector's own until a
# result they record names it ("photo:<id>" among its evidence_refs), then the inspection's, in its
# jurisdiction, read only through the inspection
evidence_photos = photo_table("evidence_photos", metadata, holder="held_by")


def department_list(codes: Iterable[str]) -> str:
    """A ``departments`` column value: ``,a,b,``."""
    return "," + ",".join(codes) + ","


def department_pattern(code: str) -> str:
    """The ``LIKE`` pattern of the rows whose ``departments`` include ``code``."""
    return f"%,{code},%"
