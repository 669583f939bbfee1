"""``kubeplan lint examples/platform`` finds the weak spots its README lists, with
categories in JSON, and says the same thing whatever the hash seed."""

import json
import os
import subprocess
import sys

import pytest

from packs_security_support import ROOT

EXAMPLE = os.path.join(ROOT, "examples", "platform")


def lint_json(seed="0"):
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run(
        [sys.executable, "-m", "kubeplan", "lint", "--format", "json", EXAMPLE],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def findings():
    return json.loads(lint_json())["findings"]


def ours(findings):
    return [f for f in findings if f["rule"].startswith(("rbac-", "netpol-"))]


def test_ci_deployers_bound_to_cluster_admin(findings):
    hits = [f for f in findings if f["rule"] == "rbac-cluster-admin-binding"]
    assert len(hits) == 1
    assert hits[0]["object"]["name"] == "ci-deployer" and hits[0]["severity"] == "error"
    assert hits[0]["path"] == "subjects[0]" and 'Group "ci-deployers"' in hits[0]["message"]


def test_backend_has_no_default_deny_egress(findings):
    hits = [f for f in findings if f["rule"] == "netpol-no-default-deny-egress"]
    assert {f["object"]["name"] for f in hits} == {"backend", "monitoring"}
    ingress = [f for f in findings if f["rule"] == "netpol-no-default-deny-ingress"]
    assert {f["object"]["name"] for f in ingress} == {"monitoring"}  # backend denies ingress by default


def test_prometheus_reads_secrets_cluster_wide(findings):
    hits = [f for f in findings if f["rule"] == "rbac-secrets-read-cluster-wide"]
    assert len(hits) == 1
    assert hits[0]["object"]["name"] == "prometheus"
    assert 'ServiceAccount "monitoring/prometheus"' in hits[0]["message"]
    assert 'aggregated from "monitoring-read-core"' in hits[0]["message"]
    token = [f for f in findings if f["rule"] == "rbac-token-automount-risky" and f["object"]["name"] == "prometheus"]
    assert token and "read secrets cluster-wide" in token[0]["message"]


def test_every_finding_of_these_packs_has_a_category(findings):
    assert ours(findings)
    for f in ours(findings):
        assert f["category"] in ("rbac", "network", "security"), f


def test_no_false_alarms_on_what_the_example_does_right(findings):
    rules = {f["rule"] for f in ours(findings)}
    # Every binding's role and subject exists, every peer and named port resolves, frontend's
    # egress allows DNS, and no workload is left out by the namespaces' policies.
    for rule in ("rbac-missing-role", "rbac-missing-subject", "netpol-peer-selects-nothing",
                 "netpol-named-port-unknown", "netpol-egress-blocks-dns", "netpol-dangling-policy",
                 "netpol-workload-unselected", "rbac-public-binding", "rbac-default-serviceaccount-binding"):
        assert rule not in rules


def test_output_does_not_depend_on_the_hash_seed():
    assert lint_json("1") == lint_json("12345")


def test_malformed_objects_are_not_a_crash(family):
    from kubeplan.linter import netpol_analysis, rbac_analysis

    assert family(rbac_analysis, "malformed.yaml") == []
    rules = [f.rule for f in family(netpol_analysis, "malformed.yaml")]
    assert rules == ["netpol-no-default-deny-egress"]  # the Deployment's namespace, rightly


def test_lint_of_malformed_objects_exits_with_findings_not_a_traceback():
    from packs_security_support import FIXTURES

    done = subprocess.run(
        [sys.executable, "-m", "kubeplan", "lint", os.path.join(FIXTURES, "malformed.yaml")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
