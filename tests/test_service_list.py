"""services.toml is the one list of the platform's services: what cannot read it is checked against it here.

The Makefile, deploy/localstack.py, the container image and the tests read it (deploy/services.py); the
gateway's settings, the compose stack, the chart's values and schema, mypy.ini and .importlinter are
files of their own formats (or code that must not depend on a file outside its package) and name each
service again, so this test fails naming what a new or removed service was not added to or removed from.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest
import yaml

from deploy.services import SERVICES
from wuye_chassis.pii import PersonalDataCipher
from wuye_funds.adapters.ledger_signing import LedgerSigner
from wuye_gateway.settings import SERVICES as GATEWAY_BACKENDS

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = set(SERVICES)


def test_each_service_has_its_package_and_its_api() -> None:
    assert {p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml")} - {"gateway"} == EXPECTED
    assert {p.name for p in (ROOT / "proto" / "wuye").iterdir() if p.is_dir()} - {"common"} == EXPECTED
    for name in SERVICES:
        assert (ROOT / "services" / name / "src" / f"wuye_{name}" / "__main__.py").is_file(), name


def test_the_gateway_has_an_address_for_each_service() -> None:
    assert GATEWAY_BACKENDS == SERVICES  # wuye_gateway.settings: one <name>_addr per service


def test_compose_runs_migrates_and_addresses_each_service() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose" / "compose.yaml").read_text(encoding="utf-8"))
    containers = set(compose["services"])
    assert {*SERVICES, *(f"{name}-migrate" for name in SERVICES)} <= containers
    assert {f"WUYE_{name.upper()}_ADDR" for name in SERVICES} <= set(compose["services"]["gateway"]["environment"])
    init = (ROOT / "deploy" / "compose" / "postgres-init.sql").read_text(encoding="utf-8")
    assert set(re.findall(r"CREATE DATABASE (\w+)", init)) == EXPECTED
    revoked = re.search(r"REVOKE CONNECT ON DATABASE (.+) FROM PUBLIC", init)
    assert revoked and {name.strip() for name in revoked.group(1).split(",")} == EXPECTED


def test_the_chart_values_and_schema_name_each_service() -> None:
    chart = ROOT / "charts" / "wuye"
    values = yaml.safe_load((chart / "values.yaml").read_text(encoding="utf-8"))
    assert set(values["components"]) == {*SERVICES, "gateway"}
    schema = json.loads((chart / "values.schema.json").read_text(encoding="utf-8"))
    components = schema["properties"]["components"]["properties"]
    assert set(components) == {*SERVICES, "gateway"}
    calls_to = schema["definitions"]["componentNetworkPolicy"]["properties"]["callsTo"]
    assert set(calls_to["items"]["enum"]) == EXPECTED
    # the templates take the services from the components ("wuye.services"), never name one
    for template in (chart / "templates").iterdir():
        text = template.read_text(encoding="utf-8")
        assert not [name for name in SERVICES if f'"{name}"' in text], template.name


@pytest.mark.parametrize("name", SERVICES)
def test_mypy_is_strict_on_each_services_domain_and_service_packages(name: str) -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "mypy.ini", encoding="utf-8")
    strict = next(section for section in config.sections() if "wuye_chassis.*" in section)
    assert {f"wuye_{name}.domain.*", f"wuye_{name}.service.*"} <= set(strict.removeprefix("mypy-").split(","))
    assert f"services/{name}/src" in config["mypy"]["mypy_path"].split(":")


@pytest.mark.parametrize("name", SERVICES)
def test_the_import_contracts_hold_each_service(name: str) -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")

    def listed(section: str, key: str) -> set[str]:
        return set(config[section][key].split())

    package = f"wuye_{name}"
    assert package in listed("importlinter", "root_packages")
    assert package in listed("importlinter:contract:layers", "containers")
    assert package in listed("importlinter:contract:independent", "modules")
    assert package in listed("importlinter:contract:chassis", "forbidden_modules")
    edges = listed("importlinter:contract:protobuf-at-the-edges", "source_modules")
    assert {f"{package}.domain", f"{package}.service", f"{package}.adapters"} <= edges


def test_compose_keys_are_keys_the_services_accept() -> None:
    """The compose stack runs on PostgreSQL, where no development fallback applies: its personal-data key
    and ledger signing key must be what the services take (base64 of 32 bytes), or they refuse to start."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose" / "compose.yaml").read_text(encoding="utf-8"))
    env = compose["x-service-env"]
    PersonalDataCipher.from_base64(env["WUYE_PII_KEY"])
    LedgerSigner.from_base64(env["WUYE_LEDGER_SIGNING_KEY"])
