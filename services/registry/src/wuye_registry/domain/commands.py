"""What callers ask of the registry: one frozen dataclass per command and query.

Each is the input of one handler in ``service/`` (``handler(command, uow)``), whoever calls it: the gRPC
servicer, the O2 sweep, the import command or a test. Values arrive as the caller sent them (text for
enums and dates, "" for absent); the handler and the domain validate them and name the field they
refuse. Who acts is never here: it is the caller's authenticated context.

Listing queries take ``after`` (the last id or code of the previous page, "" for the first page) and
``limit``, the rows to fetch: the servicer asks for one more than the page size to learn whether
another page follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# --- jurisdictions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterJurisdiction:
    #: "" for a city
    parent_code: str
    code: str
    name: str


@dataclass(frozen=True)
class GetJurisdiction:
    code: str


@dataclass(frozen=True)
class ListJurisdictions:
    """The children of ``parent_code`` (the cities the caller may see when it is "")."""

    parent_code: str
    after: str = ""
    limit: int = 50


# --- compounds, buildings, households ------------------------------------------------------------


@dataclass(frozen=True)
class RegisterCompound:
    community_code: str
    code: str
    name: str
    compound_type: str
    management_mode: str


@dataclass(frozen=True)
class UpdateCompound:
    compound_id: str
    name: str
    compound_type: str
    management_mode: str


@dataclass(frozen=True)
class GetCompound:
    compound_id: str


@dataclass(frozen=True)
class ListCompounds:
    jurisdiction_code: str
    after: str = ""
    limit: int = 50


@dataclass(frozen=True)
class AddBuilding:
    compound_id: str
    code: str
    name: str


@dataclass(frozen=True)
class ListBuildings:
    compound_id: str


@dataclass(frozen=True)
class OwnerShareInput:
    person_id: str
    #: "1", "1/2", "0.5"; "" for a sole owner
    share: str


@dataclass(frozen=True)
class AddHousehold:
    building_id: str
    unit_number: str
    area_dm2: int
    developer_unsold: bool
    owners: tuple[OwnerShareInput, ...]


@dataclass(frozen=True)
class SetHouseholdOwners:
    household_id: str
    developer_unsold: bool
    owners: tuple[OwnerShareInput, ...]


@dataclass(frozen=True)
class GetOwnerRoster:
    compound_id: str
    #: () for the whole compound (V6 otherwise)
    building_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class GetHousehold:
    household_id: str


@dataclass(frozen=True)
class ListHouseholds:
    compound_id: str
    #: "" for the whole compound
    building_id: str = ""
    after: str = ""
    limit: int = 50


# --- people --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPerson:
    community_code: str
    name: str
    phone: str
    id_number: str
    is_party_member: bool


@dataclass(frozen=True)
class GetPerson:
    person_id: str
    #: the full phone and ID number (community workers in scope only, with a purpose, audited)
    reveal_personal_data: bool = False
    purpose: str = ""


@dataclass(frozen=True)
class FindPeople:
    jurisdiction_code: str
    #: exactly one of phone and id_number
    phone: str = ""
    id_number: str = ""


# --- party organisation, reserve pool, cadre links -----------------------------------------------


@dataclass(frozen=True)
class AddPartyOrganisation:
    #: the party level's number (1 community committee … 4 party-member household)
    level: int
    name: str
    parent_id: str
    community_code: str
    compound_id: str
    building_id: str
    household_id: str
    secretary_person_id: str
    established_on: str


@dataclass(frozen=True)
class ListPartyOrganisations:
    jurisdiction_code: str


@dataclass(frozen=True)
class CompanyTieInput:
    company_uscc: str
    relation: str
    kind: str


@dataclass(frozen=True)
class ProposeCandidate:
    compound_id: str
    person_id: str
    positions: tuple[str, ...]
    #: "" for today
    screened_on: str = ""
    uncorrected_illegal_construction: bool = False
    unpaid_property_fees: bool = False
    unpaid_fund_deposits: bool = False
    company_ties: tuple[CompanyTieInput, ...] = ()
    listed_judgment_defaulter: bool = False
    serving_sentence: bool = False
    sentence_completed_on: str = ""


@dataclass(frozen=True)
class LinkCadre:
    compound_id: str
    person_id: str
    post: str
    start_on: str
    end_on: str = ""


@dataclass(frozen=True)
class ListReserveCandidates:
    compound_id: str


@dataclass(frozen=True)
class ListCadreLinks:
    compound_id: str


# --- committees (O1–O4) --------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeMemberInput:
    """A member as the caller names them; party membership and ownership are the registry's own facts."""

    person_id: str
    role: str
    is_branch_secretary: bool = False
    is_community_two_committee_member: bool = False


@dataclass(frozen=True)
class FormCommittee:
    compound_id: str
    kind: str
    members: tuple[CommitteeMemberInput, ...]
    term_start: str
    term_end: str
    #: check every rule and answer the findings, storing and emitting nothing
    validate_only: bool = False


@dataclass(frozen=True)
class ReElectCommittee:
    committee_id: str
    members: tuple[CommitteeMemberInput, ...]
    term_start: str
    term_end: str


@dataclass(frozen=True)
class DissolveCommittee:
    committee_id: str
    dissolved_on: str


@dataclass(frozen=True)
class GetCommittee:
    committee_id: str


@dataclass(frozen=True)
class ListCommittees:
    compound_id: str


@dataclass(frozen=True)
class FileCommittee:
    committee_id: str
    filed_on: str


@dataclass(frozen=True)
class ListOverdueManagementCommittees:
    jurisdiction_code: str
    #: "" for today (Asia/Shanghai)
    as_of: str = ""


@dataclass(frozen=True)
class FindManagementCommitteesToFlag:
    """The O2 sweep's round: the overdue property management committees not flagged yet on ``as_of``."""

    as_of: dt.date


@dataclass(frozen=True)
class FlagOverdueManagementCommittee:
    """The O2 sweep's command for one committee the round found."""

    committee_id: str
    as_of: dt.date


# --- companies and contracts ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterCompany:
    jurisdiction_code: str
    uscc: str
    name: str
    state_owned: bool
    party_org_required: bool
    party_org_mode: str
    #: "" for today
    party_org_mode_since: str = ""


@dataclass(frozen=True)
class StartContract:
    compound_id: str
    company_id: str
    mode: str
    start_on: str
    #: "" for open-ended
    end_on: str = ""
    #: for a bundled ("1+N") contract only
    bundle_key: str = ""


@dataclass(frozen=True)
class EndContract:
    contract_id: str
    terminated_on: str


@dataclass(frozen=True)
class GetCompany:
    company_id: str


@dataclass(frozen=True)
class ListCompanies:
    jurisdiction_code: str
    after: str = ""
    limit: int = 50


@dataclass(frozen=True)
class ChangeCompanyPartyOrgMode:
    company_id: str
    party_org_mode: str
    effective_from: str


# --- coverage (O6) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GetCoverage:
    jurisdiction_code: str
    #: "" for today (Asia/Shanghai)
    as_of: str = ""


# --- bulk import ---------------------------------------------------------------------------------

DEFAULT_IMPORT_BATCH_SIZE = 5_000


@dataclass(frozen=True)
class ImportCounty:
    """``python -m wuye_registry import``: a folder of CSV files, one CSV file or one workbook."""

    path: str
    #: rows written (or rejected) together
    batch_size: int = DEFAULT_IMPORT_BATCH_SIZE
    #: announce the roster of every compound the files name, not only of those this import changed
    announce_all: bool = False
    #: the path every imported jurisdiction must lie within ("" for an operator's run: anywhere)
    within: str = ""


@dataclass(frozen=True)
class ImportWorkbook:
    """An uploaded workbook (``ImportWorkbook``), imported as ``python -m wuye_registry import`` would."""

    content: bytes
    file_name: str = ""


# --- who acts (A1) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetPartyMembership:
    person_id: str
    is_party_member: bool
    #: ISO date; "" for today
    since: str = ""


@dataclass(frozen=True)
class AssignPost:
    person_id: str
    kind: str
    #: "" for company staff (the company's own jurisdiction is taken)
    jurisdiction_code: str
    company_id: str = ""
    department: str = ""
    #: ISO date; "" for today
    started_on: str = ""


@dataclass(frozen=True)
class EndPost:
    post_id: str
    #: the post's last day (ISO); "" for today
    ended_on: str = ""


@dataclass(frozen=True)
class ListPosts:
    """Exactly one of ``person_id`` and ``jurisdiction_code``."""

    person_id: str = ""
    jurisdiction_code: str = ""
    #: ISO date; "" for today
    on: str = ""


@dataclass(frozen=True)
class ResolveActor:
    #: the identity provider's "<iss>|<sub>"
    subject: str
    #: the provider's verified phone number, "" when it sent none
    verified_phone: str = ""


@dataclass(frozen=True)
class BootstrapCityAdmin:
    """The first person of a new deployment: the city, and its administrator with a verified phone."""

    city_code: str
    city_name: str
    name: str
    phone: str


# --- service coverage (O7) ------------------------------------------------------------------------


@dataclass(frozen=True)
class SetFourFailures:
    compound_id: str
    #: FourFailure values, each once; empty when the compound has recovered
    four_failures: tuple[str, ...]


@dataclass(frozen=True)
class GetServiceCoverage:
    jurisdiction_code: str


@dataclass(frozen=True)
class ListCompoundsNeedingService:
    jurisdiction_code: str
    after: str = ""
    limit: int = 50
