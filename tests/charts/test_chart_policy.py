"""What every rendered Wuye release must guarantee, whatever the value set: probes, limits, locked-down
pods, autoscaling, disruption budgets, least-privilege network policies, migrations before rollout."""

from __future__ import annotations

from typing import Any

import pytest

from tests.charts.chart_support import (
    COMPONENTS,
    RELEASE,
    SERVICES,
    VALUE_SETS,
    by_component,
    env_of,
    objects,
    of_kind,
    render,
    rendered_set,
)

ALL_SETS = pytest.mark.parametrize("value_set", sorted(VALUE_SETS))
HOOK = "pre-install,pre-upgrade"


def pod_specs(value_set: str):
    docs = rendered_set(value_set)
    for doc in [*of_kind(docs, "Deployment"), *of_kind(docs, "Job")]:
        yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


@ALL_SETS
def test_every_pod_is_non_root_read_only_and_drops_all_capabilities(value_set: str) -> None:
    for name, spec in pod_specs(value_set):
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] == 10001, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
            # the only writable place is the /tmp emptyDir; anything else (the partner listener's
            # certificates and allow-list) is mounted read-only from a Secret or a ConfigMap
            writable = [mount for mount in container["volumeMounts"] if not mount.get("readOnly")]
            assert writable == [{"name": "tmp", "mountPath": "/tmp"}], name
        assert spec["volumes"][0]["name"] == "tmp" and "emptyDir" in spec["volumes"][0], name
        for volume in spec["volumes"][1:]:
            assert set(volume) & {"secret", "configMap", "projected"} and "emptyDir" not in volume, name
            for source in volume.get("projected", {}).get("sources", []):
                assert set(source) == {"secret"}, name


@ALL_SETS
def test_every_container_has_resource_requests_and_limits(value_set: str) -> None:
    for name, spec in pod_specs(value_set):
        for container in spec["containers"]:
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, f"{name} {bound}"


@ALL_SETS
def test_every_deployment_has_liveness_readiness_and_startup_probes(value_set: str) -> None:
    deployments = by_component(rendered_set(value_set), "Deployment")
    for component, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            assert probe in container, f"{component} lacks {probe}"
        if component == "gateway":
            assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
            assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
            assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
        else:
            # readiness asks the overall status (database + NATS); liveness and startup only that the
            # process serves, so a dependency outage takes pods out of rotation without restarting them
            assert container["readinessProbe"]["grpc"] == {"port": 50051}, component
            for probe in ("livenessProbe", "startupProbe"):
                assert container[probe]["grpc"] == {"port": 50051, "service": "liveness"}, f"{component} {probe}"


@ALL_SETS
def test_every_component_has_hpa_pdb_networkpolicy_and_serviceaccount(value_set: str) -> None:
    # the release's own objects; hooks (migration Jobs and what they need) are checked elsewhere
    docs = [d for d in rendered_set(value_set) if "helm.sh/hook" not in d["metadata"].get("annotations", {})]
    deployments = by_component(docs, "Deployment")
    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceAccount", "Service"):
        assert set(by_component(docs, kind)) == set(COMPONENTS), kind
    for component, hpa in by_component(docs, "HorizontalPodAutoscaler").items():
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"]["name"] == deployments[component]["metadata"]["name"]
        assert "replicas" not in deployments[component]["spec"], f"{component}: the HPA owns replicas"
    for component, pdb in by_component(docs, "PodDisruptionBudget").items():
        assert pdb["spec"]["selector"]["matchLabels"] == deployments[component]["spec"]["selector"]["matchLabels"]
    for component, account in by_component(docs, "ServiceAccount").items():
        assert account["automountServiceAccountToken"] is False
        assert deployments[component]["spec"]["template"]["spec"]["serviceAccountName"] == account["metadata"]["name"]


@ALL_SETS
def test_release_pods_are_denied_by_default(value_set: str) -> None:
    deny = [p for p in of_kind(rendered_set(value_set), "NetworkPolicy") if p["metadata"]["name"].endswith("default-deny")]
    assert len(deny) == 1
    spec = deny[0]["spec"]
    assert spec["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "wuye", "app.kubernetes.io/instance": RELEASE}}
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in spec and "egress" not in spec


def component_policies(value_set: str) -> dict[str, dict]:
    docs = [d for d in rendered_set(value_set) if "helm.sh/hook" not in d["metadata"].get("annotations", {})]
    return {
        name: policy["spec"]
        for name, policy in by_component(
            [d for d in of_kind(docs, "NetworkPolicy") if "app.kubernetes.io/component" in d["metadata"]["labels"]],
            "NetworkPolicy",
        ).items()
    }


#: who scrapes /metrics by default (values.yaml metrics.networkPolicy.from)
PROMETHEUS = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
               "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}]


@ALL_SETS
def test_services_accept_grpc_only_from_the_gateway_their_callers_or_configured_partners_and_metrics_from_prometheus(
    value_set: str,
) -> None:
    partners = VALUE_SETS[value_set]().get("networkPolicy", {}).get("partnerIngress", {})
    expected_partners = partners.get("from", []) if partners.get("enabled") else []

    def peer(component: str) -> dict[str, object]:
        return {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "wuye", "app.kubernetes.io/instance": RELEASE,
                                                "app.kubernetes.io/component": component}}}

    callers = {"registry": ["funds", "ratings"]}  # funds reads the owner roster, ratings the households surveyed
    for service in SERVICES:
        ingress = component_policies(value_set)[service]["ingress"]
        expected_from = [peer("gateway"), *map(peer, callers.get(service, []))]
        expected: list[dict[str, object]] = [{"from": expected_from, "ports": [{"port": 50051, "protocol": "TCP"}]}]
        if expected_partners:
            # partners reach only the mutual-TLS listener, never the platform port
            expected.append({"from": expected_partners, "ports": [{"port": 50443, "protocol": "TCP"}]})
        expected.append({"from": PROMETHEUS, "ports": [{"port": 9464, "protocol": "TCP"}]})  # /metrics only
        assert ingress == expected


@ALL_SETS
def test_partner_ingress_opens_the_mtls_listener_with_its_certificates_and_allow_list(value_set: str) -> None:
    enabled = VALUE_SETS[value_set]().get("networkPolicy", {}).get("partnerIngress", {}).get("enabled", False)
    deployments = by_component(rendered_set(value_set), "Deployment")
    services = by_component(rendered_set(value_set), "Service")
    for component, deployment in deployments.items():
        spec = deployment["spec"]["template"]["spec"]
        container = spec["containers"][0]
        env = env_of(container)
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        service_ports = {port["name"]: port["port"] for port in services[component]["spec"]["ports"]}
        if not enabled or component == "gateway":
            assert "grpc-partner" not in ports and "grpc-partner" not in service_ports, component
            assert not {"WUYE_GRPC_TLS_CERT", "WUYE_GRPC_TLS_KEY", "WUYE_GRPC_TLS_CLIENT_CA",
                        "WUYE_PARTNERS_FILE"} & set(env), component
            continue
        assert ports["grpc-partner"] == 50443 and service_ports["grpc-partner"] == 50443, component
        assert env["WUYE_GRPC_PARTNER_PORT"]["value"] == "50443"
        mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert env["WUYE_GRPC_TLS_CERT"]["value"] == f"{mounts['partner-tls']}/tls.crt"
        assert env["WUYE_GRPC_TLS_KEY"]["value"] == f"{mounts['partner-tls']}/tls.key"
        # the partners' CA: its own Secret when partnerTls.clientCaSecretName names one, else ca.crt of the TLS Secret
        ca_secret = VALUE_SETS[value_set]().get("defaults", {}).get("partnerTls", {}).get("clientCaSecretName")
        ca_mount = mounts["partner-ca"] if ca_secret else mounts["partner-tls"]
        assert env["WUYE_GRPC_TLS_CLIENT_CA"]["value"] == f"{ca_mount}/ca.crt"
        if ca_secret:
            assert volumes["partner-ca"]["secret"]["secretName"] == ca_secret
        assert env["WUYE_PARTNERS_FILE"]["value"] == f"{mounts['partners']}/partners.yaml"
        assert volumes["partner-tls"]["secret"]["secretName"].endswith(f"-{component}-partner-tls")
        assert volumes["partners"]["configMap"]["name"].endswith("-partners")


@ALL_SETS
def test_services_reach_only_dns_nats_their_database_the_collector_their_callees_and_their_extra_egress(value_set: str) -> None:
    values = VALUE_SETS[value_set]()
    otlp = values.get("telemetry", {}).get("otlpEndpoint", "")
    # funds → registry (owner roster), ratings → registry (households surveyed); nobody else calls a service
    callees = {"funds": 1, "ratings": 1}
    for service in SERVICES:
        egress = component_policies(value_set)[service]["egress"]
        assert all(rule.get("to") for rule in egress), f"{service}: an egress rule without peers allows everything"
        ports = sorted(port["port"] for rule in egress for port in rule["ports"])
        database_port = (values.get("defaults", {}).get("database", {}).get("networkPolicy", {}).get("port", 5432))
        grpc_ports = [50051] * callees.get(service, 0)
        # a service keeping photos in the city's bucket reaches its HTTPS endpoint too (extraEgress)
        extra = [port["port"] for rule in values.get("components", {}).get(service, {}).get("networkPolicy", {})
                 .get("extraEgress", []) for port in rule["ports"]]
        expected = sorted([53, 53, 4222, database_port] + ([4317] if otlp else []) + grpc_ports + extra)
        assert ports == expected, service


def test_service_database_egress_uses_the_cidr_from_values() -> None:
    egress = component_policies("production")["funds"]["egress"]
    assert {"to": [{"ipBlock": {"cidr": "10.20.1.12/32"}}], "ports": [{"port": 5432, "protocol": "TCP"}]} in egress


@ALL_SETS
def test_gateway_accepts_only_the_ingress_controller_and_prometheus_and_reaches_the_five_services(value_set: str) -> None:
    policy = component_policies(value_set)["gateway"]
    assert [rule["ports"] for rule in policy["ingress"]] == [[{"port": 8000, "protocol": "TCP"}]] * 2
    assert policy["ingress"][1]["from"] == PROMETHEUS
    reached = {
        rule["to"][0]["podSelector"]["matchLabels"].get("app.kubernetes.io/component")
        for rule in policy["egress"]
        if "podSelector" in rule["to"][0] and rule["ports"] == [{"port": 50051, "protocol": "TCP"}]
    }
    assert reached == set(SERVICES)
    assert not [rule for rule in policy["egress"] if any(p["port"] == 4222 for p in rule["ports"])], "gateway never talks to NATS"


@ALL_SETS
def test_each_service_migrates_in_a_hook_job_before_rollout(value_set: str) -> None:
    docs = rendered_set(value_set)
    jobs = {job["metadata"]["name"]: job for job in of_kind(docs, "Job")}
    deployments = by_component(docs, "Deployment")
    assert len(jobs) == len(SERVICES)
    for service in SERVICES:
        job = jobs[f"{deployments[service]['metadata']['name']}-migrate"]
        assert job["metadata"]["annotations"]["helm.sh/hook"] == HOOK
        container = job["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == ["migrate"]
        assert container["image"] == deployments[service]["spec"]["template"]["spec"]["containers"][0]["image"]
        assert "WUYE_DATABASE_URL" in secret_files(job["spec"]["template"]["spec"])
        served = deployments[service]["spec"]["template"]["spec"]["containers"][0]
        assert served["args"] == ["serve"]
        assert env_of(served)["WUYE_MIGRATE_ON_START"]["value"] == "false"
    # what the Jobs need exists before them: hooks with a lower weight
    for doc in docs:
        annotations = doc["metadata"].get("annotations", {})
        if doc["kind"] in ("ServiceAccount", "Secret") and "helm.sh/hook" in annotations:
            assert annotations["helm.sh/hook"] == HOOK and int(annotations["helm.sh/hook-weight"]) < 0


SECRET_SETTINGS = {"WUYE_DATABASE_URL", "WUYE_PII_KEY", "WUYE_NATS_PASSWORD", "WUYE_INTERNAL_TOKEN_KEY",
                   "WUYE_LEDGER_SIGNING_KEY"}


def secret_files(pod: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """File name under WUYE_SECRETS_DIR -> (Secret, key), from the pod's projected secrets volume."""
    [volume] = [volume for volume in pod["volumes"] if volume["name"] == "secrets"]
    return {item["path"]: (source["secret"]["name"], item["key"])
            for source in volume["projected"]["sources"] for item in source["secret"]["items"]}


@ALL_SETS
def test_secrets_reach_every_container_as_read_only_files_never_as_environment_variables(value_set: str) -> None:
    docs = rendered_set(value_set)
    pods = [(name, doc["spec"]["template"]["spec"]) for name, doc in by_component(docs, "Deployment").items()]
    pods += [(doc["metadata"]["name"], doc["spec"]["template"]["spec"]) for doc in of_kind(docs, "Job")]
    for name, pod in pods:
        for container in pod["containers"]:
            env = env_of(container)
            assert not any("secretKeyRef" in item.get("valueFrom", {}) for item in env.values()), name
            assert not SECRET_SETTINGS & set(env), name
            [mount] = [mount for mount in container["volumeMounts"] if mount["name"] == "secrets"]
            assert mount["readOnly"] and mount["mountPath"] == env["WUYE_SECRETS_DIR"]["value"]
        files = secret_files(pod)
        if name == "gateway":
            assert set(files) == {"WUYE_INTERNAL_TOKEN_KEY"}
            continue
        assert {"WUYE_DATABASE_URL", "WUYE_PII_KEY"} <= set(files), name
        # funds' ledger signing key, and no other service's (its own Secret, secret.files)
        assert ("WUYE_LEDGER_SIGNING_KEY" in files) == ("funds" in name), name


def test_production_uses_existing_secrets_replicated_streams_and_real_tokens() -> None:
    docs = rendered_set("production")
    assert not of_kind(docs, "Secret")  # the city's own Secrets, the identity key's included
    deployments = by_component(docs, "Deployment")
    for service in SERVICES:
        env = env_of(deployments[service]["spec"]["template"]["spec"]["containers"][0])
        pod = deployments[service]["spec"]["template"]["spec"]
        files = secret_files(pod)
        assert files["WUYE_DATABASE_URL"] == (f"wuye-{service}-db", "database-url")
        assert env["WUYE_NATS_STREAM_REPLICAS"]["value"] == "3"
        assert env["WUYE_GRPC_PORT"]["value"] == "50051"
        assert env["WUYE_GRPC_HOST"]["value"] == "0.0.0.0"
        assert env["WUYE_GRPC_REFLECTION"]["value"] == "false"  # issue 19: no method list for whoever reaches the port
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"]["value"].startswith("http://")
        assert env["OTEL_SERVICE_NAME"]["value"] == f"wuye-{service}"
        # issue 19, finding 2: each service is its own NATS user, its password from its own Secret
        assert env["WUYE_NATS_USER"]["value"] == service
        assert files["WUYE_NATS_PASSWORD"] == (f"wuye-{service}-db", "nats-password")
        # issue 19, finding 1: the service identity key from the city's Secret
        assert files["WUYE_INTERNAL_TOKEN_KEY"][0] == "wuye-internal-identity"
    gateway = env_of(deployments["gateway"]["spec"]["template"]["spec"]["containers"][0])
    assert secret_files(deployments["gateway"]["spec"]["template"]["spec"])["WUYE_INTERNAL_TOKEN_KEY"][0] == "wuye-internal-identity"
    assert "WUYE_NATS_USER" not in gateway  # the gateway never talks to NATS
    assert gateway["WUYE_DEV_ISSUER"]["value"] == "false"
    assert gateway["WUYE_JWKS_URL"]["value"].startswith("https://")


def test_production_runs_at_least_three_of_everything_and_keeps_two_during_disruptions() -> None:
    docs = rendered_set("production")
    for component, hpa in by_component(docs, "HorizontalPodAutoscaler").items():
        assert hpa["spec"]["minReplicas"] >= 3, component
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"], component
    for component, pdb in by_component(docs, "PodDisruptionBudget").items():
        assert pdb["spec"]["minAvailable"] == 2, component


@ALL_SETS
def test_gateway_addresses_point_at_the_headless_service_of_every_replica(value_set: str) -> None:
    docs = rendered_set(value_set)
    services = {s["metadata"]["name"]: s["spec"] for s in of_kind(docs, "Service")}
    gateway = by_component(docs, "Deployment")["gateway"]
    env = env_of(gateway["spec"]["template"]["spec"]["containers"][0])
    for service in SERVICES:
        address = env[f"WUYE_{service.upper()}_ADDR"]["value"]
        # dns:/// resolves to every pod, which the channel's round robin spreads calls over
        assert address.startswith("dns:///"), service
        host, port = address.removeprefix("dns:///").split(":")
        assert services[host]["clusterIP"] == "None", service
        assert services[host]["ports"][0]["port"] == int(port), service
        assert [p["name"] for p in services[host]["ports"]] == ["grpc"], "metrics are scraped once, not twice"
    assert env["WUYE_HOST"]["value"] == "0.0.0.0" and env["WUYE_PORT"]["value"] == "8000"


@ALL_SETS
def test_funds_may_call_the_registry_and_nothing_else_may(value_set: str) -> None:
    docs = rendered_set(value_set)
    policies = by_component(docs, "NetworkPolicy")
    registry_sources = [
        peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component")
        for rule in policies["registry"]["spec"]["ingress"]
        for peer in rule.get("from", [])
    ]
    assert "funds" in registry_sources and "gateway" in registry_sources
    assert "ratings" in registry_sources  # R3 surveys are checked against the register (A4)
    assert not {"complaints", "enforcement"} & set(registry_sources)
    funds_targets = [
        peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component")
        for rule in policies["funds"]["spec"]["egress"]
        for peer in rule.get("to", [])
    ]
    assert "registry" in funds_targets
    funds_env = {
        e["name"]: e.get("value")
        for e in by_component(docs, "Deployment")["funds"]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert funds_env["WUYE_REGISTRY_ADDR"].endswith("-registry-pods:50051")
    ratings_env = {
        e["name"]: e.get("value")
        for e in by_component(docs, "Deployment")["ratings"]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert ratings_env["WUYE_REGISTRY_ADDR"].endswith("-registry-pods:50051")


@ALL_SETS
def test_nats_accepts_clients_only_from_the_services_and_routes_only_from_its_own_pods(value_set: str) -> None:
    """Issue 19: NATS is fenced like the services: the gateway, other pods and other namespaces cannot
    reach its client port; cluster routes come only from the NATS pods; monitoring only from Prometheus."""
    [policy] = [doc for doc in of_kind(rendered_set(value_set), "NetworkPolicy") if doc["metadata"]["name"].endswith("-nats")]
    spec = policy["spec"]
    assert spec["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "nats" and spec["policyTypes"] == ["Ingress"]
    by_port = {rule["ports"][0]["port"]: rule["from"] for rule in spec["ingress"]}
    [clients] = by_port[4222]
    components = {e["key"]: e["values"] for e in clients["podSelector"]["matchExpressions"]}
    assert set(components["app.kubernetes.io/component"]) == set(SERVICES)  # not the gateway
    assert by_port[6222] == [{"podSelector": spec["podSelector"]}]
    assert by_port[8222] and all("namespaceSelector" in peer for peer in by_port[8222])


def test_a_rotation_mounts_the_accepted_identity_key_beside_the_current_one() -> None:
    """Issue 19: during a rotation every pod also accepts the other key (wuye_chassis.internal_tokens)."""
    plain = secret_files(by_component(rendered_set("default"), "Deployment")["gateway"]["spec"]["template"]["spec"])
    assert "WUYE_INTERNAL_TOKEN_ACCEPTED_KEY" not in plain
    rotating = by_component(objects(render({"internalIdentity": {"acceptedKey": "next-token-key"}})), "Deployment")
    for name, deployment in rotating.items():
        files = secret_files(deployment["spec"]["template"]["spec"])
        assert files["WUYE_INTERNAL_TOKEN_ACCEPTED_KEY"][1] == "next-token-key", name
        assert files["WUYE_INTERNAL_TOKEN_ACCEPTED_KEY"][0] == files["WUYE_INTERNAL_TOKEN_KEY"][0]


def test_production_complaints_and_enforcement_keep_photos_in_the_citys_buckets_with_key_pairs_as_files() -> None:
    rendered = rendered_set("production")
    deployments = by_component(rendered, "Deployment")
    policies = by_component(rendered, "NetworkPolicy")
    buckets = {"complaints": "s3://wuye-complaint-photos", "enforcement": "s3://wuye-evidence-photos"}
    for service in SERVICES:
        pod = deployments[service]["spec"]["template"]["spec"]
        env, files = env_of(pod["containers"][0]), secret_files(pod)
        if service not in buckets:
            assert "WUYE_OBJECT_STORE_URL" not in env and "WUYE_OBJECT_STORE_SECRET_ACCESS_KEY" not in files, service
            continue
        secret = f"wuye-{service}-db"
        assert env["WUYE_OBJECT_STORE_URL"]["value"] == buckets[service]
        assert env["WUYE_OBJECT_STORE_ENDPOINT"]["value"].startswith("https://")
        assert files["WUYE_OBJECT_STORE_ACCESS_KEY_ID"] == (secret, "object-store-access-key-id")
        assert files["WUYE_OBJECT_STORE_SECRET_ACCESS_KEY"] == (secret, "object-store-secret-access-key")
        # the pod may reach the store over HTTPS (its egress is otherwise closed)
        egress = policies[service]["spec"]["egress"]
        assert any(peer.get("ipBlock", {}).get("cidr") == "10.30.2.0/24"
                   and {"port": 443, "protocol": "TCP"} in rule.get("ports", [])
                   for rule in egress for peer in rule.get("to", [])), service
