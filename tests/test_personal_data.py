"""Personal data: full phone numbers appear nowhere except unmasked answers to the roles allowed to see them.

Over the five real services (in process, one NATS) and the
gateway: people registered with phone numbers as owners of households, complaints filed with reporters'
phone numbers, one complaint run to closed (so the consumers get ComplaintSubmitted and ComplaintClosed).
Then it searches for every full number in:

- every log record of every service and the gateway (caplog at DEBUG, message, arguments, exception text and
  extra fields) and everything written to stdout/stderr (the JSON log lines);
- every message on the event streams (WUYE and the dead-letter stream), payload and headers;
- every SQLite file of every service (values are encrypted at rest);
- the REST answers to every development role, and the registry's GetPerson over gRPC for each role.

Full numbers may appear only in answers to a community worker in scope (complaint reporters also to the
12345 operator of the county, as the complaints service declares), and those roles must actually get them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import grpc
import nats
import pytest
import sqlalchemy as sa

from tests.gateway_world import (
    HUIAN_COMMUNITY,
    add_owned_households,
    funds_definition,
    register_compound,
    register_hierarchy,
    register_serving_company,
)
from tests.platform import Gateway, StartService, definition, gateway_for
from tests.support import eventually
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats

OWNERS = 3
#: add_owned_households gives owner n the phone 1380 + the community's last four digits + n
OWNER_PHONES = [f"1380{HUIAN_COMMUNITY[-4:]}{n:03d}" for n in range(1, OWNERS + 1)]
REPORTER_PHONES = ["13912340001", "13912340002", "13912340003"]
ALL_PHONES = OWNER_PHONES + REPORTER_PHONES
ROLES = ("city-admin", "huian-officer", "anxi-officer", "huian-street", "huian-community", "huian-grid",
         "huian-12345", "huian-company", "huian-resident", "huian-housing", "city-auditor")
#: who may get full reporter phones of a Hui'an case (complaints' CONTACT_VIEWERS, in scope)
REPORTER_VIEWERS = {"huian-community", "huian-12345"}
HUIAN_PATH = "350500/350521/350521100/350521100001"
ANXI_PATH = "350500/350524/350524100/350524100001"


def leaks(text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode()
    return [phone for phone in ALL_PHONES if phone.encode() in data]


async def seed(gateway: Gateway, registry: ServiceApp, complaints: ServiceApp) -> tuple[dict, list[str], str]:
    await register_hierarchy(gateway)
    compound = await register_compound(gateway, HUIAN_COMMUNITY, "FHC", "凤凰城")
    await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
    building = await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                         headers=await gateway.token("city-admin"), json={"code": "B3", "name": "3号楼"})
    assert building.status_code == 201, building.text
    await add_owned_households(registry.port, building.json()["id"], OWNERS)

    async def known() -> bool:
        async with complaints.runtime.db.sessions() as session:
            return bool(await session.scalar(sa.text("SELECT count(*) FROM known_compounds")))

    await eventually(known, timeout=20)
    # the grid worker files on the reporters' behalf (a resident files only for a compound they own in, A1)
    filer = await gateway.token("huian-grid")
    cases = []
    for n, phone in enumerate(REPORTER_PHONES):
        filed = await gateway.client.post("/api/v1/complaints", headers=filer, json={
            "compound_id": compound["id"], "category": "lifts", "channel": "mobile",
            "description": f"{n + 3}号楼电梯停运", "reporter": {"name": f"报告人{n}", "phone": phone}})
        assert filed.status_code == 201, filed.text
        assert phone not in filed.text
        cases.append(filed.json()["case"]["case_id"])
    # a bad phone is refused without echoing it
    refused = await gateway.client.post("/api/v1/complaints", headers=filer, json={
        "compound_id": compound["id"], "category": "lifts", "channel": "mobile", "description": "电梯停运",
        "reporter": {"name": "报告人", "phone": "1391234000A"}})
    assert refused.status_code in (400, 422) and "1391234000" not in refused.text, refused.text

    community = await gateway.token("huian-community")
    path = f"/api/v1/complaints/{cases[0]}"
    for action, body in [("accept", None), ("dispatch", {"assignee_kind": "community"}), ("start", None),
                         ("resolve", {"summary": "更换电梯控制板"}), ("reply", {"message": "电梯已修复"}),
                         ("callback", {"valid": True, "contacted": True, "solved": True,
                                       "satisfaction": "satisfied"}), ("close", None)]:
        answer = await gateway.client.post(f"{path}/{action}", json=body, headers=community)
        assert answer.status_code == 200, f"{action}: {answer.text}"
    return compound, cases, building.json()["id"]


async def test_full_phone_numbers_appear_only_in_unmasked_answers_to_allowed_roles(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService,
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    apps = {name: await start_service(definition(name, await database_url_factory(name), nats_server.url))
            for name in ("registry", "complaints", "enforcement", "ratings")}
    apps["funds"] = await start_service(
        funds_definition(await database_url_factory("funds"), nats_server.url, apps["registry"].port))
    async with gateway_for(apps) as gateway:
        compound, cases, _ = await seed(gateway, apps["registry"], apps["complaints"])

        # the consumers have applied the closed case (ratings' and enforcement's inboxes hold its events)
        async def consumed(name: str) -> int:
            async with apps[name].runtime.db.sessions() as session:
                return int(await session.scalar(sa.text("SELECT count(*) FROM inbox")) or 0)

        await eventually(lambda: consumed("ratings"), timeout=20)
        await eventually(lambda: consumed("enforcement"), timeout=20)

        # REST answers, every role
        full_in_answers: dict[str, set[str]] = {}
        reads = [f"/api/v1/complaints/{case}" for case in cases] + [
            "/api/v1/complaints?jurisdiction_path=350500/350521", f"/api/v1/compounds/{compound['id']}/roster",
            f"/api/v1/compounds/{compound['id']}", f"/api/v1/views/compounds/{compound['id']}",
            f"/api/v1/public/compounds/{compound['id']}/transparency", f"/c/{compound['id']}"]
        answers = 0
        for role in ROLES:
            headers = await gateway.token(role)
            for url in reads:
                answer = await gateway.client.get(url, headers=headers)
                answers += 1
                assert answer.status_code < 500, f"{role} {url}: {answer.text}"
                for phone in leaks(answer.content):
                    full_in_answers.setdefault(role, set()).add(phone)
        assert set(full_in_answers) <= REPORTER_VIEWERS, f"full phone numbers shown to {full_in_answers}"
        for role in REPORTER_VIEWERS:  # and the roles that need them get them (the test is not vacuous)
            assert set(REPORTER_PHONES) <= full_in_answers.get(role, set()), (role, full_in_answers)
        assert not set(OWNER_PHONES) & set().union(*full_in_answers.values()), "owner phones over REST"

    # the registry's GetPerson over gRPC: masked for everyone; the reveal only for a community worker in scope
    people = await _people(apps["registry"])
    assert len(people) == OWNERS
    contexts = {
        "community worker in scope": AuthContext(user="cw", roles=frozenset({"community_worker"}), scope=HUIAN_PATH),
        "community worker of Anxi": AuthContext(user="cw2", roles=frozenset({"community_worker"}), scope=ANXI_PATH),
        "county officer": AuthContext(user="co", roles=frozenset({"county_officer"}), scope="350500/350521"),
        "city admin": AuthContext(user="ca", roles=frozenset({"city_admin"}), scope="350500"),
        "12345 operator": AuthContext(user="op", roles=frozenset({"operator_12345"}), scope="350500/350521"),
        "resident": AuthContext(user="r", roles=frozenset({"resident"}), scope=HUIAN_PATH),
    }
    revealed_to: dict[str, int] = {}
    async with grpc.aio.insecure_channel(f"127.0.0.1:{apps['registry'].port}") as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        for who, context in contexts.items():
            for person_id in people:
                for reveal in (False, True):
                    try:
                        found = await stub.GetPerson(registry_pb2.GetPersonRequest(
                            person_id=person_id, reveal_personal_data=reveal, purpose="回访业主"),
                            metadata=context.to_metadata())
                    except grpc.aio.AioRpcError as exc:
                        assert exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND), exc
                        assert not leaks(exc.details() or ""), exc.details()
                        continue
                    if leaks(str(found)):
                        assert reveal and found.person.revealed, f"{who} got a full phone without a reveal"
                        revealed_to[who] = revealed_to.get(who, 0) + 1
    assert revealed_to == {"community worker in scope": OWNERS}, revealed_to

    # every event on the streams, payload and headers
    events = await _all_events(nats_server.url)
    assert events, "no events were read"
    in_events = [(subject, leaks(blob)) for subject, blob in events if leaks(blob)]
    assert not in_events, f"phone numbers in events: {in_events}"

    # every log record and every line written by any process in this test
    in_logs = []
    for record in caplog.records:
        text = " ".join(str(value) for value in (record.getMessage(), record.args, record.exc_text,
                                                  *record.__dict__.values()))
        if leaks(text):
            in_logs.append(f"{record.name}: {record.getMessage()[:200]}")
    written = capfd.readouterr()
    lines = (written.out + written.err).splitlines()
    in_lines = [line[:200] for line in lines if leaks(line)]
    assert not in_logs and not in_lines, f"phone numbers in logs: {in_logs[:5]} {in_lines[:5]}"

    # at rest: every row of every table of every service, on either backend
    rows_read = 0
    in_tables = {}
    for name, app in apps.items():
        async with app.runtime.db.sessions() as session:
            for table in app.definition.metadata.sorted_tables:
                rows = (await session.execute(sa.select(table))).all()
                rows_read += len(rows)
                if leaks(repr(rows)):
                    in_tables[f"{name}.{table.name}"] = leaks(repr(rows))
    assert rows_read and not in_tables, f"phone numbers stored in clear: {in_tables}"
    # and, on SQLite, the files themselves (free pages and the write-ahead log included)
    databases = sorted(tmp_path.glob("*.db*"))
    in_files = {path.name: leaks(path.read_bytes()) for path in databases if leaks(path.read_bytes())}
    assert not in_files, f"phone numbers stored in clear: {in_files}"

    print(f"\n{answers} REST answers over {len(ROLES)} roles (full numbers only to {sorted(full_in_answers)}), "
          f"{len(contexts) * len(people) * 2} GetPerson calls (revealed {revealed_to}), {len(events)} events, "
          f"{len(caplog.records)} log records, {len(lines)} output lines, {rows_read} stored rows, "
          f"{len(databases)} database files: "
          f"no full phone number elsewhere")


async def _people(registry: ServiceApp) -> list[str]:
    async with registry.runtime.db.sessions() as session:
        return [row[0] for row in await session.execute(sa.text("SELECT id FROM people"))]


async def _all_events(url: str) -> list[tuple[str, bytes]]:
    """Every message on every stream, as (subject, headers + payload)."""
    connection = await nats.connect(url)
    events = []
    try:
        js = connection.jetstream()
        for stream in await js.streams_info():
            count = stream.state.messages
            if not count:
                continue
            subscription = await js.pull_subscribe("", stream=stream.config.name)
            read = 0
            while read < count:
                try:
                    batch = await subscription.fetch(100, timeout=1)
                except nats.errors.TimeoutError:
                    break
                for message in batch:
                    headers = "".join(f"{k}:{v}" for k, v in (message.headers or {}).items())
                    events.append((message.subject, headers.encode() + message.data))
                    await message.ack()
                    read += 1
    finally:
        await connection.close()
    return events
