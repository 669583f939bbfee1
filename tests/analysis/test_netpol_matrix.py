"""NetworkPolicy connectivity, case by case against the API's semantics."""

import json
import os
import subprocess
import sys

from kubeplan.analysis.netpol import ALL, matrix, ports_json
from kubeplan.model.loading import LoadResult, load_text

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "platform")

WORKLOADS = """
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Pod
metadata: {name: px, namespace: a, labels: {app: x}}
spec: {containers: [{name: c, image: i, ports: [{name: web, containerPort: 80}, {name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: py, namespace: a, labels: {app: y}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pz, namespace: b, labels: {app: x}}
spec: {containers: [{name: c, image: i, ports: [{name: web, containerPort: 8080}]}]}
"""


def allowed(policies: str) -> dict:
    result = LoadResult()
    load_text(WORKLOADS + "---\n" + policies, "np.yaml", result)
    assert not result.findings, result.findings
    return {(s.label(), d.label()): ports_json(p) for s, d, p in matrix(result.objects)}


def pair(src, dst):
    names = {"x": "a/Pod/px", "y": "a/Pod/py", "z": "b/Pod/pz", "ext": "external"}
    return names[src], names[dst]


def test_no_policy_allows_everything():
    got = allowed("")
    assert got[pair("x", "z")] == ALL and got[pair("ext", "y")] == ALL and got[pair("z", "ext")] == ALL
    assert len(got) == 4 * 4 - 1  # every pair but external -> external


def test_policy_types_default_to_ingress_only():
    got = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n"
        "spec: {podSelector: {matchLabels: {app: x}}}\n"
    )
    assert pair("y", "x") not in got and pair("ext", "x") not in got
    assert got[pair("x", "y")] == ALL and got[pair("x", "ext")] == ALL  # egress not isolated


def test_egress_section_adds_egress_type():
    got = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n"
        "spec:\n  podSelector: {matchLabels: {app: x}}\n  egress:\n  - to: [{podSelector: {matchLabels: {app: y}}}]\n"
    )
    assert got[pair("x", "y")] == ALL
    assert pair("x", "z") not in got and pair("x", "ext") not in got
    assert pair("y", "x") not in got  # ingress isolated too (default types include Ingress)


def test_namespace_and_pod_selector_together_vs_separate():
    together = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: b}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: y}}}]\n"
    )
    assert together[pair("y", "z")] == ALL and pair("x", "z") not in together
    separate = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: b}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {env: prod}}}, {podSelector: {matchLabels: {app: y}}}]\n"
    )
    assert separate[pair("y", "z")] == ALL and separate[pair("x", "z")] == ALL
    assert pair("z", "z") not in separate  # the podSelector peer is in b: z is app=x, not app=y


def test_named_ports_resolve_against_the_destination_and_end_port():
    got = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: web}, {port: dns, protocol: UDP}, {port: 9000, endPort: 9100}]\n"
    )
    assert got[pair("z", "x")] == [{"protocol": "TCP", "port": 80}, {"protocol": "TCP", "port": 9000, "endPort": 9100}, {"protocol": "UDP", "port": 53}]
    assert got[pair("z", "y")] == [{"protocol": "TCP", "port": 9000, "endPort": 9100}]  # y declares no "web"


def test_ip_blocks_and_automatic_namespace_label():
    got = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8}}, {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}]\n"
    )
    assert got[pair("ext", "x")] == ALL and got[pair("z", "x")] == ALL
    assert pair("y", "x") not in got
    excepted = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]\n"
    )
    assert pair("ext", "x") not in excepted


def test_default_deny_both_ways_and_empty_rules():
    got = allowed(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\n"
        "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-y, namespace: a}\n"
        "spec:\n  podSelector: {matchLabels: {app: y}}\n  ingress: [{}]\n"
    )
    assert got[pair("z", "y")] == ALL and got[pair("ext", "y")] == ALL
    assert pair("x", "y") not in got  # x may not send: egress denied
    assert pair("z", "x") not in got


def test_matrix_command_json_on_the_platform_example():
    proc = subprocess.run([sys.executable, "-m", "kubeplan", "netpol", "matrix", EXAMPLE, "--format", "json"], capture_output=True, text=True, timeout=60)
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1
    rows = {(r["from"]["name"], r["to"]["name"]): r["ports"] for r in doc["allowed"]}
    assert rows[("web", "api")] == [{"protocol": "TCP", "port": 8080}]
    assert rows[("api", "db")] == [{"protocol": "TCP", "port": 5432}]
    assert ("web", "db") not in rows and ("external", "api") not in rows
    assert rows[("external", "web")] == [{"protocol": "TCP", "port": 8080}]
