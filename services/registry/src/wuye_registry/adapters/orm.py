"""The registry's tables (its own database; no other service reads them).

Rows use time-ordered UUIDs (``id``); human codes (compound code, USCC, unit number) are unique keys
beside them. Every row that belongs to a place carries the jurisdiction path of its community, so
scoping and coverage are index ranges on ``jurisdiction_path``. Areas are integer dm².
"""

import sqlalchemy as sa

from wuye_chassis.db import JurisdictionPathString, UtcDateTime
from wuye_chassis.messaging_tables import add_messaging_tables

metadata = sa.MetaData()
Id = sa.String(36)

jurisdictions = sa.Table(
    "jurisdictions",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level", sa.Integer(), nullable=False),
    sa.Column("path", sa.String(64), nullable=False, unique=True),
    sa.Column("parent_code", sa.String(12), sa.ForeignKey("jurisdictions.code"), nullable=True, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

compounds = sa.Table(
    "compounds",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("compound_type", sa.String(20), nullable=False),
    sa.Column("management_mode", sa.String(30), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# O7: the failures the community or street found in a compound (comma-separated FourFailure values); a
# compound without a row, or with an empty one, has none
compound_four_failures = sa.Table(
    "compound_four_failures",
    metadata,
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), primary_key=True),
    sa.Column("failures", sa.String(120), nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

buildings = sa.Table(
    "buildings",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("compound_id", "code", name="uq_buildings_compound_code"),
)

households = sa.Table(
    "households",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=False, index=True),
    sa.Column("building_id", Id, sa.ForeignKey("buildings.id"), nullable=False),
    sa.Column("unit_number", sa.String(32), nullable=False),
    sa.Column("area_dm2", sa.BigInteger(), nullable=False),
    # unsold or undelivered developer stock: all such units of a compound count as one owner (V4)
    sa.Column("developer_unsold", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("building_id", "unit_number", name="uq_households_building_unit"),
    sa.CheckConstraint("area_dm2 > 0", name="ck_households_area_positive"),
)

# phone and ID number are AES-GCM ciphertexts; the *_index columns are keyed HMAC blind indexes for
# exact lookups, so the plaintext is never stored or compared in SQL
people = sa.Table(
    "people",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("phone_cipher", sa.LargeBinary(), nullable=True),
    sa.Column("phone_index", sa.String(64), nullable=True, index=True),
    sa.Column("id_number_cipher", sa.LargeBinary(), nullable=True),
    sa.Column("id_number_index", sa.String(64), nullable=True, unique=True),
    sa.Column("is_party_member", sa.Boolean(), nullable=False),
    # the day the party membership last began or ended, when it was recorded (O3, O4)
    sa.Column("party_member_since", sa.Date(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# who owns which exclusive unit, with the share of each joint owner (V4 counts the set of owners)
owners = sa.Table(
    "owners",
    metadata,
    sa.Column("household_id", Id, sa.ForeignKey("households.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), primary_key=True, index=True),
    sa.Column("share_numerator", sa.Integer(), nullable=False),
    sa.Column("share_denominator", sa.Integer(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# every read of a person's unmasked phone or ID number: who, when, which fields, through which call
personal_data_reads = sa.Table(
    "personal_data_reads",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("reader", sa.String(200), nullable=False),
    sa.Column("reader_roles", sa.String(200), nullable=False),
    sa.Column("fields", sa.String(100), nullable=False),
    sa.Column("purpose", sa.String(200), nullable=False),
    sa.Column("read_at", UtcDateTime(), nullable=False),
)

party_organisations = sa.Table(
    "party_organisations",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("level", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("parent_id", Id, sa.ForeignKey("party_organisations.id"), nullable=True, index=True),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    # what the node organises, by level: none (community) / compound / building / household
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=True, index=True),
    sa.Column("building_id", Id, sa.ForeignKey("buildings.id"), nullable=True),
    sa.Column("household_id", Id, sa.ForeignKey("households.id"), nullable=True),
    sa.Column("secretary_person_id", Id, sa.ForeignKey("people.id"), nullable=True),
    sa.Column("established_on", sa.Date(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# one row per committee; the current term's figures (red, dual role, two-committee members) are
# written from the domain when the term starts, so coverage only counts them
committees = sa.Table(
    "committees",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=False, index=True),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("term_number", sa.Integer(), nullable=False),
    sa.Column("term_start", sa.Date(), nullable=False),
    sa.Column("term_end", sa.Date(), nullable=False),
    sa.Column("filed_on", sa.Date(), nullable=True),
    sa.Column("formed_on", sa.Date(), nullable=False),
    sa.Column("dissolved_on", sa.Date(), nullable=True),
    sa.Column("is_red", sa.Boolean(), nullable=False),
    sa.Column("is_dual_role", sa.Boolean(), nullable=False),
    sa.Column("two_committee_members", sa.Integer(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

committee_members = sa.Table(
    "committee_members",
    metadata,
    sa.Column("committee_id", Id, sa.ForeignKey("committees.id"), primary_key=True),
    sa.Column("term_number", sa.Integer(), primary_key=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), primary_key=True, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("is_party_member", sa.Boolean(), nullable=False),
    sa.Column("is_branch_secretary", sa.Boolean(), nullable=False),
    sa.Column("is_community_two_committee_member", sa.Boolean(), nullable=False),
    sa.Column("is_owner", sa.Boolean(), nullable=False),
)

# one row per term of a committee: its dates, its filing (备案) and the figures of that term's membership,
# so O6 coverage for a past date counts the term that was in force then (members are kept per term)
committee_terms = sa.Table(
    "committee_terms",
    metadata,
    sa.Column("committee_id", Id, sa.ForeignKey("committees.id"), primary_key=True),
    sa.Column("term_number", sa.Integer(), primary_key=True),
    sa.Column("term_start", sa.Date(), nullable=False),
    sa.Column("term_end", sa.Date(), nullable=False),
    sa.Column("filed_on", sa.Date(), nullable=True),
    sa.Column("is_red", sa.Boolean(), nullable=False),
    sa.Column("is_dual_role", sa.Boolean(), nullable=False),
    sa.Column("two_committee_members", sa.Integer(), nullable=False),
)

# O2: a property management committee flagged as overdue for dissolution; the primary key makes the flag
# (and the event announcing it, written in the same transaction) happen once per committee
pmc_dissolution_overdue = sa.Table(
    "pmc_dissolution_overdue",
    metadata,
    sa.Column("committee_id", Id, sa.ForeignKey("committees.id"), primary_key=True),
    sa.Column("owners_committee_id", Id, sa.ForeignKey("committees.id"), nullable=False),
    sa.Column("deadline", sa.Date(), nullable=False),
    sa.Column("flagged_at", UtcDateTime(), nullable=False),
)

companies = sa.Table(
    "companies",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("uscc", sa.String(18), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    # where the company is registered; it may serve compounds anywhere
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("state_owned", sa.Boolean(), nullable=False),
    sa.Column("party_org_required", sa.Boolean(), nullable=False),
    sa.Column("party_org_mode", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# O6 for a past date: each change of a company's party organisation mode with its first day; the
# companies row keeps the mode in force today
company_party_org_modes = sa.Table(
    "company_party_org_modes",
    metadata,
    sa.Column("company_id", Id, sa.ForeignKey("companies.id"), primary_key=True),
    sa.Column("effective_from", sa.Date(), primary_key=True),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

service_contracts = sa.Table(
    "service_contracts",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=False, index=True),
    sa.Column("company_id", Id, sa.ForeignKey("companies.id"), nullable=False, index=True),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("start_on", sa.Date(), nullable=False),
    sa.Column("end_on", sa.Date(), nullable=True),
    sa.Column("terminated_on", sa.Date(), nullable=True),
    sa.Column("bundle_key", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

reserve_candidates = sa.Table(
    "reserve_candidates",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=False, index=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("positions", sa.String(200), nullable=False),
    sa.Column("screened_on", sa.Date(), nullable=False),
    sa.Column("eligible", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# O5: every negative-list reason that screened a candidate out, kept on record
reserve_screening_reasons = sa.Table(
    "reserve_screening_reasons",
    metadata,
    sa.Column("candidate_id", Id, sa.ForeignKey("reserve_candidates.id"), primary_key=True),
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("label_zh", sa.String(200), nullable=False),
    sa.Column("label_en", sa.String(200), nullable=False),
)

cadre_links = sa.Table(
    "cadre_links",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("compound_id", Id, sa.ForeignKey("compounds.id"), nullable=False, index=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), nullable=False),
    sa.Column("post", sa.String(200), nullable=False),
    sa.Column("start_on", sa.Date(), nullable=False),
    sa.Column("end_on", sa.Date(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# A1: what a person may do and where; a post is open from start_on to end_on (its last day) inclusive
posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
    sa.Column("company_id", Id, sa.ForeignKey("companies.id"), nullable=True),
    sa.Column("department", sa.String(40), nullable=True),
    sa.Column("start_on", sa.Date(), nullable=False),
    sa.Column("end_on", sa.Date(), nullable=True),
    sa.Column("assigned_by", Id, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# A1: the login (identity provider's "<iss>|<sub>") each person signs in with, bound once
logins = sa.Table(
    "logins",
    metadata,
    sa.Column("subject", sa.String(400), primary_key=True),
    sa.Column("person_id", Id, sa.ForeignKey("people.id"), nullable=False, index=True),
    # how it was bound: "verified_phone" (the provider's 实名认证 phone matched exactly one person)
    sa.Column("bound_by", sa.String(40), nullable=False),
    sa.Column("bound_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_messaging_tables(metadata)
