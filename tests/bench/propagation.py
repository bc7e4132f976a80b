"""Event propagation: a complaint closed unsatisfied in the complaints service → the company's bad credit
record present in the ratings service (outbox → relay → JetStream → ratings' inbox transaction),
beside raw JetStream publish → pull-consume on the same server.

The registry's announcements (compound, company, contract) are published the way its relay would, so
both services know the compound's company before the timing starts.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import grpc
import sqlalchemy as sa
from google.protobuf.message import Message
from nats.js.api import ConsumerConfig

from tests.platform import definition
from wuye.complaints.v1 import complaints_pb2 as api
from wuye.complaints.v1 import complaints_pb2_grpc
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.natsd import EmbeddedNats

CASES = 40
COMMUNITY = "350500/350521/350521100/350521100001"
COMPANY = "bench-company"
#: an owner of the bench compound, acting as such (A1: a resident files only for their own compounds)
RESIDENT = AuthContext(user="r", roles=frozenset({"resident"}), scope=COMMUNITY, post="resident",
                       compounds=frozenset({"bench-compound"}))
WORKER = AuthContext(user="cw", roles=frozenset({"community_worker"}), scope=COMMUNITY)
STAFF = AuthContext(user="s", roles=frozenset({"company_staff"}), scope=COMMUNITY, company=COMPANY)


async def announce(app: ServiceApp, event: Message) -> None:
    event_id = new_id()
    headers = EventHeaders(event_id, event_type_of(event), "/wuye/registry", utcnow(), event_id).to_nats()
    await app.runtime.bus.js.publish(event_type_of(event), event.SerializeToString(), headers=headers)


async def count(app: ServiceApp, table: str) -> int:
    async with app.runtime.db.sessions() as session:
        return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)


async def until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("the services did not converge")
        await asyncio.sleep(0.002)


async def raw_round_trips(app: ServiceApp) -> list[float]:
    js = app.runtime.bus.js
    pull = await js.pull_subscribe("wuye.bench.v1.Raw", stream=app.runtime.bus.stream, config=ConsumerConfig())
    latencies = []
    for n in range(CASES):
        started = time.perf_counter()
        await js.publish("wuye.bench.v1.Raw", b"x" * 64, headers={"Nats-Msg-Id": f"raw-{n}-{new_id()}"})
        [message] = await pull.fetch(batch=1, timeout=5)
        await message.ack()
        latencies.append((time.perf_counter() - started) * 1000)
    await pull.unsubscribe()
    return latencies


async def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        nats_server = EmbeddedNats(Path(folder) / "nats").start()
        complaints = ServiceApp(definition("complaints", f"sqlite+aiosqlite:///{folder}/c.db", nats_server.url))
        ratings = ServiceApp(definition("ratings", f"sqlite+aiosqlite:///{folder}/r.db", nats_server.url))
        try:
            await complaints.start()
            await ratings.start()
            for event in (
                registry_events.CompoundRegistered(compound_id="bench-compound", name="凤凰城", jurisdiction_path=COMMUNITY),
                registry_events.CompanyRegistered(company_id=COMPANY, name="安居物业", jurisdiction_path="350500/350521"),
                registry_events.ContractStarted(contract_id="bench-contract", compound_id="bench-compound",
                                                company_id=COMPANY, jurisdiction_path=COMMUNITY, start_on="2026-01-01"),
            ):
                await announce(complaints, event)
            await until(lambda: _company_known(complaints, ratings))
            latencies = []
            async with grpc.aio.insecure_channel(f"127.0.0.1:{complaints.port}") as channel:
                stub = complaints_pb2_grpc.ComplaintsServiceStub(channel)
                for n in range(CASES):
                    case = (await stub.SubmitComplaint(api.SubmitComplaintRequest(
                        compound_id="bench-compound", category="lifts", channel=api.CHANNEL_MOBILE,
                        description=f"电梯故障 {n}", reporter=api.Reporter(name="陈建国", phone="13800000001"),
                    ), metadata=RESIDENT.to_metadata())).case
                    await stub.AcceptCase(api.AcceptCaseRequest(case_id=case.case_id), metadata=WORKER.to_metadata())
                    await stub.DispatchCase(api.DispatchCaseRequest(
                        case_id=case.case_id, assignee_kind=api.ASSIGNEE_KIND_COMPANY), metadata=WORKER.to_metadata())
                    await stub.StartHandling(api.StartHandlingRequest(case_id=case.case_id), metadata=STAFF.to_metadata())
                    await stub.ResolveCase(api.ResolveCaseRequest(case_id=case.case_id, summary="已修复"), metadata=STAFF.to_metadata())
                    await stub.ReplyToReporter(api.ReplyToReporterRequest(case_id=case.case_id, message="已修复"),
                                               metadata=STAFF.to_metadata())
                    await stub.RecordCallback(api.RecordCallbackRequest(
                        case_id=case.case_id, valid=True, contacted=True, solved=False,
                        satisfaction=api.SATISFACTION_UNSATISFIED), metadata=WORKER.to_metadata())
                    records = await count(ratings, "credit_records")
                    started = time.perf_counter()
                    await stub.CloseCase(api.CloseCaseRequest(case_id=case.case_id), metadata=WORKER.to_metadata())
                    await until(lambda records=records: _more(ratings, records))
                    latencies.append((time.perf_counter() - started) * 1000)
            raw = await raw_round_trips(complaints)
        finally:
            await ratings.stop()
            await complaints.stop()
            nats_server.stop()
    p50, raw_p50 = statistics.median(latencies), statistics.median(raw)
    return [
        (f"raw JetStream publish → pull-consume → ack, p50 / max of {CASES} (bare ceiling)", "-",
         f"{raw_p50:.1f} / {max(raw):.1f} ms", "1.00"),
        (f"complaint closed unsatisfied → ratings credit record committed, p50 / max of {CASES}", "-",
         f"{p50:.1f} / {max(latencies):.1f} ms", f"{raw_p50 / p50:.2f}"),
    ]


async def _company_known(complaints: ServiceApp, ratings: ServiceApp) -> bool:
    async with complaints.runtime.db.sessions() as session:
        served = await session.scalar(sa.text("SELECT company_id FROM known_compounds"))
    return served == COMPANY and await count(ratings, "served_compounds") == 1


async def _more(ratings: ServiceApp, before: int) -> bool:
    return await count(ratings, "credit_records") > before
