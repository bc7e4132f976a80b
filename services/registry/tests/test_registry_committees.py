"""Owners' committees and property management committees (O1–O4) over real gRPC, NATS and databases."""

from __future__ import annotations

import grpc

from wuye.registry.v1 import registry_pb2

from .conftest import Registry, refused

CHAIR, MEMBER = registry_pb2.MEMBER_ROLE_CHAIR, registry_pb2.MEMBER_ROLE_MEMBER
OWNERS_COMMITTEE = registry_pb2.COMMITTEE_KIND_OWNERS_COMMITTEE
PMC = registry_pb2.COMMITTEE_KIND_PROPERTY_MANAGEMENT_COMMITTEE


def members(people: list[str], *, secretary_chair: bool = False) -> list[registry_pb2.CommitteeMember]:
    return [
        registry_pb2.CommitteeMember(
            person_id=person, role=CHAIR if index == 0 else MEMBER, is_branch_secretary=secretary_chair and index == 0
        )
        for index, person in enumerate(people)
    ]


def form(
    compound_id: str, people: list[str], kind: int = OWNERS_COMMITTEE, **term: str
) -> registry_pb2.FormCommitteeRequest:
    return registry_pb2.FormCommitteeRequest(
        compound_id=compound_id,
        kind=kind,
        members=members(people, secretary_chair=term.pop("secretary_chair", "") == "yes"),
        term_start=term.get("start", "2024-03-01"),
        term_end=term.get("end", "2029-03-01"),
    )


async def test_O1_even_committee_refused_and_nothing_changes(registry: Registry) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 6)
    before = await registry.snapshot("committees", "committee_members")
    status, error = await refused(registry.call("FormCommittee", form(compound.id, owners)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "members", "O1")  # type: ignore[attr-defined]
    status, error = await refused(registry.call("FormCommittee", form(compound.id, owners[:5], end="2029-03-02")))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "term_end", "O1")  # type: ignore[attr-defined]
    assert await registry.snapshot("committees", "committee_members") == before


async def test_O1_members_must_be_owners_of_the_compound(registry: Registry) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 4)
    outsider = await registry.person("外人")
    status, error = await refused(registry.call("FormCommittee", form(compound.id, [*owners, outsider])))
    assert (status, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "O1")  # type: ignore[attr-defined]
    assert await registry.count("committees") == 0


async def test_O3_red_committee_and_O4_warning_come_from_the_registrys_own_party_records(registry: Registry) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 5, party=3)
    answer = await registry.call("FormCommittee", form(compound.id, owners, secretary_chair="yes"))
    assert answer.committee.is_red and answer.committee.is_dual_role and not answer.warnings
    assert await registry.events("CommitteeFormed") == 1

    # re-election with two party members: no longer red, and the O4 warning comes back without blocking
    other = await registry.owners(compound.id, 5, party=2)
    re_elected = await registry.call(
        "ReElectCommittee",
        registry_pb2.ReElectCommitteeRequest(
            committee_id=answer.committee.id, members=members(other), term_start="2029-03-01", term_end="2034-03-01"
        ),
    )
    assert re_elected.committee.term_number == 2 and not re_elected.committee.is_red
    assert [(w.rule, w.field) for w in re_elected.warnings] == [("O4", "members")]
    assert await registry.events("CommitteeFormed") == 2
    read = await registry.call("GetCommittee", registry_pb2.GetCommitteeRequest(committee_id=answer.committee.id))
    assert sorted(m.person_id for m in read.committee.members) == sorted(other)


async def test_O2_management_committee_only_where_no_owners_committee_and_dissolution_is_announced(
    registry: Registry,
) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 7)
    formed = await registry.call("FormCommittee", form(compound.id, owners[:5]))
    before = await registry.snapshot("committees")
    status, error = await refused(
        registry.call("FormCommittee", form(compound.id, owners, PMC, start="2024-03-01", end="2027-03-01"))
    )
    assert (status, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "O2")  # type: ignore[attr-defined]
    assert await registry.snapshot("committees") == before

    dissolved = await registry.call(
        "DissolveCommittee",
        registry_pb2.DissolveCommitteeRequest(committee_id=formed.committee.id, dissolved_on="2025-01-01"),
    )
    assert dissolved.committee.status == registry_pb2.COMMITTEE_STATUS_DISSOLVED
    assert await registry.events("CommitteeDissolved") == 1
    status, _ = await refused(
        registry.call(
            "DissolveCommittee",
            registry_pb2.DissolveCommitteeRequest(committee_id=formed.committee.id, dissolved_on="2025-02-01"),
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION
    pmc = await registry.call("FormCommittee", form(compound.id, owners, PMC, start="2025-02-01", end="2028-02-01"))
    assert pmc.committee.kind == PMC and not pmc.committee.is_red
