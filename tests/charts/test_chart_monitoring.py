"""The chart's monitoring objects: ServiceMonitors, alert rules and dashboards name only exported metrics."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.charts.chart_support import COMPONENTS, by_component, env_of, helm, objects, of_kind, render, rendered_set
from wuye_chassis.metrics import EXPORTED

MONITORING = {"metrics": {"serviceMonitor": {"enabled": True}, "prometheusRule": {"enabled": True},
                          "dashboards": {"enabled": True}}}
METRIC = re.compile(r"\bwuye_[a-z_]+")
HISTOGRAM_SERIES = re.compile(r"_(bucket|sum|count)$")
#: the alerts deploy/README.md has a runbook for (and the rules must define, no more, no fewer)
ALERTS = {
    "WuyeOutboxStale", "WuyeConsumerBacklog", "WuyeDeadLetters", "WuyeRpcErrorRate", "WuyeHttpErrorRate",
    "WuyeOverdueCasesGrowing", "WuyeOverdueOrdersGrowing",
}


def monitoring() -> list[dict[str, Any]]:
    return objects(render(MONITORING))


def families(expression: str) -> set[str]:
    """The metric families an expression reads (a histogram's _bucket/_sum/_count series name its family)."""
    named = set()
    for name in METRIC.findall(expression):
        family = HISTOGRAM_SERIES.sub("", name)
        named.add(family if family in EXPORTED else name)
    return named


def test_monitoring_objects_are_off_by_default() -> None:
    kinds = {doc["kind"] for doc in rendered_set("default")}
    assert not kinds & {"ServiceMonitor", "PrometheusRule"}
    assert not [doc for doc in of_kind(rendered_set("default"), "ConfigMap") if "dashboard" in doc["metadata"]["name"]]


def test_every_component_has_a_service_monitor_on_its_metrics_endpoint() -> None:
    docs = monitoring()
    monitors = by_component(docs, "ServiceMonitor")
    services = by_component(docs, "Service")
    assert set(monitors) == set(COMPONENTS)
    for name, monitor in monitors.items():
        [endpoint] = monitor["spec"]["endpoints"]
        assert endpoint["path"] == "/metrics"
        assert endpoint["port"] in {port["name"] for port in services[name]["spec"]["ports"]}, name
        assert monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == name


def test_every_service_serves_metrics_on_the_port_the_chart_opens_to_prometheus() -> None:
    docs = monitoring()
    deployments = by_component(docs, "Deployment")
    policies = by_component(docs, "NetworkPolicy")
    for name in COMPONENTS:
        [container] = deployments[name]["spec"]["template"]["spec"]["containers"]
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        scraped = ports["http"] if name == "gateway" else ports["metrics"]
        if name != "gateway":
            assert env_of(container)["WUYE_METRICS_PORT"]["value"] == str(scraped)
        opened = [rule for rule in policies[name]["spec"]["ingress"]
                  if any(peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
                         == "monitoring" for peer in rule["from"])]
        assert [rule["ports"] for rule in opened] == [[{"port": scraped, "protocol": "TCP"}]], name


def test_every_alert_expression_names_only_metrics_the_code_exports_and_has_a_runbook() -> None:
    [rule] = of_kind(monitoring(), "PrometheusRule")
    alerts = [alert for group in rule["spec"]["groups"] for alert in group["rules"]]
    assert {alert["alert"] for alert in alerts} == ALERTS
    runbooks = open("deploy/README.md", encoding="utf-8").read().lower()
    for alert in alerts:
        named = families(alert["expr"])
        assert named and named <= set(EXPORTED), (alert["alert"], named - set(EXPORTED))
        anchor = alert["annotations"]["runbook"].split("#")[1]
        assert f"### {alert['alert'].lower()}" in runbooks, f"no runbook section for {alert['alert']} ({anchor})"


def test_every_dashboard_query_names_only_metrics_the_code_exports() -> None:
    dashboards = [doc for doc in of_kind(monitoring(), "ConfigMap") if "-dashboard-" in doc["metadata"]["name"]]
    assert dashboards
    for config_map in dashboards:
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        for text in config_map["data"].values():
            expressions = [target["expr"] for panel in json.loads(text)["panels"] for target in panel["targets"]]
            assert expressions
            for expression in expressions:
                named = families(expression)
                assert named and named <= set(EXPORTED), (expression, named - set(EXPORTED))


def test_the_family_check_is_not_a_no_op() -> None:
    assert families("rate(wuye_rpc_duration_seconds_bucket[5m])") == {"wuye_rpc_duration_seconds"}
    assert not families("wuye_rpc_latency_total") <= set(EXPORTED)


@pytest.mark.parametrize("bogus", [{"metrics": {"serviceMonitor": {"interval": "soon"}}},
                                   {"metrics": {"prometheusRule": {"errorRatio": 2}}}])
def test_monitoring_values_are_checked(bogus: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        render(bogus)
