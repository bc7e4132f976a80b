"""Partner departments call the services over gRPC with mutual TLS, each limited to its allow-list.

Real certificates made here with ``cryptography``: a CA, a server certificate for 127.0.0.1, client
certificates for the housing bureau and the police, one for a department nobody listed, and one from a
CA the service does not trust. The enforcement service runs with the partner listener on; its own port
(the gateway's) stays plaintext with metadata identity, as before.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import ValidationError

from wuye.enforcement.v1 import enforcement_pb2 as pb
from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis import partners
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_enforcement.entrypoints.app import build
from wuye_enforcement.settings import EnforcementSettings

ENFORCEMENT = "wuye.enforcement.v1.EnforcementService"
PARTNERS_YAML = f"""\
housing:
  name: 住房和城乡建设局 Housing bureau
  scope: "350500"
  methods:
    - {ENFORCEMENT}/CreateInspectionItem
    - {ENFORCEMENT}/ListInspectionItems
police:
  name: 公安局 Public security
  scope: "350500/350521"
  methods:
    - /{ENFORCEMENT}/ListDepartments
"""
CITY_ADMIN = AuthContext(user="city-admin", roles=frozenset({"city_admin"}), scope="350500")


# --- certificates ------------------------------------------------------------------------------------


@dataclass
class Issued:
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Wuye test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Issued:
    issued = Issued(folder / f"{stem}.crt", folder / f"{stem}.key")
    issued.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    issued.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    return issued


class Authority:
    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.issued = _write(folder, name, self.cert, self.key)

    def issue(self, common_name: str, *, server: bool = False, stem: str = "") -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        )
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        return _write(self.folder, stem or common_name, builder.sign(self.key, hashes.SHA256()), key)


@dataclass
class Pki:
    ca: Authority
    server: Issued
    housing: Issued
    police: Issued
    unlisted: Issued
    stranger: Issued


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca = Authority(folder, "wuye-partner-ca")
    other = Authority(folder, "someone-elses-ca")
    return Pki(ca=ca, server=ca.issue("wuye-enforcement", server=True), housing=ca.issue("housing"),
               police=ca.issue("police"), unlisted=ca.issue("market_supervision"), stranger=other.issue("housing", stem="stranger-housing"))


@pytest.fixture
async def enforcement(
    pki: Pki, database_url: str, nats_server: EmbeddedNats, tmp_path: Path
) -> AsyncIterator[ServiceApp]:
    allow_list = tmp_path / "partners.yaml"
    allow_list.write_text(PARTNERS_YAML, encoding="utf-8")
    settings = EnforcementSettings(
        database_url=database_url, nats_url=nats_server.url, grpc_port=0, grpc_partner_port=0,
        grpc_tls_cert=str(pki.server.cert), grpc_tls_key=str(pki.server.key),
        grpc_tls_client_ca=str(pki.ca.issued.cert), partners_file=str(allow_list),
    )
    app = ServiceApp(build(settings))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def partner_channel(app: ServiceApp, pki: Pki, client: Issued | None) -> grpc.aio.Channel:
    credentials = partners.client_credentials(pki.ca.issued.cert, client.cert if client else None,
                                              client.key if client else None)
    return grpc.aio.secure_channel(f"127.0.0.1:{app.partner_port}", credentials)


def item(code: str, lead: str = "housing") -> pb.CreateInspectionItemRequest:
    return pb.CreateInspectionItemRequest(item=pb.InspectionItem(
        code=code, lead_department=lead, content="电梯年检是否有效", legal_basis="《特种设备安全法》",
        standard="年检合格", frequency=pb.FREQUENCY_ANNUAL))


def reason_of(error: grpc.aio.AioRpcError) -> str:
    """The google.rpc.ErrorInfo reason (the rule) carried in the status details."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return ""


# --- the listener ----------------------------------------------------------------------------------


async def test_a_partner_calls_the_methods_on_its_list_as_its_certified_department(enforcement, pki) -> None:
    async with partner_channel(enforcement, pki, pki.housing) as channel:
        stub = enforcement_pb2_grpc.EnforcementServiceStub(channel)
        created = await stub.CreateInspectionItem(item("LIFT-01"))
        assert created.item.code == "LIFT-01" and created.item.lead_department == "housing"
        listed = await stub.ListInspectionItems(pb.ListInspectionItemsRequest(department="housing"))
        assert [i.code for i in listed.items] == ["LIFT-01"]
        # health is open to every certified partner
        health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service="liveness"))
        assert health.status == health_pb2.HealthCheckResponse.SERVING


async def test_a_method_not_on_the_list_is_refused(enforcement, pki) -> None:
    async with partner_channel(enforcement, pki, pki.housing) as channel:
        stub = enforcement_pb2_grpc.EnforcementServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.ListDepartments(pb.ListDepartmentsRequest())
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "ListDepartments" in (refused.value.details() or "") and reason_of(refused.value) == "partner"
        with pytest.raises(grpc.aio.AioRpcError) as planning:
            await stub.CreatePlan(pb.CreatePlanRequest(kind=pb.INSPECTION_KIND_ROUTINE, basis="x",
                                                       visit_date="2026-12-01", compound_ids=["c"]))
        assert planning.value.code() == grpc.StatusCode.PERMISSION_DENIED

    async with partner_channel(enforcement, pki, pki.police) as channel:
        stub = enforcement_pb2_grpc.EnforcementServiceStub(channel)
        assert {d.code for d in (await stub.ListDepartments(pb.ListDepartmentsRequest())).departments} >= {"police"}
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateInspectionItem(item("LIFT-02"))
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        # reflection is a method like any other: not on the police's list
        from grpc_reflection.v1alpha import reflection_pb2

        # called by path: grpcio-reflection's stubs type its Stub for the synchronous channel only.
        # No request is written: the refusal comes when the call opens, and a request written then
        # races the refusal (the client sees INTERNAL "Failed execute_batch" instead of the status)
        reflecting = channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
        )()
        assert await asyncio.wait_for(reflecting.code(), timeout=10) == grpc.StatusCode.PERMISSION_DENIED


async def test_the_identity_comes_from_the_certificate_not_from_metadata(enforcement, pki) -> None:
    async with partner_channel(enforcement, pki, pki.housing) as channel:
        stub = enforcement_pb2_grpc.EnforcementServiceStub(channel)
        spoofed = [("x-wuye-user", "city-admin"), ("x-wuye-roles", "city_admin"), ("x-wuye-scope", "350500"),
                   ("x-wuye-department", "fire_rescue")]
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            # the housing bureau cannot add an item another department leads, whatever it claims
            await stub.CreateInspectionItem(item("FIRE-01", lead="fire_rescue"), metadata=spoofed)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert reason_of(refused.value) == "E1" and "housing" in (refused.value.details() or "")

    async with partner_channel(enforcement, pki, pki.unlisted) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await enforcement_pb2_grpc.EnforcementServiceStub(channel).ListDepartments(pb.ListDepartmentsRequest())
        assert unknown.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "not a listed partner" in (unknown.value.details() or "")


async def test_a_client_without_a_trusted_certificate_cannot_connect(enforcement, pki) -> None:
    for client in (None, pki.stranger):
        async with partner_channel(enforcement, pki, client) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as failed:
                await enforcement_pb2_grpc.EnforcementServiceStub(channel).ListDepartments(
                    pb.ListDepartmentsRequest(), timeout=5)
            assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
    # nor in plaintext
    async with grpc.aio.insecure_channel(f"127.0.0.1:{enforcement.partner_port}") as channel:
        with pytest.raises(grpc.aio.AioRpcError) as plaintext:
            await enforcement_pb2_grpc.EnforcementServiceStub(channel).ListDepartments(
                pb.ListDepartmentsRequest(), timeout=5)
        assert plaintext.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_the_platform_port_keeps_metadata_identity(enforcement) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{enforcement.port}") as channel:
        stub = enforcement_pb2_grpc.EnforcementServiceStub(channel)
        answer = await stub.ListDepartments(pb.ListDepartmentsRequest(), metadata=CITY_ADMIN.to_metadata())
        assert answer.departments
        created = await stub.CreateInspectionItem(item("GAS-01", lead="fire_rescue"), metadata=CITY_ADMIN.to_metadata())
        assert created.item.lead_department == "fire_rescue"
    assert enforcement.partner_port not in (0, enforcement.port)


# --- configuration ---------------------------------------------------------------------------------


def test_the_allow_list_reads_yaml_and_json(tmp_path: Path) -> None:
    listed = partners.parse_partners({"housing": {"scope": 350500, "methods": [f"/{ENFORCEMENT}/GetPlan"]}})
    housing = listed["housing"]
    assert housing.allows(f"/{ENFORCEMENT}/GetPlan") and not housing.allows(f"/{ENFORCEMENT}/CreatePlan")
    assert housing.allows("/grpc.health.v1.Health/Check")
    assert housing.context() == AuthContext(user="partner:housing", roles=frozenset({"department_inspector"}),
                                            scope="350500", department="housing")
    everything = partners.parse_partners({"hotline": {"roles": ["operator_12345"], "methods": ["wuye.complaints.v1.ComplaintsService/*"]}})
    assert everything["hotline"].allows("/wuye.complaints.v1.ComplaintsService/SubmitComplaint")
    assert not everything["hotline"].allows("/wuye.funds.v1.VoteService/OpenVote")
    as_json = tmp_path / "partners.json"
    as_json.write_text('{"police": {"methods": ["wuye.registry.v1.RegistryService/GetCompound"]}}')
    assert set(partners.load_partners(as_json)) == {"police"}
    as_yaml = tmp_path / "partners.yaml"
    as_yaml.write_text(PARTNERS_YAML, encoding="utf-8")
    assert partners.load_partners(as_yaml)["police"].scope == "350500/350521"


@pytest.mark.parametrize("entry", [
    {"roles": ["city_admin"], "methods": []},  # a certificate never makes a platform role
    {"methods": ["GetPlan"]},  # not a full method name
    {"methods": "wuye.x.v1.S/M"},  # not a list
    "everything",
])
def test_a_malformed_allow_list_stops_the_service_from_starting(entry: object) -> None:
    with pytest.raises(partners.PartnerConfigError):
        partners.parse_partners({"housing": entry})


def test_tls_settings_come_all_together_and_are_off_by_default() -> None:
    plain = EnforcementSettings()
    assert not plain.partner_tls and plain.grpc_tls_cert == ""
    with pytest.raises(ValidationError, match="together"):
        EnforcementSettings(grpc_tls_cert="server.crt", grpc_tls_key="server.key")
