"""Render the Wuye chart offline and look at the result, for the chart tests.

Rendering uses the helm-python-sdk wheel (Helm's own Go engine through a C ABI, so no helm binary):
``Chart.load(dir).render(values, name=..., namespace=...)`` coalesces the chart's values.yaml with the
given values, validates them against values.schema.json (HelmValuesError when they do not match) and
renders every template (HelmRenderError when a template fails, e.g. on ``fail``/``required``).
Objects are checked against the Kubernetes OpenAPI schemas bundled in the kubernetes-validate wheel.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.services import SERVICES

helm = pytest.importorskip(
    "helm_python", reason="helm-python-sdk is not installed (pip install -c constraints.txt helm-python-sdk)"
)
kubernetes_validate = pytest.importorskip(
    "kubernetes_validate",
    reason="kubernetes-validate is not installed (pip install -c constraints.txt kubernetes-validate)",
)

# kubernetes_validate.validate() re-reads and re-parses the 1.4 MB definitions file on every call; the
# files never change, so parse each once per process (a pure speed-up: same function, same data).
if not hasattr(kubernetes_validate.utils.schema_contents, "cache_info"):
    kubernetes_validate.utils.schema_contents = functools.lru_cache(maxsize=None)(
        kubernetes_validate.utils.schema_contents
    )

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "wuye"
VALUES = Path(__file__).resolve().parent / "values"
RELEASE = "city"
NAMESPACE = "wuye"
COMPONENTS = (*SERVICES, "gateway")
#: the chart's minimum (Chart.yaml kubeVersion) and the newest schemas the validator ships
KUBE_VERSIONS = ("1.29.0", "1.37.0")


def dependency_present(name: str) -> bool:
    return any((CHART / "charts").glob(f"{name}-*.tgz")) or (CHART / "charts" / name).is_dir()


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Helm's `-f a.yaml -f b.yaml` coalescing: maps merge, anything else replaces, null deletes."""
    result = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def load_values(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _offline(values: dict[str, Any]) -> dict[str, Any]:
    """Switch off the optional subcharts that are not vendored, so the render stays offline."""
    for dependency in ("nats", "opentelemetry-collector"):
        if not dependency_present(dependency):
            values = merge(values, {dependency: {"enabled": False}})
    return values


#: the value sets every structural and policy test runs against
VALUE_SETS: dict[str, Any] = {
    "default": lambda: {},
    # a release pins every image by digest (the chart refuses production without)
    "production": lambda: _offline(
        merge(load_values(CHART / "values-production.yaml"), load_values(VALUES / "release-digests.yaml"))
    ),
    "minimal": lambda: load_values(VALUES / "minimal.yaml"),
    "partner-ingress": lambda: load_values(VALUES / "partner-ingress.yaml"),
}


def render(values: dict[str, Any]) -> dict[str, str]:
    """Template path -> rendered text; raises the SDK's HelmValuesError / HelmRenderError."""
    with helm.Chart.load(CHART) as chart:
        return chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)


def objects(rendered: dict[str, str]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for template, text in sorted(rendered.items()):
        if not template.endswith((".yaml", ".yml")):
            continue  # NOTES.txt
        docs.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return docs


@functools.cache
def rendered_set(name: str) -> tuple[dict[str, Any], ...]:
    """The objects a value set renders to (cached per process; callers must not mutate them)."""
    return tuple(objects(render(VALUE_SETS[name]())))


def of_kind(docs: tuple[dict[str, Any], ...] | list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [doc for doc in docs if doc["kind"] == kind]


def by_component(docs: tuple[dict[str, Any], ...] | list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    found = {}
    for doc in of_kind(docs, kind):
        component = doc["metadata"].get("labels", {}).get("app.kubernetes.io/component")
        if component is None:
            continue  # release-wide objects such as the default-deny policy
        if kind == "Service" and doc["spec"].get("clusterIP") == "None":
            continue  # a service's headless twin, the gRPC callers' (tests/charts/test_chart_policy.py)
        assert component not in found, f"two {kind}s for {component}"
        found[component] = doc
    return found


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}
