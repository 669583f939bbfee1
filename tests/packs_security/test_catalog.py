"""``kubeplan policies list/explain`` show the Python families' rules next to the CEL packs."""

import json
import subprocess
import sys

from packs_security_support import ROOT


def kubeplan(*args):
    done = subprocess.run([sys.executable, "-m", "kubeplan", *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_list_shows_cel_and_python_rules_with_categories():
    entries = {e["id"]: e for e in json.loads(kubeplan("policies", "list", "--format", "json"))}
    assert entries["rbac-wildcard"]["pack"] == "rbac" and entries["rbac-wildcard"]["kind"] == "Policy"
    assert entries["netpol-ingress-from-anywhere"]["category"] == "network"
    family = entries["rbac-pod-create-escalation"]
    assert family["kind"] == "rule family" and family["pack"] == "rbac_analysis" and family["category"] == "rbac"
    assert entries["netpol-egress-blocks-dns"]["pack"] == "netpol_analysis"
    assert entries["rbac-token-automount-risky"]["category"] == "security"


def test_explain_a_python_rule():
    text = kubeplan("policies", "explain", "netpol-named-port-unknown")
    assert text.startswith("netpol-named-port-unknown (warning, network)")
    assert "Why it matters" in text and "netpol_analysis.py:" in text
