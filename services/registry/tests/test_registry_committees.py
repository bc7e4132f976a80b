"""Owners' committees and property management committees (O1–O4) over real gRPC, NATS and databases."""

from __future__ import annotations

import asyncio
from datetime import date

import grpc
import nats
import nats.js.errors

from tests.support import run_at_once_on_both
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.auth import SYSTEM, AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_registry.entrypoints.app import build
from wuye_registry.entrypoints.schedulers import flag_overdue_management_committees
from wuye_registry.settings import RegistrySettings

from .conftest import ANXI_OFFICER, Registry, refused

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
    compound_id: str, people: list[str], kind: registry_pb2.CommitteeKind.ValueType = OWNERS_COMMITTEE, **term: str
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
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "members", "O1")
    status, error = await refused(registry.call("FormCommittee", form(compound.id, owners[:5], end="2029-03-02")))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "term_end", "O1")
    assert await registry.snapshot("committees", "committee_members") == before


async def test_O1_members_must_be_owners_of_the_compound(registry: Registry) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 4)
    outsider = await registry.person("外人")
    status, error = await refused(registry.call("FormCommittee", form(compound.id, [*owners, outsider])))
    assert (status, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "O1")
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
    assert (status, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "O2")
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


async def nats_messages(url: str, subject: str) -> int:
    """How many messages on ``subject`` reached the JetStream stream (the relay published them)."""
    connection = await nats.connect(url)
    try:
        jetstream = connection.jetstream()
        for _ in range(50):
            try:
                info = await jetstream.stream_info("WUYE", subjects_filter=subject)
                published = sum((info.state.subjects or {}).values())
            except nats.js.errors.NotFoundError:
                published = 0
            if published:
                return published
            await asyncio.sleep(0.1)
        return 0
    finally:
        await connection.close()


async def _pmc_then_filed_owners_committee(registry: Registry, *, filed_on: str) -> tuple[str, str]:
    """A PMC formed 2024-01-01, then an owners' committee formed and filed on ``filed_on``."""
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 7)
    pmc = await registry.call("FormCommittee", form(compound.id, owners, PMC, start="2024-01-01", end="2027-01-01"))
    formed = await registry.call("FormCommittee", form(compound.id, owners[:5], start="2024-06-01", end="2029-06-01"))
    await registry.call(
        "FileCommittee", registry_pb2.FileCommitteeRequest(committee_id=formed.committee.id, filed_on=filed_on)
    )
    return pmc.committee.id, formed.committee.id


async def test_O2_filing_records_the_date_and_is_announced_once(registry: Registry) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 5)
    formed = await registry.call("FormCommittee", form(compound.id, owners))
    filing = registry_pb2.FileCommitteeRequest(committee_id=formed.committee.id, filed_on="2024-03-15")
    filed = await registry.call("FileCommittee", filing)
    assert filed.committee.filed_on == "2024-03-15"
    read = await registry.call("GetCommittee", registry_pb2.GetCommitteeRequest(committee_id=formed.committee.id))
    assert read.committee.filed_on == "2024-03-15"
    assert await registry.events("CommitteeFiled") == 1

    before = await registry.snapshot("committees", "committee_terms")
    status, error = await refused(registry.call("FileCommittee", filing))  # the term is filed already
    assert (status, error.field) == (grpc.StatusCode.FAILED_PRECONDITION, "filed_on")
    assert await registry.snapshot("committees", "committee_terms") == before


async def test_O2_filing_refuses_bad_input_by_field_and_changes_nothing(registry: Registry) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 5)
    formed = await registry.call("FormCommittee", form(compound.id, owners))
    before = await registry.snapshot("committees", "committee_terms")
    for filed_on in ("2024-13-01", "", "2024-02-29x", "2024-02-01"):  # the last is before the term starts
        request = registry_pb2.FileCommitteeRequest(committee_id=formed.committee.id, filed_on=filed_on)
        status, error = await refused(registry.call("FileCommittee", request))
        assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "filed_on")
    status, error = await refused(
        registry.call("FileCommittee", registry_pb2.FileCommitteeRequest(committee_id="nope", filed_on="2024-03-15"))
    )
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "committee_id")
    request = registry_pb2.FileCommitteeRequest(committee_id=formed.committee.id, filed_on="2024-03-15")
    status, _ = await refused(registry.call("FileCommittee", request, ANXI_OFFICER))  # outside the scope
    assert status == grpc.StatusCode.PERMISSION_DENIED
    reader = AuthContext(user="viewer", roles=frozenset({"auditor"}), scope="350500")
    status, _ = await refused(registry.call("FileCommittee", request, reader))  # not a registry keeper
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert await registry.snapshot("committees", "committee_terms") == before


async def test_O2_pmc_overdue_thirty_days_after_filing_is_flagged_once(
    registry: Registry, nats_server: EmbeddedNats
) -> None:
    pmc_id, owners_committee_id = await _pmc_then_filed_owners_committee(registry, filed_on="2024-06-10")
    listing = registry_pb2.ListOverdueManagementCommitteesRequest(jurisdiction_code="350521", as_of="2024-07-10")
    assert not (await registry.call("ListOverdueManagementCommittees", listing)).committees  # the 30th day: in time
    listing.as_of = "2024-07-11"
    overdue = (await registry.call("ListOverdueManagementCommittees", listing)).committees
    assert [
        (o.committee.id, o.owners_committee_id, o.owners_committee_filed_on, o.deadline, o.flagged) for o in overdue
    ] == [(pmc_id, owners_committee_id, "2024-06-10", "2024-07-10", False)]

    unit_of_work = registry.app.runtime.unit_of_work
    assert await flag_overdue_management_committees(unit_of_work, as_of=date(2024, 7, 10)) == 0
    assert await flag_overdue_management_committees(unit_of_work, as_of=date(2024, 7, 11)) == 1
    assert await flag_overdue_management_committees(unit_of_work, as_of=date(2024, 8, 1)) == 0  # once only
    assert await registry.events("ManagementCommitteeDissolutionOverdue") == 1
    subject = "wuye.registry.v1.ManagementCommitteeDissolutionOverdue"
    assert await nats_messages(nats_server.url, subject) == 1
    listing.as_of = "2024-08-01"
    assert [o.flagged for o in (await registry.call("ListOverdueManagementCommittees", listing)).committees] == [True]

    # dissolved (late): no longer listed for a later date
    await registry.call(
        "DissolveCommittee", registry_pb2.DissolveCommitteeRequest(committee_id=pmc_id, dissolved_on="2024-08-02")
    )
    listing.as_of = "2024-09-01"
    assert not (await registry.call("ListOverdueManagementCommittees", listing)).committees


async def test_O2_pmc_dissolved_within_thirty_days_is_never_flagged(registry: Registry) -> None:
    pmc_id, _ = await _pmc_then_filed_owners_committee(registry, filed_on="2024-06-10")
    await registry.call(
        "DissolveCommittee", registry_pb2.DissolveCommitteeRequest(committee_id=pmc_id, dissolved_on="2024-07-10")
    )
    assert await flag_overdue_management_committees(registry.app.runtime.unit_of_work) == 0
    listing = registry_pb2.ListOverdueManagementCommitteesRequest(jurisdiction_code="350521")
    assert not (await registry.call("ListOverdueManagementCommittees", listing)).committees
    assert await registry.count("pmc_dissolution_overdue") == 0


async def test_O2_overdue_list_is_scoped_and_refuses_bad_input_by_field(registry: Registry) -> None:
    await _pmc_then_filed_owners_committee(registry, filed_on="2024-06-10")
    anxi = registry_pb2.ListOverdueManagementCommitteesRequest(jurisdiction_code="350524")
    assert not (await registry.call("ListOverdueManagementCommittees", anxi, ANXI_OFFICER)).committees
    huian = registry_pb2.ListOverdueManagementCommitteesRequest(jurisdiction_code="350521")
    status, _ = await refused(registry.call("ListOverdueManagementCommittees", huian, ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    huian.as_of = "2024-02-30"
    status, error = await refused(registry.call("ListOverdueManagementCommittees", huian))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "as_of")


async def test_O2_background_sweep_flags_an_overdue_pmc_once(
    database_url: str, nats_server: EmbeddedNats, start_service
) -> None:
    settings = RegistrySettings(
        database_url=database_url, nats_url=nats_server.url, grpc_port=0, pmc_dissolution_sweep_seconds=0.1
    )
    app = await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        registry = Registry(app, registry_pb2_grpc.RegistryServiceStub(channel))
        await registry.hierarchy()
        await _pmc_then_filed_owners_committee(registry, filed_on="2024-06-10")
        for _ in range(50):
            if await registry.count("pmc_dissolution_overdue"):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)  # a few more rounds: still one flag, one event
        assert await registry.count("pmc_dissolution_overdue") == 1
        assert await registry.events("ManagementCommitteeDissolutionOverdue") == 1


async def test_O5_an_owners_committee_is_formed_and_re_elected_only_with_members_who_passed_screening(
    registry: Registry,
) -> None:
    compound = await registry.compound()
    screened = await registry.owners(compound.id, 4)
    unscreened, defaulter = await registry.owners(compound.id, 2, screened=False)
    assert not await registry.screen(compound.id, defaulter, defaulter=True)
    before = await registry.count("committees")
    for people, not_screened, screened_out in (
        ([*screened, unscreened], unscreened, ""),
        ([*screened, defaulter], "", defaulter),
    ):
        status, error = await refused(registry.call("FormCommittee", form(compound.id, people)))
        assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "members.person_id", "O5")
        assert (error.metadata["not_screened"], error.metadata["screened_out"]) == (not_screened, screened_out)
        assert "defaulter" not in error.message and "失信" not in error.message  # the reasons stay with screeners (A5)
    assert await registry.count("committees") == before

    # the latest screening counts: the defaulter was struck off the list and screened again
    assert await registry.screen(compound.id, defaulter, on="2024-02-01")
    formed = await registry.call("FormCommittee", form(compound.id, [*screened, defaulter]))
    assert len(formed.committee.members) == 5
    status, error = await refused(registry.call("ReElectCommittee", registry_pb2.ReElectCommitteeRequest(
        committee_id=formed.committee.id, members=members([*screened, unscreened]),
        term_start="2029-03-01", term_end="2034-03-01")))
    assert (status, error.rule, error.metadata["not_screened"]) == (grpc.StatusCode.FAILED_PRECONDITION, "O5", unscreened)


async def test_O5_a_property_management_committee_is_appointed_without_screening(registry: Registry) -> None:
    compound = await registry.compound()
    appointed = await registry.owners(compound.id, 7, screened=False)
    formed = await registry.call("FormCommittee", form(compound.id, appointed, PMC, start="2025-02-01", end="2028-02-01"))
    assert formed.committee.kind == PMC


async def test_A1_a_member_holds_a_seat_for_the_compound_while_the_committee_is_in_office(registry: Registry) -> None:
    compound = await registry.compound()
    building = await registry.building(compound.id, "SEAT")
    elected = []
    for index in range(7):
        person = await registry.person(f"业主{index}", phone=f"139000001{index:02d}")
        await registry.household(building.id, f"{index + 1:03d}", 9000, person)
        await registry.screen(compound.id, person)
        elected.append(person)
    bystander = await registry.person("邻居", phone="13900000199")
    await registry.household(building.id, "199", 9000, bystander)

    async def seats(phone: str) -> list[tuple[str, int, int]]:
        answer = await registry.call("ResolveActor", registry_pb2.ResolveActorRequest(
            subject=f"http://idp.example|{phone}", verified_phone=phone), SYSTEM)
        assert all(seat.compound_id == compound.id and seat.jurisdiction_path == compound.jurisdiction_path
                   for seat in answer.actor.committee_seats)
        return [(seat.committee_id, seat.kind, seat.role) for seat in answer.actor.committee_seats]

    pmc = (await registry.call("FormCommittee", form(compound.id, elected, PMC, start="2025-02-01",
                                                     end="2028-02-01"))).committee
    assert await seats("13900000100") == [(pmc.id, PMC, CHAIR)]
    await registry.call("DissolveCommittee", registry_pb2.DissolveCommitteeRequest(
        committee_id=pmc.id, dissolved_on=date.today().isoformat()))
    assert await seats("13900000100") == []  # a dissolved committee seats nobody

    formed = (await registry.call("FormCommittee", form(compound.id, elected[:5]))).committee
    assert await seats("13900000100") == [(formed.id, OWNERS_COMMITTEE, CHAIR)]
    assert await seats("13900000101") == [(formed.id, OWNERS_COMMITTEE, MEMBER)]
    assert await seats("13900000106") == await seats("13900000199") == []  # the PMC's last member, a neighbour
    # re-elected without them from 2029: the term in force today is still the first, and seats them
    others = await registry.owners(compound.id, 5)
    await registry.call("ReElectCommittee", registry_pb2.ReElectCommitteeRequest(
        committee_id=formed.id, members=members(others), term_start="2029-03-01", term_end="2034-03-01"))
    assert await seats("13900000100") == [(formed.id, OWNERS_COMMITTEE, CHAIR)]


async def test_O1_O4_a_proposal_checked_as_it_is_typed_answers_the_findings_and_stores_nothing(
    registry: Registry,
) -> None:
    compound = await registry.compound()
    owners = await registry.owners(compound.id, 5, party=2)
    before = await registry.snapshot("committees", "committee_members")

    def checking(people: list[str], **term: str) -> registry_pb2.FormCommitteeRequest:
        request = form(compound.id, people, **term)
        request.validate_only = True
        return request

    status, error = await refused(registry.call("FormCommittee", checking(owners[:4])))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "members", "O1")
    checked = await registry.call("FormCommittee", checking(owners))
    assert [(w.rule, w.field) for w in checked.warnings] == [("O4", "members")]  # 2 of 5 party members
    assert not checked.committee.is_red and len(checked.committee.members) == 5
    assert await registry.snapshot("committees", "committee_members") == before
    assert await registry.events("CommitteeFormed") == 0
    assert not (await registry.call("ListCommittees", registry_pb2.ListCommitteesRequest(compound_id=compound.id))).committees

    # formed for real, it is listed with the compound's earlier committees, newest first
    first = (await registry.call("FormCommittee", form(compound.id, owners))).committee
    await registry.call("DissolveCommittee", registry_pb2.DissolveCommitteeRequest(committee_id=first.id,
                                                                                  dissolved_on="2025-01-10"))
    second = (await registry.call("FormCommittee", form(compound.id, owners, start="2025-02-01", end="2030-02-01"))).committee
    listed = await registry.call("ListCommittees", registry_pb2.ListCommitteesRequest(compound_id=compound.id))
    assert [(c.id, c.status) for c in listed.committees] == [
        (second.id, registry_pb2.COMMITTEE_STATUS_ACTIVE), (first.id, registry_pb2.COMMITTEE_STATUS_DISSOLVED)]
    status, _ = await refused(registry.call("ListCommittees", registry_pb2.ListCommitteesRequest(compound_id=compound.id),
                                            ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(registry.call("ListCommittees", registry_pb2.ListCommitteesRequest(compound_id="")))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "compound_id")


async def test_O2_two_replicas_sweeping_at_once_flag_and_announce_an_overdue_pmc_once(
    database_url: str, nats_server: EmbeddedNats, start_service
) -> None:
    """Replicas share the database and each runs the sweep: the one that comes second finds the committee
    flagged and does nothing, without an error (one flag, one ManagementCommitteeDissolutionOverdue)."""
    def replica_settings() -> RegistrySettings:  # the sweep is run by hand below, both at the same moment
        return RegistrySettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0,
                                pmc_dissolution_sweep_seconds=3600)

    first, second = await start_service(build(replica_settings())), await start_service(build(replica_settings()))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{first.port}") as channel:
        registry = Registry(first, registry_pb2_grpc.RegistryServiceStub(channel))
        await registry.hierarchy()
        await _pmc_then_filed_owners_committee(registry, filed_on="2024-06-10")
        flagged = await run_at_once_on_both(first, second, lambda replica: flag_overdue_management_committees(
            replica.runtime.unit_of_work, as_of=date(2024, 7, 11)))
        assert flagged == [0, 0, 0, 1]
        assert await registry.count("pmc_dissolution_overdue") == 1
        assert await registry.events("ManagementCommitteeDissolutionOverdue") == 1
