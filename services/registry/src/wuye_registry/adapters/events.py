"""Domain events → the protobuf events the outbox publishes (ids, codes, paths, dates and counts only).

The service's ``EventTranslator``: the unit of work calls ``outgoing`` for every event a handler publishes.
Enum values travel as their lower-case value names ("commodity", "owners_committee"), dates as ISO 8601.
"""

from __future__ import annotations

from google.protobuf.message import Message

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis.proto_values import enum_number
from wuye_chassis.uow import OutgoingEvent
from wuye_chassis.validation import iso_or_empty
from wuye_registry.domain.events import (
    CommitteeChanged,
    CommitteeDissolved,
    CommitteeFiled,
    CommitteeFormed,
    CompanyPartyOrgModeChanged,
    CompanyRegistered,
    CompoundRegistered,
    CompoundUpdated,
    ContractChanged,
    ContractEnded,
    ContractStarted,
    Event,
    HouseholdRosterChanged,
    JurisdictionRegistered,
    ManagementCommitteeDissolutionOverdue,
    PartyMembershipChanged,
    PostAssigned,
    PostEnded,
)
from wuye_registry.domain.places import Jurisdiction
from wuye_registry.domain.posts import Post


def outgoing(event: Event) -> OutgoingEvent:
    return OutgoingEvent(_message(event), _subject(event))


def _subject(event: Event) -> str:
    """The aggregate the event is about: a contract's and a roster's is their compound."""
    match event:
        case JurisdictionRegistered():
            return event.jurisdiction.division_code
        case CompoundRegistered() | CompoundUpdated() | HouseholdRosterChanged() | ContractStarted() | ContractEnded():
            return event.compound_id
        case CommitteeFormed() | CommitteeDissolved() | CommitteeFiled():
            return event.committee.key
        case ManagementCommitteeDissolutionOverdue():
            return event.committee_id
        case CompanyRegistered() | CompanyPartyOrgModeChanged():
            return event.company_id
        case PartyMembershipChanged():
            return event.person_id
        case PostAssigned() | PostEnded():
            return event.post.person_id
    raise TypeError(f"no subject for {type(event).__name__}")


def jurisdiction_message(jurisdiction: Jurisdiction) -> common_pb2.Jurisdiction:
    """A jurisdiction as the event and the gRPC API carry it (``wuye.common.v1``, shared by every service)."""
    parent = jurisdiction.parent_path
    return common_pb2.Jurisdiction(
        code=jurisdiction.division_code,
        name=jurisdiction.name,
        level=enum_number(common_pb2.JurisdictionLevel, jurisdiction.level),
        path=str(jurisdiction.path),
        parent_code="" if parent is None else parent.code,
    )


def post_message(post: Post) -> registry_pb2.Post:
    """A post as the events and the gRPC API carry it; the kind travels as its enum number."""
    return registry_pb2.Post(
        post_id=post.post_id, person_id=post.person_id,
        kind=enum_number(registry_pb2.PostKind, post.kind), jurisdiction_path=post.jurisdiction_path,
        company_id=post.company_id, department=post.department, started_on=post.started_on.isoformat(),
        ended_on=iso_or_empty(post.ended_on),
    )


def _message(event: Event) -> Message:
    match event:
        case JurisdictionRegistered():
            return events_pb2.JurisdictionRegistered(jurisdiction=jurisdiction_message(event.jurisdiction))
        case CompoundRegistered() | CompoundUpdated():
            message_type = (
                events_pb2.CompoundRegistered if isinstance(event, CompoundRegistered) else events_pb2.CompoundUpdated
            )
            compound = event.compound
            return message_type(
                compound_id=event.compound_id,
                code=compound.code,
                name=compound.name,
                jurisdiction_path=str(compound.jurisdiction_path),
                compound_type=compound.compound_type.value,
                management_mode=compound.management_mode.value,
            )
        case HouseholdRosterChanged():
            message = events_pb2.HouseholdRosterChanged(
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path
            )
            if event.unit is not None:
                unit = event.unit
                message.building_id = unit.building_id
                message.household_id = unit.household_id
                message.area_dm2 = unit.area_dm2
                message.owner_count = unit.owner_count
                message.developer_unsold = unit.developer_unsold
            return message
        case CommitteeFormed():
            committee = event.committee
            return events_pb2.CommitteeFormed(
                **_committee_fields(event),
                term_number=committee.term_number,
                term_start=committee.term.start.isoformat(),
                term_end=committee.term.end.isoformat(),
                member_count=committee.size,
                is_red=committee.is_red,
            )
        case CommitteeDissolved():
            return events_pb2.CommitteeDissolved(
                **_committee_fields(event), dissolved_on=iso_or_empty(event.committee.dissolved_on)
            )
        case CommitteeFiled():
            return events_pb2.CommitteeFiled(
                **_committee_fields(event),
                term_number=event.committee.term_number,
                filed_on=iso_or_empty(event.committee.filed_on),
            )
        case ManagementCommitteeDissolutionOverdue():
            return events_pb2.ManagementCommitteeDissolutionOverdue(
                committee_id=event.committee_id,
                compound_id=event.compound_id,
                jurisdiction_path=event.jurisdiction_path,
                owners_committee_id=event.owners_committee_id,
                owners_committee_filed_on=event.owners_committee_filed_on.isoformat(),
                deadline=event.deadline.isoformat(),
            )
        case CompanyRegistered():
            company = event.company
            return events_pb2.CompanyRegistered(
                company_id=event.company_id,
                uscc=company.uscc,
                name=company.name,
                jurisdiction_path=event.jurisdiction_path,
                state_owned=company.state_owned,
                party_org_required=company.party_org_required,
                party_org_mode=company.party_org_mode.value,
            )
        case ContractStarted():
            contract = event.contract
            return events_pb2.ContractStarted(
                **_contract_fields(event),
                mode=contract.mode.value,
                start_on=contract.start.isoformat(),
                end_on=iso_or_empty(contract.end),
            )
        case ContractEnded():
            return events_pb2.ContractEnded(
                **_contract_fields(event), terminated_on=iso_or_empty(event.contract.terminated_on)
            )
        case CompanyPartyOrgModeChanged():
            return events_pb2.CompanyPartyOrgModeChanged(
                company_id=event.company_id,
                jurisdiction_path=event.jurisdiction_path,
                party_org_mode=event.change.mode.value,
                effective_from=event.change.effective_from.isoformat(),
            )
        case PartyMembershipChanged():
            return events_pb2.PartyMembershipChanged(
                person_id=event.person_id, is_party_member=event.is_party_member, since=event.since.isoformat(),
                jurisdiction_path=event.jurisdiction_path,
            )
        case PostAssigned():
            return events_pb2.PostAssigned(post=post_message(event.post))
        case PostEnded():
            return events_pb2.PostEnded(post=post_message(event.post))
    raise TypeError(f"no protobuf event for {type(event).__name__}")


def _committee_fields(event: CommitteeChanged) -> dict[str, str]:
    """What every committee event says about the committee."""
    return {
        "committee_id": event.committee.key,
        "compound_id": event.compound_id,
        "jurisdiction_path": event.jurisdiction_path,
        "kind": event.committee.kind.value,
    }


def _contract_fields(event: ContractChanged) -> dict[str, str]:
    """What every contract event says about the contract."""
    return {
        "contract_id": event.contract.key,
        "compound_id": event.compound_id,
        "company_id": event.company_id,
        "jurisdiction_path": event.jurisdiction_path,
    }
