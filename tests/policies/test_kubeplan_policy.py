"""kubeplan's own Policy format: severity, category, violations with field paths, the pod
template variables and the ``inputs`` index for cross-object rules."""

import pytest

from kubeplan.errors import KubeplanError

LATEST_TAG = """
apiVersion: kubeplan.io/v1alpha1
kind: Policy
metadata: {name: test-unpinned-image}
spec:
  severity: warning
  category: reliability
  summary: Images must be pinned to a tag other than latest.
  doc: |
    Checks every container image of a pod template.
  violations:
    - expression: |
        podSpec.containers
          .filter(c, c.image.endsWith(':latest') || !c.image.contains(':'))
          .map(c, {'message': 'container "' + c.name + '" uses an unpinned image ' + c.image,
                   'path': podPath + '.spec.containers[' + string(podSpec.containers.indexOf(c)) + '].image'})
"""

WORKLOADS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  template:
    spec:
      containers:
        - name: ok
          image: nginx:1.25
        - name: bad
          image: nginx:latest
---
apiVersion: v1
kind: Pod
metadata: {name: pod, namespace: default}
spec:
  containers:
    - name: untagged
      image: busybox
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: default}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: "alpine:latest"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: default}
"""


def test_violations_point_at_the_offending_field(linter):
    findings = linter.run(WORKLOADS, LATEST_TAG, {"test-unpinned-image"})
    got = [(f.object.name, f.path, f.location.line, f.severity, f.extra) for f in findings]
    assert got == [
        ("web", "spec.template.spec.containers[1].image", 12, "warning", {"category": "reliability"}),
        ("pod", "spec.containers[0].image", 20, "warning", {"category": "reliability"}),
        ("nightly", "spec.jobTemplate.spec.template.spec.containers[0].image", 30, "warning", {"category": "reliability"}),
    ]
    assert findings[0].message == 'container "bad" uses an unpinned image nginx:latest'


def test_pod_policies_skip_objects_without_pod_template(linter):
    findings = linter.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n", LATEST_TAG, {"test-unpinned-image"})
    assert findings == []


SERVICE_SELECTS_NOTHING = """
apiVersion: kubeplan.io/v1alpha1
kind: Policy
metadata: {name: test-service-selector}
spec:
  severity: error
  category: hygiene
  summary: A Service selector must match a pod template in its namespace.
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["services"]}
  variables:
    - name: selector
      expression: "object.spec.?selector.orValue({})"
    - name: templates
      expression: >
        inputs[?'Deployment'][?object.metadata.namespace].orValue([])
          .map(d, d.spec.template.metadata.?labels.orValue({}))
  validations:
    - expression: "variables.selector.size() == 0 || variables.templates.exists(l, variables.selector.all(k, k in l && l[k] == variables.selector[k]))"
      messageExpression: "'selector ' + string(variables.selector.size()) + ' label(s) match no pod template in ' + object.metadata.namespace"
      fieldPath: spec.selector
"""


def test_cross_object_rule_with_inputs(linter):
    manifests = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: a, image: "a:1"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: typo, namespace: shop}
spec: {selector: {app: wbe}}
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: other}
spec: {selector: {app: web}}
"""
    findings = linter.run(manifests, SERVICE_SELECTS_NOTHING, {"test-service-selector"})
    assert [(f.object.name, f.path, f.extra["category"]) for f in findings] == [
        ("typo", "spec.selector", "hygiene"),
        ("elsewhere", "spec.selector", "hygiene"),
    ]
    assert findings[0].message == "selector 1 label(s) match no pod template in shop"


def test_violation_of_wrong_shape_is_an_error_finding(linter):
    policy = LATEST_TAG.replace(
        "podSpec.containers\n", "podSpec.containers.map(c, 1)\n"
    ).split("          .filter")[0]
    findings = linter.run(WORKLOADS, policy, {"test-unpinned-image"})
    assert findings and all(f.severity == "error" for f in findings)
    assert "each violation must be a string or a map" in findings[0].message


@pytest.mark.parametrize(
    "change, message",
    [
        (("severity: warning", "severity: fatal"), "spec.severity must be one of"),
        (("category: reliability", "category: style"), "spec.category must be one of"),
        (("podSpec.containers\n", "podSpec.containers.(\n"), "syntax error"),
        (("metadata: {name: test-unpinned-image}", "metadata: {}"), "metadata.name is required"),
    ],
)
def test_bad_kubeplan_policies(linter, change, message):
    with pytest.raises(KubeplanError) as info:
        linter.run(WORKLOADS, LATEST_TAG.replace(*change))
    assert message in info.value.message


def test_policy_with_nothing_to_check_is_refused(linter):
    policy = "apiVersion: kubeplan.io/v1alpha1\nkind: Policy\nmetadata: {name: empty}\nspec: {severity: info}\n"
    with pytest.raises(KubeplanError, match="no validations or violations"):
        linter.run(WORKLOADS, policy)


def test_duplicate_policy_ids_are_refused(linter):
    with pytest.raises(KubeplanError, match="defined twice"):
        linter.run(WORKLOADS, LATEST_TAG + "---" + LATEST_TAG)


def test_runaway_expression_is_an_error_finding_not_a_hang(linter):
    policy = """
apiVersion: kubeplan.io/v1alpha1
kind: Policy
metadata: {name: runaway}
spec:
  severity: info
  summary: Spends too much.
  validations:
    - expression: "lists.range(1000).all(i, lists.range(1000).all(j, lists.range(1000).all(k, i + j + k >= 0)))"
"""
    findings = linter.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n", policy, {"runaway"})
    assert [(f.severity, "cost budget exceeded" in f.message) for f in findings] == [("error", True)]


@pytest.mark.parametrize(
    "variables, expression, message",
    [
        ([("a", "1")], "variables.b == 1", "no variable named 'b'"),
        ([("a", "variables.b"), ("b", "1")], "variables.a == 1", "only use the variables defined before it"),
    ],
)
def test_variable_references_are_checked_when_loading(linter, variables, expression, message):
    items = "\n".join(f"    - name: {n}\n      expression: \"{e}\"" for n, e in variables)
    policy = f"""
apiVersion: kubeplan.io/v1alpha1
kind: Policy
metadata: {{name: vars}}
spec:
  variables:
{items}
  validations:
    - expression: "{expression}"
"""
    with pytest.raises(KubeplanError, match=message):
        linter.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n", policy)
