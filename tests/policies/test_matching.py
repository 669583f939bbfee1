"""matchConstraints as the API server applies them: rules, scopes, selectors, matchPolicy,
resource names from the kind table and from CRDs in the input."""

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.linter.cel.matching import parse_match
from kubeplan.linter.cel.resources import ResourceCatalog, plural
from kubeplan.linter.vap import Evaluator
from kubeplan.model.objects import ManifestObject, SourceMap


def obj(data):
    return ManifestObject(data, SourceMap("x.yaml", line=1, column=1))


def match(spec):
    return parse_match(spec, "spec.matchConstraints", "p.yaml", 1, required=True)


def target(data, objects=()):
    return Evaluator([], [], [obj(o) for o in objects]).target(obj(data))


DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "a", "labels": {"team": "x"}}}
OLD_DEPLOY = {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "a"}}
NAMESPACE_A = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "labels": {"env": "prod"}}}
CLUSTER_ROLE = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}
RULE = {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"]}


@pytest.mark.parametrize(
    "kind, resource",
    [("Deployment", "deployments"), ("Ingress", "ingresses"), ("NetworkPolicy", "networkpolicies"),
     ("Endpoints", "endpoints"), ("StorageClass", "storageclasses"), ("Gateway", "gateways"),
     ("Policy", "policies"), ("Status", "statuses")],
)
def test_plural(kind, resource):
    assert plural(kind) == resource


def test_rules():
    assert match({"resourceRules": [RULE]}).matches(target(DEPLOY))
    assert not match({"resourceRules": [dict(RULE, operations=["UPDATE"])]}).matches(target(DEPLOY))
    assert match({"resourceRules": [dict(RULE, operations=["*"])]}).matches(target(DEPLOY))
    assert not match({"resourceRules": [dict(RULE, resources=["deployments/status"])]}).matches(target(DEPLOY))
    assert match({"resourceRules": [dict(RULE, resources=["*/*"])]}).matches(target(DEPLOY))
    assert not match({"resourceRules": [dict(RULE, resourceNames=["other"])]}).matches(target(DEPLOY))
    assert not match({"resourceRules": [dict(RULE, scope="Cluster")]}).matches(target(DEPLOY))
    cluster_rule = {"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"], "resources": ["*"], "scope": "Cluster"}
    assert match({"resourceRules": [cluster_rule]}).matches(target(CLUSTER_ROLE))


def test_match_policy_equivalent_and_exact():
    assert match({"resourceRules": [RULE]}).matches(target(OLD_DEPLOY))
    assert not match({"resourceRules": [RULE], "matchPolicy": "Exact"}).matches(target(OLD_DEPLOY))


def test_namespace_selector_sees_namespaces_of_the_input():
    constraints = match({"resourceRules": [RULE], "namespaceSelector": {"matchLabels": {"env": "prod"}}})
    assert constraints.matches(target(DEPLOY, [NAMESPACE_A]))
    assert not constraints.matches(target(DEPLOY))  # namespace not in the input: no labels
    by_name = match({"resourceRules": [RULE], "namespaceSelector": {"matchExpressions": [
        {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["a"]}]}})
    assert by_name.matches(target(DEPLOY))


def test_namespace_is_matched_against_its_own_labels_and_cluster_objects_pass():
    rule = {"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["CREATE"], "resources": ["*"]}
    constraints = match({"resourceRules": [rule], "namespaceSelector": {"matchLabels": {"env": "prod"}}})
    assert constraints.matches(target(NAMESPACE_A))
    assert constraints.matches(target(CLUSTER_ROLE))


def test_object_selector_and_exclusions():
    constraints = match({
        "resourceRules": [RULE],
        "objectSelector": {"matchExpressions": [{"key": "team", "operator": "NotIn", "values": ["y"]}]},
        "excludeResourceRules": [dict(RULE, resourceNames=["skip"])],
    })
    assert constraints.matches(target(DEPLOY))
    assert not constraints.matches(target(dict(DEPLOY, metadata={"name": "skip", "namespace": "a"})))
    assert not constraints.matches(target(dict(DEPLOY, metadata={"name": "d", "labels": {"team": "y"}})))


def test_crd_in_the_input_names_the_resource_and_scope():
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgetries.example.com"},
        "spec": {"group": "example.com", "scope": "Cluster", "names": {"kind": "Widget", "plural": "widgetries"}},
    }
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    t = target(widget, [crd])
    assert (t.resource, t.namespaced) == ("widgetries", False)
    assert ResourceCatalog().resource("example.com", "Widget") == "widgets"


@pytest.mark.parametrize(
    "spec, message",
    [
        ({}, "resourceRules: at least one rule is required"),
        ({"resourceRules": [dict(RULE, scope="Everywhere")]}, "scope: must be"),
        ({"resourceRules": [RULE], "matchPolicy": "Fuzzy"}, "matchPolicy"),
        ({"resourceRules": [RULE], "objectSelector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}}, "operator"),
        ({"resourceRules": [RULE], "namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}, "non-empty values"),
        ({"resourceRules": [dict(RULE, apiGroups="apps")]}, "must be a list of strings"),
    ],
)
def test_bad_constraints(spec, message):
    with pytest.raises(KubeplanError, match=message):
        match(spec)
