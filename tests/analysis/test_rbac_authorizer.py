"""Effective permissions, answered as the RBAC authorizer answers them."""

import json
import os
import subprocess
import sys

import pytest

from kubeplan.analysis.rbac import RbacModel, Subject
from kubeplan.errors import KubeplanError
from kubeplan.model.loading import LoadResult, load_text

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "platform")


def model(text):
    result = LoadResult()
    load_text(text, "rbac.yaml", result)
    assert not result.findings
    return RbacModel(result.objects)


def can(m, subject, verb, resource, namespace=None, name=""):
    from dataclasses import replace

    request = m.request(verb, resource, namespace)
    if name:
        request = replace(request, name=name)
    return bool(m.grants(Subject.parse(subject), request))


ROLES = """
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: team}
rules:
  - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
  - {apiGroups: [""], resources: [configmaps], resourceNames: [app-config], verbs: [get]}
  - {apiGroups: [apps], resources: ["*/scale"], verbs: [update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: team}
subjects:
  - {kind: ServiceAccount, name: bot}
  - {kind: User, name: alice}
  - {kind: Group, name: auditors}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-viewer}
rules:
  - {apiGroups: [""], resources: [nodes], verbs: [get]}
  - {nonResourceURLs: ["/healthz", "/debug/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: nodes-in-ns, namespace: team}
subjects: [{kind: User, name: bob}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-viewer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nodes}
subjects: [{kind: User, name: carol}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-viewer}
"""


def test_role_binding_grants_in_its_namespace_only():
    m = model(ROLES)
    assert can(m, "system:serviceaccount:team:bot", "get", "pods", "team")
    assert not can(m, "system:serviceaccount:team:bot", "get", "pods", "other")
    assert not can(m, "system:serviceaccount:other:bot", "get", "pods", "team")  # SA namespace defaults to the binding's
    assert not can(m, "system:serviceaccount:team:bot", "delete", "pods", "team")
    assert can(m, "user:alice", "list", "pods/log", "team")
    assert not can(m, "user:alice", "get", "pods/exec", "team")
    assert can(m, "group:auditors", "get", "pods", "team")


def test_resource_names_and_subresource_wildcards():
    m = model(ROLES)
    assert can(m, "user:alice", "get", "configmaps", "team", name="app-config")
    assert not can(m, "user:alice", "get", "configmaps", "team", name="other")
    assert not can(m, "user:alice", "get", "configmaps", "team")  # a list-like request with no name
    assert can(m, "user:alice", "update", "deployments.apps/scale", "team")
    assert not can(m, "user:alice", "update", "deployments.apps", "team")


def test_role_bindings_never_grant_cluster_scoped_resources_or_urls():
    m = model(ROLES)
    assert not can(m, "user:bob", "get", "nodes")
    assert not can(m, "user:bob", "get", "/healthz")
    assert can(m, "user:carol", "get", "nodes")
    assert can(m, "user:carol", "get", "/healthz")
    assert can(m, "user:carol", "get", "/debug/pprof")
    assert not can(m, "user:carol", "get", "/metrics")


def test_builtin_roles_and_aggregation():
    m = model(
        """
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: app}
subjects: [{kind: Group, name: devs}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: "yes-please"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part, labels: {agg: "yes-please"}}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agg}
subjects: [{kind: User, name: dana}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}
"""
    )
    assert can(m, "group:devs", "create", "deployments", "app")
    assert can(m, "group:devs", "get", "secrets", "app")
    assert can(m, "group:devs", "list", "pods", "app")  # edit aggregates view
    assert not can(m, "group:devs", "create", "roles", "app")  # that is admin
    assert can(m, "user:dana", "create", "jobs", "anywhere")


def test_unknown_resource_and_bad_subject_are_user_errors():
    m = model(ROLES)
    with pytest.raises(KubeplanError, match="doesn't have a resource type"):
        m.request("get", "gizmos", None)
    with pytest.raises(KubeplanError, match="system:serviceaccount:NAMESPACE:NAME"):
        Subject.parse("bot")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "kubeplan", *args], capture_output=True, text=True, timeout=60)


def test_can_i_and_who_can_on_the_platform_example():
    yes = run_cli("rbac", "can-i", "system:serviceaccount:backend:api", "get", "secrets", "-n", "backend", EXAMPLE)
    assert (yes.returncode, yes.stdout) == (0, "yes\n")
    no = run_cli("rbac", "can-i", "system:serviceaccount:frontend:web", "get", "secrets", "-n", "backend", EXAMPLE)
    assert (no.returncode, no.stdout) == (1, "no\n")
    prom = run_cli("rbac", "can-i", "system:serviceaccount:monitoring:prometheus", "list", "secrets", "-A", EXAMPLE)
    assert prom.stdout == "yes\n"  # through the aggregated ClusterRole
    doc = json.loads(run_cli("rbac", "who-can", "create", "pods", "-n", "backend", EXAMPLE, "--format", "json").stdout)
    assert [s["subject"] for s in doc["subjects"]] == ["group:backend-devs", "group:ci-deployers"]
    assert doc["subjects"][0]["binding"] == {"kind": "RoleBinding", "namespace": "backend", "name": "developers"}
    assert doc["subjects"][1]["role"] == {"kind": "ClusterRole", "name": "cluster-admin"}
