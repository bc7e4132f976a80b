"""compounds, buildings, households, people, owners; party organisation, committees, companies,
contracts, reserve pool, cadre links; the audit of unmasked personal data reads

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES_IN_CREATION_ORDER = (
    "companies",
    "compounds",
    "people",
    "buildings",
    "cadre_links",
    "committees",
    "personal_data_reads",
    "reserve_candidates",
    "service_contracts",
    "committee_members",
    "households",
    "reserve_screening_reasons",
    "owners",
    "party_organisations",
)


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("state_owned", sa.Boolean(), nullable=False),
        sa.Column("party_org_required", sa.Boolean(), nullable=False),
        sa.Column("party_org_mode", sa.String(length=20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc"),
    )
    op.create_index("ix_companies_jurisdiction_path", "companies", ["jurisdiction_path"], unique=False)
    op.create_table(
        "compounds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("compound_type", sa.String(length=20), nullable=False),
        sa.Column("management_mode", sa.String(length=30), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_compounds_jurisdiction_path", "compounds", ["jurisdiction_path"], unique=False)
    op.create_table(
        "people",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("phone_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("phone_index", sa.String(length=64), nullable=True),
        sa.Column("id_number_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("id_number_index", sa.String(length=64), nullable=True),
        sa.Column("is_party_member", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_number_index"),
    )
    op.create_index("ix_people_jurisdiction_path", "people", ["jurisdiction_path"], unique=False)
    op.create_index("ix_people_phone_index", "people", ["phone_index"], unique=False)
    op.create_table(
        "buildings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("compound_id", "code", name="uq_buildings_compound_code"),
    )
    op.create_table(
        "cadre_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("post", sa.String(length=200), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cadre_links_compound_id", "cadre_links", ["compound_id"], unique=False)
    op.create_table(
        "committees",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_committees_compound_id", "committees", ["compound_id"], unique=False)
    op.create_index("ix_committees_jurisdiction_path", "committees", ["jurisdiction_path"], unique=False)
    op.create_table(
        "personal_data_reads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("reader", sa.String(length=200), nullable=False),
        sa.Column("reader_roles", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("read_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_personal_data_reads_person_id", "personal_data_reads", ["person_id"], unique=False)
    op.create_table(
        "reserve_candidates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("positions", sa.String(length=200), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reserve_candidates_compound_id", "reserve_candidates", ["compound_id"], unique=False)
    op.create_table(
        "service_contracts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=False),
        sa.Column("company_id", sa.String(length=36), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("bundle_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_service_contracts_company_id", "service_contracts", ["company_id"], unique=False)
    op.create_index("ix_service_contracts_compound_id", "service_contracts", ["compound_id"], unique=False)
    op.create_table(
        "committee_members",
        sa.Column("committee_id", sa.String(length=36), nullable=False),
        sa.Column("term_number", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_party_member", sa.Boolean(), nullable=False),
        sa.Column("is_branch_secretary", sa.Boolean(), nullable=False),
        sa.Column("is_community_two_committee_member", sa.Boolean(), nullable=False),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committees.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("committee_id", "term_number", "person_id"),
    )
    op.create_index("ix_committee_members_person_id", "committee_members", ["person_id"], unique=False)
    op.create_table(
        "households",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=False),
        sa.Column("building_id", sa.String(length=36), nullable=False),
        sa.Column("unit_number", sa.String(length=32), nullable=False),
        sa.Column("area_dm2", sa.BigInteger(), nullable=False),
        sa.Column("developer_unsold", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("area_dm2 > 0", name="ck_households_area_positive"),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "unit_number", name="uq_households_building_unit"),
    )
    op.create_index("ix_households_compound_id", "households", ["compound_id"], unique=False)
    op.create_table(
        "reserve_screening_reasons",
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["reserve_candidates.id"],
        ),
        sa.PrimaryKeyConstraint("candidate_id", "code"),
    )
    op.create_table(
        "owners",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("share_numerator", sa.Integer(), nullable=False),
        sa.Column("share_denominator", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("household_id", "person_id"),
    )
    op.create_index("ix_owners_person_id", "owners", ["person_id"], unique=False)
    op.create_table(
        "party_organisations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("compound_id", sa.String(length=36), nullable=True),
        sa.Column("building_id", sa.String(length=36), nullable=True),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("secretary_person_id", sa.String(length=36), nullable=True),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["party_organisations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["secretary_person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_party_organisations_compound_id", "party_organisations", ["compound_id"], unique=False)
    op.create_index(
        "ix_party_organisations_jurisdiction_path", "party_organisations", ["jurisdiction_path"], unique=False
    )
    op.create_index("ix_party_organisations_parent_id", "party_organisations", ["parent_id"], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES_IN_CREATION_ORDER):
        op.drop_table(table)
