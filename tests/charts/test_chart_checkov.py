"""The rendered chart through a policy scanner (checkov, in its own virtualenv: make policy-tools).

Production values pass every check checkov has for Kubernetes objects. The development values fail only
the two checks a digest answers (CKV_K8S_43 "Image should use digest", CKV_K8S_15 "Image Pull Policy
should be Always", which a digest also satisfies): images built on the developer's machine have no
registry digest; production refuses to render without one (test_chart_renders).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.charts.chart_support import ROOT, rendered_set

CHECKOV = ROOT / ".venv-policy" / "bin" / "checkov"
#: what a development render may fail, and why: see the module docstring
DEVELOPMENT_ONLY = {"CKV_K8S_43", "CKV_K8S_15"}

pytestmark = pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is not installed: make policy-tools")


def scan(value_set: str, directory: Path) -> dict[str, object]:
    manifest = directory / f"{value_set}.yaml"
    manifest.write_text(yaml.safe_dump_all(list(rendered_set(value_set))), encoding="utf-8")
    finished = subprocess.run(
        [str(CHECKOV), "--file", str(manifest), "--framework", "kubernetes", "--output", "json", "--quiet",
         "--skip-download", "--soft-fail"],
        capture_output=True, text=True, timeout=300,
        # offline: no guideline download, no telemetry
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    report: dict[str, object] = json.loads(finished.stdout)
    return report


def failed_checks(report: dict[str, object]) -> Counter[str]:
    results = report["results"]
    assert isinstance(results, dict)
    return Counter(check["check_id"] for check in results["failed_checks"])


def test_production_values_pass_every_checkov_kubernetes_check(tmp_path: Path) -> None:
    report = scan("production", tmp_path)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["passed"] > 900  # the scanner really looked: every Deployment, Job, policy and Secret
    assert failed_checks(report) == Counter()


def test_development_values_fail_only_the_checks_an_image_digest_answers(tmp_path: Path) -> None:
    failed = failed_checks(scan("default", tmp_path))
    assert failed and set(failed) == DEVELOPMENT_ONLY
