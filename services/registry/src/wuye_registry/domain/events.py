"""Domain events the registry announces, for the outbox to publish (``adapters/events.py``).

An event carries the domain value as the change left it and the ids and jurisdiction path it lives
under, so the other services can scope what they keep without asking the registry; ``adapters/events.py``
picks what goes on the wire: ids, codes, paths, dates and counts, never personal data (names of people,
phones, ID numbers stay in the registry).

The registry's domain functions return new values rather than changing an aggregate in place, so the
handler that saves the new value raises the event announcing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_registry.domain.committees import Committee
from wuye_registry.domain.companies import PartyOrgModeChange, PropertyCompany, ServiceContract
from wuye_registry.domain.places import Compound, Jurisdiction
from wuye_registry.domain.posts import Post


@dataclass(frozen=True)
class JurisdictionRegistered:
    jurisdiction: Jurisdiction


@dataclass(frozen=True)
class CompoundAnnounced:
    """A compound as it stands after the change announced."""

    compound_id: str
    compound: Compound


@dataclass(frozen=True)
class CompoundRegistered(CompoundAnnounced):
    pass


@dataclass(frozen=True)
class CompoundUpdated(CompoundAnnounced):
    """Its name, type or management mode changed."""


@dataclass(frozen=True)
class UnitChange:
    """The one unit a roster change is about."""

    building_id: str
    household_id: str
    area_dm2: int
    owner_count: int
    developer_unsold: bool


@dataclass(frozen=True)
class HouseholdRosterChanged:
    """A compound's units or owners changed; consumers re-read the roster when they need it."""

    compound_id: str
    jurisdiction_path: str
    #: None when a bulk import announces the whole compound once
    unit: UnitChange | None = None


@dataclass(frozen=True)
class CommitteeChanged:
    """A committee as the change left it, with the compound it serves."""

    committee: Committee
    compound_id: str
    jurisdiction_path: str


@dataclass(frozen=True)
class CommitteeFormed(CommitteeChanged):
    """A committee was formed or started a new term."""


@dataclass(frozen=True)
class CommitteeDissolved(CommitteeChanged):
    pass


@dataclass(frozen=True)
class CommitteeFiled(CommitteeChanged):
    """The committee's current term was filed (备案) with the street office."""


@dataclass(frozen=True)
class ManagementCommitteeDissolutionOverdue:
    """O2: a property management committee was not dissolved within 30 days after the owners' committee
    of its compound was filed; announced once per committee."""

    committee_id: str
    compound_id: str
    jurisdiction_path: str
    owners_committee_id: str
    owners_committee_filed_on: dt.date
    deadline: dt.date


@dataclass(frozen=True)
class CompanyRegistered:
    company_id: str
    jurisdiction_path: str
    company: PropertyCompany


@dataclass(frozen=True)
class ContractChanged:
    """A service contract as the change left it, with the compound it serves and the company serving it."""

    contract: ServiceContract
    compound_id: str
    company_id: str
    jurisdiction_path: str


@dataclass(frozen=True)
class ContractStarted(ContractChanged):
    pass


@dataclass(frozen=True)
class ContractEnded(ContractChanged):
    """The contract was ended early."""


@dataclass(frozen=True)
class CompanyPartyOrgModeChanged:
    company_id: str
    jurisdiction_path: str
    change: PartyOrgModeChange


@dataclass(frozen=True)
class PartyMembershipChanged:
    person_id: str
    jurisdiction_path: str
    is_party_member: bool
    since: dt.date


@dataclass(frozen=True)
class PostAssigned:
    post: Post


@dataclass(frozen=True)
class PostEnded:
    post: Post


Event = (
    JurisdictionRegistered | CompoundRegistered | CompoundUpdated | HouseholdRosterChanged
    | CommitteeFormed | CommitteeDissolved | CommitteeFiled | ManagementCommitteeDissolutionOverdue
    | CompanyRegistered | ContractStarted | ContractEnded | CompanyPartyOrgModeChanged
    | PartyMembershipChanged | PostAssigned | PostEnded
)
