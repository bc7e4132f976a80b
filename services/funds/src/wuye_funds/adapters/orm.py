"""The funds service's tables (its own database; no other service reads them).

``ledger_entries`` is append-only: the code has no update or delete path for it, corrections are
reversing entries, and every row is hash-chained so that a change made behind the code's back is found
by ``VerifyLedger``. Balances are never stored; they are sums over the entries.
"""

import sqlalchemy as sa

from wuye_chassis.compounds import add_compounds_table
from wuye_chassis.db import UtcDateTime
from wuye_chassis.directory import add_directory_table
from wuye_chassis.messaging_tables import add_messaging_tables

metadata = sa.MetaData()
known_jurisdictions = add_directory_table(metadata)
#: the registry's compounds as announced (their names, for the public page)
known_compounds = add_compounds_table(metadata)
outbox, inbox = add_messaging_tables(metadata)

compounds = sa.Table(
    "compounds",
    metadata,
    sa.Column("compound_id", sa.String(64), primary_key=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("follow_majority", sa.Boolean(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

ledgers = sa.Table(
    "ledgers",
    metadata,
    sa.Column("ledger_id", sa.String(100), primary_key=True),
    # NULL for a county or community neighbour fund's ledger (P5), which belongs to no compound
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=True, index=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # the last entry every posting left (domain.ledger, "Anchors"): a sequence is never given twice
    sa.Column("head_sequence", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("head_hash", sa.String(64), nullable=False, server_default=""),
)

# one signed head per posting, made with a key this database does not hold (adapters.ledger_signing)
ledger_checkpoints = sa.Table(
    "ledger_checkpoints",
    metadata,
    sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), primary_key=True),
    sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("signature", sa.LargeBinary(), nullable=False),
    sa.Column("signed_at", UtcDateTime(), nullable=False),
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), primary_key=True),
    sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("counter_account_id", sa.String(64), nullable=False),
    sa.Column("amount_fen", sa.BigInteger(), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("memo", sa.String(500), nullable=False),
    # the ISO 8601 text exactly as hashed, so verification reads back the hashed bytes
    sa.Column("occurred_at", sa.String(64), nullable=False),
    sa.Column("reverses_sequence", sa.Integer(), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

maintenance_accounts = sa.Table(
    "maintenance_accounts",
    metadata,
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), primary_key=True),
    sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), nullable=False),
    sa.Column("rate_fen_per_m2", sa.BigInteger(), nullable=False),
    sa.Column("construction_cost_fen_per_m2", sa.BigInteger(), nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
)

sub_accounts = sa.Table(
    "sub_accounts",
    metadata,
    sa.Column(
        "compound_id", sa.String(64), sa.ForeignKey("maintenance_accounts.compound_id"), primary_key=True
    ),
    sa.Column("household_id", sa.String(54), primary_key=True),
    sa.Column("building_id", sa.String(64), nullable=False),
    sa.Column("area_dm2", sa.BigInteger(), nullable=False),
    sa.Column("first_deposit_fen", sa.BigInteger(), nullable=False),
    # F8: set when the home was demolished and the balance refunded
    sa.Column("closed_at", UtcDateTime(), nullable=True),
)

# F8: the sales and demolitions a sub-account went through, with whom the balance passed to
sub_account_changes = sa.Table(
    "sub_account_changes",
    metadata,
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
    sa.Index("ix_sub_account_changes_household", "compound_id", "household_id"),
)

votes = sa.Table(
    "votes",
    metadata,
    sa.Column("vote_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False, index=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False),
    sa.Column("matter", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    # JSON list of building ids (V6), NULL for the whole compound
    sa.Column("building_scope", sa.Text(), nullable=True),
    sa.Column("follow_majority", sa.Boolean(), nullable=False),
    sa.Column("electorate_owners", sa.Integer(), nullable=False),
    sa.Column("electorate_area_dm2", sa.BigInteger(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    # the stored tally (wuye.funds.v1.VoteResult as JSON), NULL while open
    sa.Column("result", sa.Text(), nullable=True),
    # V8 (0008): the end of the objection period, set at closing; who made the result final, and when
    sa.Column("objection_deadline", UtcDateTime(), nullable=True),
    sa.Column("finalised_at", UtcDateTime(), nullable=True),
    sa.Column("finalised_by", sa.String(64), nullable=True),
    # V2 (0012): the owners with a counting ballot and their area, kept as ballots are cast
    sa.Column("turnout_owners", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("turnout_area_dm2", sa.BigInteger(), nullable=False, server_default="0"),
)

# V8: owners' objections to a closed vote's preliminary result, and the organiser's answers
vote_objections = sa.Table(
    "vote_objections",
    metadata,
    sa.Column("objection_id", sa.String(36), primary_key=True),
    sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), nullable=False, index=True),
    sa.Column("owner_key", sa.String(64), nullable=False),
    sa.Column("raised_by", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("raised_at", UtcDateTime(), nullable=False),
    sa.Column("answer", sa.Text(), nullable=True),
    sa.Column("answered_by", sa.String(64), nullable=True),
    sa.Column("answered_at", UtcDateTime(), nullable=True),
)

# the electorate snapshot taken at opening: later register changes do not reach a running vote
vote_roster_units = sa.Table(
    "vote_roster_units",
    metadata,
    sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("owner_key", sa.String(64), nullable=False),
    sa.Column("building_id", sa.String(64), nullable=False),
    sa.Column("area_dm2", sa.BigInteger(), nullable=False),
    sa.Column("developer_unsold", sa.Boolean(), nullable=False),
    # a ballot reads only its owner's units (0007)
    sa.Index("ix_vote_roster_units_owner", "vote_id", "owner_key"),
)

ballots = sa.Table(
    "ballots",
    metadata,
    sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), primary_key=True),
    sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("owner_key", sa.String(64), nullable=False),
    sa.Column("choice", sa.String(16), nullable=False),
    # A2: who cast it (the owner, a co-owner, or the worker entering a paper ballot) and, for a paper or
    # proxy ballot, the written authorisation's reference
    sa.Column("cast_by", sa.String(64), nullable=True),
    sa.Column("authorisation_ref", sa.String(100), nullable=True),
    sa.Column("cast_at", UtcDateTime(), nullable=False),
    # a ballot asks whether its owner has voted before (0012)
    sa.Index("ix_ballots_owner", "vote_id", "owner_key"),
)

use_applications = sa.Table(
    "use_applications",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False, index=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("plan", sa.Text(), nullable=False),
    sa.Column("budget_fen", sa.BigInteger(), nullable=False),
    # JSON list of the benefiting building ids (V6), NULL for the whole compound
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
    # A3: who asked for the payment and who paid it (never the same person)
    sa.Column("payment_requested_by", sa.String(64), nullable=True),
    sa.Column("paid_by", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

committee_expenses = sa.Table(
    "committee_expenses",
    metadata,
    sa.Column("expense_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False, index=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("amount_fen", sa.BigInteger(), nullable=False),
    sa.Column("purpose", sa.Text(), nullable=False),
    # JSON list of the reviewers in order
    sa.Column("chain", sa.Text(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("submitted_by", sa.String(64), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
)

expense_decisions = sa.Table(
    "expense_decisions",
    metadata,
    sa.Column("expense_id", sa.String(36), sa.ForeignKey("committee_expenses.expense_id"), primary_key=True),
    sa.Column("step", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("reviewer", sa.String(64), nullable=False),
    sa.Column("approved", sa.Boolean(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=False),
)

disclosures = sa.Table(
    "disclosures",
    metadata,
    sa.Column("disclosure_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False),
    sa.Column("period", sa.String(32), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=False),
    # the snapshot as published (wuye.funds.v1.Disclosure as JSON); never changed afterwards
    sa.Column("snapshot", sa.Text(), nullable=False),
    sa.UniqueConstraint("compound_id", "period", name="uq_disclosures_compound_period"),
)

# P4: a compound's mini maintenance fund; its money is in its own ledger
mini_funds = sa.Table(
    "mini_funds",
    metadata,
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), primary_key=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), nullable=False),
    sa.Column("rate_fen_per_m2_month", sa.BigInteger(), nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
)

# P5: the three-level neighbour funds; each fund's money is in its own ledger
neighbour_funds = sa.Table(
    "neighbour_funds",
    metadata,
    sa.Column("fund_id", sa.String(36), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("parent_fund_id", sa.String(36), sa.ForeignKey("neighbour_funds.fund_id"), nullable=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("ledger_id", sa.String(100), sa.ForeignKey("ledgers.ledger_id"), nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
)

# P3: one row per overdue disclosure reported (compound, subject, due moment), so each is reported once
disclosure_overdue_notices = sa.Table(
    "disclosure_overdue_notices",
    metadata,
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), primary_key=True),
    sa.Column("subject", sa.String(32), primary_key=True),
    sa.Column("due_at", UtcDateTime(), primary_key=True),
    sa.Column("reported_at", UtcDateTime(), nullable=False),
)

# P3: third-party audits of a compound's common-parts income
audits = sa.Table(
    "audits",
    metadata,
    sa.Column("audit_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), sa.ForeignKey("compounds.compound_id"), nullable=False, index=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("period", sa.String(32), nullable=False),
    sa.Column("auditor", sa.String(200), nullable=False),
    # the findings as recorded (JSON list of wuye.funds.v1.AuditFinding)
    sa.Column("findings", sa.Text(), nullable=False),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)

# R4 → V1: matter-4 votes proposed by the ratings service's ContractEndAdvised, one per compound and event
vote_proposals = sa.Table(
    "vote_proposals",
    metadata,
    sa.Column("proposal_id", sa.String(36), primary_key=True),
    sa.Column("compound_id", sa.String(64), nullable=False),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("company_id", sa.String(64), nullable=False),
    sa.Column("quarter", sa.String(16), nullable=False),
    sa.Column("matter", sa.Integer(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("source_event_id", sa.String(64), nullable=False),
    sa.Column("vote_id", sa.String(36), sa.ForeignKey("votes.vote_id"), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("source_event_id", "compound_id", name="uq_vote_proposals_event_compound"),
)

# A3: sale transfers, demolition refunds and ledger reversals requested by one person, decided by another
money_movements = sa.Table(
    "money_movements",
    metadata,
    sa.Column("movement_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("compound_id", sa.String(64), nullable=False, index=True),
    sa.Column("jurisdiction_path", sa.String(64), nullable=False, index=True),
    sa.Column("ledger_id", sa.String(100), nullable=False),
    # the household, or "<ledger>#<sequence>": one open request at a time for it
    sa.Column("target", sa.String(120), nullable=False, index=True),
    sa.Column("household_id", sa.String(64), nullable=True),
    sa.Column("owner_key", sa.String(64), nullable=True),
    sa.Column("reference", sa.String(200), nullable=True),
    sa.Column("sequence", sa.BigInteger(), nullable=True),
    sa.Column("memo", sa.String(500), nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("requested_by", sa.String(64), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("amount_fen", sa.BigInteger(), nullable=True),
)
