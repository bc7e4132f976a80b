"""The complaints service's tables (its own database; no other service reads them).

Figures (C4/C5) of a place and period are sums over the ``figures_daily_*`` counters, kept per
jurisdiction path and local day in the transaction that changes a case, so a county's figures read a few
thousand rows however many cases it holds. Figures filtered by category or company are counted over
``complaint_cases`` and ``case_callbacks``, which carry what they filter on, with indexes that lead
with the jurisdiction path.
"""

from typing import Any

import sqlalchemy as sa

from wuye_chassis.compounds import add_compounds_table
from wuye_chassis.db import JurisdictionPathString, UtcDateTime
from wuye_chassis.directory import add_directory_table
from wuye_chassis.messaging_tables import add_messaging_tables
from wuye_chassis.photo_library import photo_table

#: jurisdiction paths compare byte by byte, so a prefix is an index range (``below_path_range``)

metadata = sa.MetaData()
known_jurisdictions = add_directory_table(metadata)
outbox, inbox = add_messaging_tables(metadata)
ticket_counters = metadata.tables["ticket_counters"]

# which compounds exist, where they lie and who serves them: fed by registry events, so intake keeps
# working while the registry is down
known_compounds = add_compounds_table(metadata)

cases = sa.Table(
    "complaint_cases",
    metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("external_id", sa.String(100), nullable=True),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("tier", sa.String(10), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
    sa.Column("accept_due_at", UtcDateTime(), nullable=False),
    sa.Column("accepted_at", UtcDateTime(), nullable=True),
    sa.Column("rejected_at", UtcDateTime(), nullable=True),
    sa.Column("reject_reason", sa.String(30), nullable=True),
    sa.Column("duplicate_of", sa.String(36), nullable=True),
    sa.Column("assignee_kind", sa.String(10), nullable=True),
    sa.Column("assignee_id", sa.String(64), nullable=True),
    # the company holding the case (None when the community holds it), for figures and ratings
    sa.Column("company_id", sa.String(64), nullable=True),
    sa.Column("first_dispatched_at", UtcDateTime(), nullable=True),
    sa.Column("resolve_due_at", UtcDateTime(), nullable=True),
    sa.Column("tier_due_at", UtcDateTime(), nullable=True),
    sa.Column("resolved_at", UtcDateTime(), nullable=True),
    sa.Column("reply_at", UtcDateTime(), nullable=True),
    sa.Column("reply_actor_id", sa.String(100), nullable=True),
    sa.Column("reply_message", sa.Text(), nullable=True),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("reopen_count", sa.Integer(), nullable=False),
    sa.Column("collective", sa.Boolean(), nullable=False),
    # derived at save time from the domain, so figures need no calendar in SQL
    sa.Column("resolved_late", sa.Boolean(), nullable=False),
    sa.Column("handling_working_days", sa.Integer(), nullable=True),
    sa.Column("satisfaction", sa.String(20), nullable=True),
    sa.UniqueConstraint("channel", "external_id", name="uq_complaint_cases_channel_external_id"),
    sa.Column("ticket_no", sa.String(32), nullable=True),
    sa.Index("uq_complaint_cases_ticket_no", "ticket_no", unique=True),
    # the registry person who filed the case as themselves (a resident); a resident lists their own cases
    sa.Column("reporter_person_id", sa.String(100), nullable=True),
    sa.Index("ix_complaint_cases_reporter_person", "reporter_person_id", "case_id"),
    # covering: the closed-case figures read only the index, never the table
    sa.Index(
        "ix_complaint_cases_path_closed",
        "jurisdiction_path", "closed_at", "tier", "resolved_late", "handling_working_days",
    ),
    sa.Index("ix_complaint_cases_path_submitted", "jurisdiction_path", "submitted_at"),
    sa.Index("ix_complaint_cases_category_closed", "category", "closed_at"),
    sa.Index("ix_complaint_cases_company_closed", "company_id", "closed_at"),
    # one category's or one company's figures (0007)
    sa.Index("ix_complaint_cases_category_submitted", "category", "submitted_at"),
    sa.Index("ix_complaint_cases_company_submitted", "company_id", "submitted_at"),
    sa.Index("ix_complaint_cases_compound_category", "compound_id", "category", "submitted_at"),
    sa.Index("ix_complaint_cases_escalation", "state", "tier_due_at"),
)

# every reporter of a case (the first filed it; C6 co-reporters joined); name and phone encrypted
case_reporters = sa.Table(
    "case_reporters",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("complaint_cases.case_id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("reporter_id", sa.String(100), nullable=False),
    sa.Column("name_encrypted", sa.LargeBinary(), nullable=False),
    sa.Column("phone_encrypted", sa.LargeBinary(), nullable=False),
    sa.UniqueConstraint("case_id", "reporter_id", name="uq_case_reporters_case_reporter"),
)

case_history = sa.Table(
    "case_history",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("complaint_cases.case_id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("from_state", sa.String(20), nullable=True),
    sa.Column("to_state", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
)

case_escalations = sa.Table(
    "case_escalations",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("complaint_cases.case_id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_id", sa.String(100), nullable=False),
    sa.Column("from_tier", sa.String(10), nullable=False),
    sa.Column("to_tier", sa.String(10), nullable=False),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("note", sa.Text(), nullable=True),
)

# callbacks carry the case's place, category, company and tier at the time, so C5 rates are one scan
case_callbacks = sa.Table(
    "case_callbacks",
    metadata,
    sa.Column("case_id", sa.String(36), sa.ForeignKey("complaint_cases.case_id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_id", sa.String(100), nullable=False),
    sa.Column("valid", sa.Boolean(), nullable=False),
    sa.Column("contacted", sa.Boolean(), nullable=True),
    sa.Column("solved", sa.Boolean(), nullable=True),
    sa.Column("satisfaction", sa.String(20), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("company_id", sa.String(64), nullable=True),
    # covering: the C5 counts read only the index
    sa.Index(
        "ix_case_callbacks_path_at", "jurisdiction_path", "at", "valid", "contacted", "solved", "satisfaction"
    ),
    # one category's or one company's figures (0007)
    sa.Index("ix_case_callbacks_category_at", "category", "at"),
    sa.Index("ix_case_callbacks_company_at", "company_id", "at"),
)

# photos uploaded for a complaint (the bytes are in the object store under object_key): the uploader's
# own until a case they file takes them, then the case's, in its jurisdiction (read only through the case)
case_photos = photo_table("case_photos", metadata, holder="case_id")

# who saw a reporter's full name and phone, and when (DESIGN: every unmasked read is audited)
personal_data_reads = sa.Table(
    "personal_data_reads",
    metadata,
    sa.Column("read_id", sa.String(36), primary_key=True),
    sa.Column("case_id", sa.String(36), nullable=False, index=True),
    sa.Column("user_id", sa.String(100), nullable=False),
    sa.Column("roles", sa.String(200), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
)

mediations = sa.Table(
    "mediations",
    metadata,
    sa.Column("mediation_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), nullable=False),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("complaint_case_id", sa.String(36), nullable=True),
    sa.Column("mediator_id", sa.String(100), nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=True),
    sa.Column("outcome_at", UtcDateTime(), nullable=True),
    sa.Column("outcome_note", sa.Text(), nullable=True),
    sa.Column("court_id", sa.String(100), nullable=True),
    sa.Column("referred_at", UtcDateTime(), nullable=True),
    sa.Column("referred_by", sa.String(100), nullable=True),
)

mediation_parties = sa.Table(
    "mediation_parties",
    metadata,
    sa.Column("mediation_id", sa.String(36), sa.ForeignKey("mediations.mediation_id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("party_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
)

mediation_steps = sa.Table(
    "mediation_steps",
    metadata,
    sa.Column("mediation_id", sa.String(36), sa.ForeignKey("mediations.mediation_id"), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
)

# consultation meetings (M1–M2): a meeting's matters and their follow-ups are one JSON document on its row,
# read and written whole; a jurisdiction's figures are one index range on (jurisdiction_path, held_on)
consultation_meetings = sa.Table(
    "consultation_meetings",
    metadata,
    sa.Column("meeting_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("compound_id", sa.String(64), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
    sa.Column("held_on", sa.Date(), nullable=False),
    sa.Column("parties", sa.JSON(), nullable=False),
    sa.Column("matters", sa.JSON(), nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
    sa.Index("ix_consultation_meetings_path_held", "jurisdiction_path", "held_on"),
)

# --- the C4/C5 figures, counted per jurisdiction path and local (Asia/Shanghai) day as cases change -----
# (adapters.figures keeps them; ``python -m wuye_complaints rebuild-figures`` recounts them from the cases)

def _daily_counters(name: str, *keys: sa.Column[Any], counts: tuple[str, ...]) -> sa.Table:
    """A counter table keyed by jurisdiction path, local day and ``keys``; every other column a count."""
    return sa.Table(
        name, metadata,
        sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        *keys,
        *(sa.Column(count, sa.Integer(), nullable=False) for count in counts),
    )


#: the cases submitted
figures_daily_submitted = _daily_counters("figures_daily_submitted", counts=("submitted",))

#: the cases closed, by the tier that closed them: how many were resolved late, how many have a handling
#: time and its sum in working days
figures_daily_closed = _daily_counters(
    "figures_daily_closed", sa.Column("tier", sa.String(10), primary_key=True),
    counts=("closed", "resolved_late", "handled", "handling_working_days"),
)

#: the callbacks recorded, by the day the case's next callback was recorded (``superseded_on``; a far
#: day while it has none): a callback is a case's final one in a period if its next falls after it (C5)
figures_daily_callbacks = _daily_counters(
    "figures_daily_callbacks", sa.Column("superseded_on", sa.Date(), primary_key=True),
    counts=("valid", "contacted", "solved", "satisfied", "basically_satisfied"),
)
