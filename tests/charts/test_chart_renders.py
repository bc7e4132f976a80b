"""The chart renders offline for every shipped value set, every object is valid Kubernetes, and the
values schema turns mistakes into errors instead of silently ignored keys."""

from __future__ import annotations

from typing import Any

import pytest

from tests.charts.chart_support import (
    CHART,
    COMPONENTS,
    KUBE_VERSIONS,
    SERVICES,
    VALUE_SETS,
    by_component,
    dependency_present,
    helm,
    kubernetes_validate,
    load_values,
    merge,
    objects,
    of_kind,
    render,
    rendered_set,
)

EXPECTED_KINDS = {
    "Deployment": len(COMPONENTS),
    # one per component, and a headless one per service for the callers' round robin over its pods
    "Service": len(COMPONENTS) + len(SERVICES),
    "HorizontalPodAutoscaler": len(COMPONENTS),
    "PodDisruptionBudget": len(COMPONENTS),
    "Job": len(SERVICES),
    # one per component, one deny-all, one per migration Job, one on the NATS pods
    "NetworkPolicy": len(COMPONENTS) + 1 + len(SERVICES) + 1,
    # one per component plus the migration Jobs' hook account
    "ServiceAccount": len(COMPONENTS) + 1,
}


@pytest.mark.parametrize("value_set", sorted(VALUE_SETS))
def test_chart_renders_offline_every_component_for(value_set: str) -> None:
    docs = rendered_set(value_set)
    counts = {kind: len(of_kind(docs, kind)) for kind in EXPECTED_KINDS}
    assert counts == EXPECTED_KINDS
    assert set(by_component(docs, "Deployment")) == set(COMPONENTS)


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("value_set", sorted(VALUE_SETS))
def test_every_rendered_object_passes_strict_kubernetes_schema(value_set: str, kube_version: str) -> None:
    """Strict: unknown fields fail too (a misplaced key would be dropped silently by the API server)."""
    failures = []
    for doc in rendered_set(value_set):
        try:
            kubernetes_validate.validate(doc, kube_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(part) for part in exc.path)
            failures.append(f"{doc['kind']}/{doc['metadata']['name']}: {path}: {exc.message}")
    assert not failures, "\n".join(failures)


def test_schema_validator_is_not_a_no_op() -> None:
    """Guards the test above: the bundled schemas really reject a bad Deployment offline."""
    deployment = dict(by_component(rendered_set("default"), "Deployment")["registry"])
    bad = {**deployment, "spec": {**deployment["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBE_VERSIONS[0], strict=True)


@pytest.mark.parametrize(
    "bogus",
    [
        {"replicaCount": 3},
        {"defaults": {"replica": 3}},
        {"defaults": {"resources": {"requests": {"gpu": 1}}}},
        {"components": {"registry": {"imagee": {"tag": "x"}}}},
        {"components": {"billing": {"enabled": True}}},
        {"components": {"gateway": {"secret": {"create": True}}}},
        {"components": {"registry": {"auth": {"devIssuer": True}}}},
        {"networkPolicy": {"partnerIngress": {"enable": True}}},
        {"defaults": {"partnerTls": {"secret": "x"}}},
        {"components": {"gateway": {"partnerTls": {"secretName": "x"}}}},
        {"messaging": {"streamReplica": 3}},
    ],
    ids=lambda bogus: repr(bogus),
)
def test_values_schema_rejects_unknown_key(bogus: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError, match="additional properties"):
        render(bogus)


@pytest.mark.parametrize(
    "wrong",
    [
        {"defaults": {"replicas": "three"}},
        {"messaging": {"streamReplicas": 0}},
        {"messaging": {"url": "http://nats:4222"}},
        {"components": {"funds": {"database": {"networkPolicy": {"to": []}}}}},
        {"defaults": {"image": {"pullPolicy": "Sometimes"}}},
        # a pod's folder is lost with the pod: in the cluster, files go to an S3-compatible bucket
        {"components": {"complaints": {"objectStore": {"url": "file:///var/photos"}}}},
    ],
    ids=lambda wrong: repr(wrong),
)
def test_values_schema_rejects_wrong_value(wrong: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        render(wrong)


def test_disabled_dependencies_need_no_archives() -> None:
    """Offline render with nats and the collector off works whether or not charts/ holds them."""
    docs = objects(render({"nats": {"enabled": False}, "opentelemetry-collector": {"enabled": False}}))
    assert not [doc for doc in docs if doc["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "nats"]


@pytest.mark.skipif(dependency_present("nats"), reason="the nats chart is vendored under charts/wuye/charts")
def test_enabling_nats_without_its_archive_fails_with_instructions() -> None:
    with pytest.raises(helm.HelmRenderError, match="helm dependency build"):
        render({"nats": {"enabled": True}})


@pytest.mark.skipif(
    dependency_present("opentelemetry-collector"), reason="the collector chart is vendored under charts/wuye/charts"
)
def test_enabling_the_collector_without_its_archive_fails_with_instructions() -> None:
    with pytest.raises(helm.HelmRenderError, match="helm dependency build"):
        render({"opentelemetry-collector": {"enabled": True}})


def production(**over: Any) -> dict[str, Any]:
    return merge(VALUE_SETS["production"](), over)


def test_production_refuses_the_development_token_issuer() -> None:
    with pytest.raises(helm.HelmRenderError, match="devIssuer must be false"):
        render(production(components={"gateway": {"auth": {"devIssuer": True}}}))


def test_production_refuses_unreplicated_streams() -> None:
    with pytest.raises(helm.HelmRenderError, match="streamReplicas must be at least 3"):
        render(production(messaging={"streamReplicas": 1}))


def test_production_refuses_nats_without_credentials_and_a_generated_identity_key() -> None:
    with pytest.raises(helm.HelmRenderError, match="messaging.auth.enabled must be true"):
        render(production(messaging={"auth": {"enabled": False}}))
    with pytest.raises(helm.HelmRenderError, match="internalIdentity.existingSecret"):
        render(production(internalIdentity={"existingSecret": ""}))


def test_production_refuses_an_image_not_pinned_by_digest() -> None:
    with pytest.raises(helm.HelmRenderError, match="components.ratings.image.digest must pin the image"):
        render(production(components={"ratings": {"image": {"digest": ""}}}))
    rendered = objects(render(production()))
    images = {container["image"] for doc in rendered if doc["kind"] in ("Deployment", "Job")
              for container in doc["spec"]["template"]["spec"]["containers"]}
    assert images and all("@sha256:" in image for image in images)


def test_the_chart_creates_funds_ledger_signing_key_only_from_values() -> None:
    trial = {"components": {"funds": {"secret": {"create": True, "databaseUrl": "postgresql+asyncpg://db/f",
                                                 "piiKey": "k"}}}}
    with pytest.raises(helm.HelmRenderError, match="components.funds.secret.values.ledger-signing-key is required"):
        render(trial)
    trial["components"]["funds"]["secret"]["values"] = {"ledger-signing-key": "a2V5"}
    [secret] = [doc for doc in objects(render(trial)) if doc["kind"] == "Secret" and doc["metadata"]["name"].endswith("-funds")]
    assert secret["stringData"]["ledger-signing-key"] == "a2V5"


def test_the_chart_generates_the_identity_key_when_no_secret_is_named() -> None:
    [secret] = [doc for doc in objects(render({})) if doc["kind"] == "Secret"
                and doc["metadata"]["name"].endswith("-internal-identity")]
    assert len(secret["data"]["internal-token-key"]) >= 44  # 48 random characters, base64
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


def test_production_values_switch_on_a_three_node_jetstream_cluster() -> None:
    nats = load_values(CHART / "values-production.yaml")["nats"]
    assert nats["enabled"] is True
    assert nats["config"]["cluster"] == {"enabled": True, "replicas": 3}
    assert nats["config"]["jetstream"]["fileStore"]["pvc"]["enabled"] is True


def test_chart_created_secret_requires_a_database_url() -> None:
    with pytest.raises(helm.HelmRenderError, match="components.funds.secret.databaseUrl is required"):
        render({"components": {"funds": {"secret": {"create": True, "piiKey": "k"}}}})


def test_chart_created_secret_requires_a_pii_key() -> None:
    with pytest.raises(helm.HelmRenderError, match="components.funds.secret.piiKey is required"):
        render({"components": {"funds": {"secret": {"create": True, "databaseUrl": "postgresql+asyncpg://db/f"}}}})


def test_component_value_false_overrides_default_true() -> None:
    """Defaults merge key by key and a component's false/0 wins (sprig's mergeOverwrite would drop it)."""
    docs = objects(render({"components": {"ratings": {"autoscaling": {"enabled": False}, "replicas": 2}}}))
    assert "ratings" not in by_component(docs, "HorizontalPodAutoscaler")
    assert by_component(docs, "Deployment")["ratings"]["spec"]["replicas"] == 2
    assert "replicas" not in by_component(docs, "Deployment")["funds"]["spec"]  # the HPA owns it


def test_disabled_component_renders_nothing() -> None:
    docs = objects(render({"components": {"enforcement": {"enabled": False}}}))
    names = [doc["metadata"]["name"] for doc in docs]
    assert not [name for name in names if "enforcement" in name]


def test_partner_tls_secret_client_ca_and_allow_list_come_from_values() -> None:
    values = {"networkPolicy": {"partnerIngress": {"enabled": True, "from": [
                  {"namespaceSelector": {"matchLabels": {"wuye.io/partner": "true"}}}]}},
              "defaults": {"partnerTls": {"clientCaSecretName": "wuye-partner-ca",
                                          "partnersConfigMap": "wuye-partners", "partnersKey": "allow.yaml"}},
              "components": {"enforcement": {"partnerTls": {"secretName": "enforcement-partners-cert"}}}}
    deployments = by_component(objects(render(values)), "Deployment")
    for service in SERVICES:
        spec = deployments[service]["spec"]["template"]["spec"]
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        env = {item["name"]: item["value"] for item in spec["containers"][0]["env"] if "value" in item}
        expected_secret = "enforcement-partners-cert" if service == "enforcement" else f"city-wuye-{service}-partner-tls"
        assert volumes["partner-tls"]["secret"]["secretName"] == expected_secret
        assert volumes["partner-ca"]["secret"]["secretName"] == "wuye-partner-ca"
        assert volumes["partners"]["configMap"]["name"] == "wuye-partners"
        assert env["WUYE_GRPC_TLS_CLIENT_CA"] == "/etc/wuye/partner-ca/ca.crt"
        assert env["WUYE_PARTNERS_FILE"] == "/etc/wuye/partners/allow.yaml"
    gateway = deployments["gateway"]["spec"]["template"]["spec"]
    assert [volume["name"] for volume in gateway["volumes"]] == ["tmp", "secrets"]
