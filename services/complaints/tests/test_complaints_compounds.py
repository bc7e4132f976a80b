"""The compound read model, fed by the registry's events over real NATS: intake works without the registry."""

from __future__ import annotations

import grpc
from google.protobuf.message import Message

from tests.support import eventually
from wuye.complaints.v1 import complaints_pb2 as api
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id

from .conftest import COMMUNITY, COMMUNITY_WORKER, OPERATOR, Complaints, refused


async def announce(complaints: Complaints, event: Message, subject: str) -> None:
    """Publish a registry event the way the registry's outbox relay does."""
    headers = EventHeaders(new_id(), event_type_of(event), "/wuye/registry", utcnow(), subject)
    await complaints.app.runtime.bus.js.publish(
        event_type_of(event), event.SerializeToString(), headers=headers.to_nats()
    )


async def test_compound_and_contract_events_make_intake_and_default_dispatch_work(complaints: Complaints) -> None:
    compound = "compound-new"
    status, error = await refused(complaints.submit(compound_id=compound))
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "compound_id"
    await announce(
        complaints,
        registry_events.CompoundRegistered(compound_id=compound, name="新城小区", jurisdiction_path=COMMUNITY),
        compound,
    )
    await announce(
        complaints,
        registry_events.ContractStarted(
            contract_id="contract-1", compound_id=compound, company_id="company-new", jurisdiction_path=COMMUNITY
        ),
        compound,
    )

    async def company_known() -> bool:
        return await complaints.count("known_compounds", "WHERE company_id = 'company-new'") == 1

    await eventually(company_known)
    case = await complaints.dispatched(who=OPERATOR, compound_id=compound)
    assert case.jurisdiction_path == COMMUNITY and case.assignee.assignee_id == "company-new"

    await announce(
        complaints,
        registry_events.ContractEnded(contract_id="contract-1", compound_id=compound, company_id="company-new"),
        compound,
    )
    await eventually(lambda: complaints.count("known_compounds", "WHERE company_id IS NULL"))
    second = (await complaints.submit(OPERATOR, compound_id=compound)).case
    await complaints.stub.AcceptCase(api.AcceptCaseRequest(case_id=second.case_id), metadata=COMMUNITY_WORKER.to_metadata())
    status, error = await refused(
        complaints.stub.DispatchCase(
            api.DispatchCaseRequest(case_id=second.case_id, assignee_kind=api.ASSIGNEE_KIND_COMPANY),
            metadata=COMMUNITY_WORKER.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "assignee_id"
