"""ValidatingAdmissionPolicy examples of the Kubernetes documentation, applied offline,
with the verdicts the API server gives (written from the documented behaviour)."""

import pytest

from kubeplan.errors import KubeplanError

NAMESPACES = """
apiVersion: v1
kind: Namespace
metadata: {name: test, labels: {environment: test}}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {environment: prod}}
"""


def deployment(name, namespace, replicas, image="nginx", labels=None):
    labels = labels or {}
    label_text = ", ".join(f"{k}: '{v}'" for k, v in labels.items())
    return f"""
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}, labels: {{{label_text}}}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: app, image: "{image}"}}]
"""


REPLICA_POLICY = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo-policy.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= 5"
"""

REPLICA_BINDING = """
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: demo-binding-test.example.com
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""

RULE = {"demo-policy.example.com"}


def test_replica_limit_denies_only_in_the_bound_namespace(linter):
    manifests = NAMESPACES + deployment("big", "test", 6) + deployment("small", "test", 5) + deployment("prod-big", "prod", 9)
    findings = linter.run(manifests, REPLICA_POLICY + REPLICA_BINDING, RULE)
    assert [(f.object.name, f.severity) for f in findings] == [("big", "error")]
    # No message: the API server says which expression failed.
    assert findings[0].message == "failed expression: object.spec.replicas <= 5"


def test_policy_without_binding_applies_cluster_wide_with_deny(linter):
    manifests = NAMESPACES + deployment("big", "test", 6) + deployment("prod-big", "prod", 9)
    findings = linter.run(manifests, REPLICA_POLICY, RULE)
    assert [(f.object.name, f.severity) for f in findings] == [("big", "error"), ("prod-big", "error")]


def test_warn_and_audit_actions_are_warnings(linter):
    binding = REPLICA_BINDING.replace("[Deny]", "[Warn, Audit]")
    findings = linter.run(NAMESPACES + deployment("big", "test", 6), REPLICA_POLICY + binding, RULE)
    assert [(f.severity, f.extra["admission"]["validationActions"]) for f in findings] == [("warning", ["Warn", "Audit"])]


def test_resource_rules_do_not_match_other_kinds(linter):
    manifests = NAMESPACES + """
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s, namespace: test}
spec: {replicas: 10}
"""
    assert linter.run(manifests, REPLICA_POLICY, RULE) == []


PARAM_POLICY = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replicalimit-policy.example.com
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: rules.example.com/v1
    kind: ReplicaLimit
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= params.maxReplicas"
      messageExpression: "'object.spec.replicas must be no greater than ' + string(params.maxReplicas)"
      reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replicalimit-binding-test.example.com
spec:
  policyName: replicalimit-policy.example.com
  validationActions: [Deny]
  paramRef:
    name: replica-limit-test.example.com
    namespace: default
    parameterNotFoundAction: Deny
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""

PARAMS = """
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata:
  name: replica-limit-test.example.com
  namespace: default
maxReplicas: 3
"""


def test_params_from_the_input(linter):
    manifests = NAMESPACES + PARAMS + deployment("four", "test", 4) + deployment("three", "test", 3)
    findings = linter.run(manifests, PARAM_POLICY, {"replicalimit-policy.example.com"})
    assert [(f.object.name, f.message) for f in findings] == [
        ("four", "object.spec.replicas must be no greater than 3"),
    ]
    assert findings[0].extra["admission"]["reason"] == "Invalid"
    assert findings[0].extra["admission"]["binding"] == "replicalimit-binding-test.example.com"


def test_missing_params_with_deny_is_a_finding(linter):
    manifests = NAMESPACES + deployment("three", "test", 3)
    findings = linter.run(manifests, PARAM_POLICY, {"replicalimit-policy.example.com"})
    assert len(findings) == 1 and "no params (ReplicaLimit) found" in findings[0].message


def test_missing_params_with_allow_passes(linter):
    policy = PARAM_POLICY.replace("parameterNotFoundAction: Deny", "parameterNotFoundAction: Allow")
    assert linter.run(NAMESPACES + deployment("three", "test", 9), policy, {"replicalimit-policy.example.com"}) == []


def test_param_selector_evaluates_once_per_param(linter):
    policy = PARAM_POLICY.replace(
        "name: replica-limit-test.example.com\n    namespace: default",
        "selector: {matchLabels: {tier: limits}}\n    namespace: default",
    )
    params = """
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: a, namespace: default, labels: {tier: limits}}
maxReplicas: 3
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: b, namespace: default, labels: {tier: limits}}
maxReplicas: 5
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: c, namespace: default}
maxReplicas: 1
"""
    findings = linter.run(NAMESPACES + params + deployment("four", "test", 4), policy, {"replicalimit-policy.example.com"})
    assert [f.message for f in findings] == ["object.spec.replicas must be no greater than 3"]


def test_param_policy_without_binding_is_reported_not_applied(linter):
    policy = PARAM_POLICY.split("---")[0]
    findings = linter.run(NAMESPACES + PARAMS + deployment("four", "test", 4), policy, {"replicalimit-policy.example.com"})
    assert [(f.severity, f.object) for f in findings] == [("warning", None)]
    assert "no binding provides them" in findings[0].message


MATCH_CONDITIONS = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo-policy.example.com
spec:
  matchConstraints:
    resourceRules:
    - apiGroups:   ["*"]
      apiVersions: ["*"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["*"]
  matchConditions:
    - name: 'exclude-leases'
      expression: '!(request.resource.group == "coordination.k8s.io" && request.resource.resource == "leases")'
    - name: 'exclude-kubelet-requests'
      expression: '!("system:nodes" in request.userInfo.groups)'
    - name: 'rbac'
      expression: 'request.resource.group != "rbac.authorization.k8s.io"'
  validations:
    - expression: "!object.metadata.name.contains('demo') || object.metadata.namespace == 'demo'"
"""


def test_match_conditions_skip_excluded_requests(linter):
    manifests = """
apiVersion: v1
kind: ConfigMap
metadata: {name: demo-config, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: demo-config, namespace: demo}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: demo-lease, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: demo-role, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: default}
"""
    findings = linter.run(manifests, MATCH_CONDITIONS, RULE)
    assert [(f.object.kind, f.object.namespace) for f in findings] == [("ConfigMap", "default")]


VARIABLES = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: image-matches-namespace-environment.policy.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  variables:
  - name: environment
    expression: "'environment' in namespaceObject.metadata.labels ? namespaceObject.metadata.labels['environment'] : 'prod'"
  - name: exempt
    expression: "'exempt' in object.metadata.labels && object.metadata.labels['exempt'] == 'true'"
  - name: containers
    expression: "object.spec.template.spec.containers"
  - name: containersToCheck
    expression: "variables.containers.filter(c, c.image.startsWith('example.com/'))"
  validations:
  - expression: "variables.exempt || variables.containersToCheck.all(c, c.image.startsWith(variables.environment + '.'))"
    messageExpression: "'only ' + variables.environment + ' images are allowed in namespace ' + namespaceObject.metadata.name"
"""


def test_variables_and_namespace_object(linter):
    manifests = (
        NAMESPACES
        + deployment("wrong-env", "test", 1, image="example.com/nginx")
        + deployment("exempt", "test", 1, image="example.com/nginx", labels={"exempt": "true"})
        + deployment("ok", "test", 1, image="test.example.com/nginx")
        + deployment("unchecked", "test", 1, image="docker.io/nginx")
        + deployment("no-ns-object", "elsewhere", 1, image="example.com/nginx")
    )
    findings = linter.run(manifests, VARIABLES, {"image-matches-namespace-environment.policy.example.com"})
    assert [(f.object.name, f.message) for f in findings] == [
        ("wrong-env", "only test images are allowed in namespace test"),
        ("no-ns-object", "only prod images are allowed in namespace elsewhere"),
    ]


UNGUARDED = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: no-privileged
spec:
  failurePolicy: {failure}
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.template.spec.containers.all(c, c.securityContext.privileged != true)"
    message: privileged containers are not allowed
"""


@pytest.mark.parametrize("failure, severity", [("Fail", "error"), ("Ignore", "warning")])
def test_missing_key_is_an_error_decided_by_failure_policy(linter, failure, severity):
    findings = linter.run(deployment("web", "default", 1), UNGUARDED.format(failure=failure), {"no-privileged"})
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == severity
    assert "could not be evaluated: no such key: securityContext" in finding.message
    assert "policies.yaml:15" in finding.message  # the policy file and line of the expression
    assert "c.securityContext.privileged != true" in finding.message
    assert finding.related[0].note == "policy expression"


def test_field_path_points_at_the_field(linter):
    policy = REPLICA_POLICY.replace(
        '- expression: "object.spec.replicas <= 5"',
        '- expression: "object.spec.replicas <= 5"\n      fieldPath: "spec.replicas"\n      message: too many',
    )
    findings = linter.run(deployment("big", "default", 6), policy, RULE)
    assert findings[0].path == "spec.replicas"
    assert findings[0].location.line == 7


def test_object_selector_and_exclude_rules(linter):
    policy = REPLICA_POLICY.replace(
        "  validations:",
        "    objectSelector: {matchExpressions: [{key: skip, operator: DoesNotExist}]}\n"
        "    excludeResourceRules:\n"
        "    - {apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'], resourceNames: ['excluded']}\n"
        "  validations:",
    )
    manifests = (
        deployment("big", "default", 6)
        + deployment("skipped", "default", 6, labels={"skip": "yes"})
        + deployment("excluded", "default", 6)
    )
    assert [f.object.name for f in linter.run(manifests, policy, RULE)] == ["big"]


def test_request_and_authorizer_offline(linter):
    policy = REPLICA_POLICY.replace(
        '"object.spec.replicas <= 5"',
        "\"request.operation == 'CREATE' && request.userInfo.username == 'system:anonymous' && oldObject == null"
        " && request.kind.kind == 'Deployment' && request.resource.resource == 'deployments'"
        " && !authorizer.group('apps').resource('deployments').namespace('default').check('delete').allowed()\"",
    )
    assert linter.run(deployment("web", "default", 1), policy, RULE) == []


@pytest.mark.parametrize(
    "change, message",
    [
        (('"object.spec.replicas <= 5"', '"object.spec.replicas <="'), "syntax error"),
        (('"object.spec.replicas <= 5"', '"objet.spec.replicas <= 5"'), "undeclared reference to 'objet'"),
        (("failurePolicy: Fail", "failurePolicy: Maybe"), "failurePolicy must be Fail or Ignore"),
        (('operations:  ["CREATE", "UPDATE"]', 'operations: ["MAKE"]'), "unknown operation 'MAKE'"),
    ],
)
def test_bad_policies_are_user_errors_with_file_and_line(linter, change, message):
    policy = REPLICA_POLICY.replace(*change)
    with pytest.raises(KubeplanError) as info:
        linter.run(deployment("web", "default", 1), policy)
    assert message in info.value.message
    assert info.value.file.endswith("policies.yaml") and info.value.line


AUDIT_ANNOTATIONS = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo-policy.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - key: "high-replica-count"
      expression: "object.spec.replicas > 50"
      messageExpression: "'Deployment spec.replicas set to ' + string(object.spec.replicas)"
  auditAnnotations:
    - key: "high-replica-count"
      valueExpression: "'Deployment spec.replicas set to ' + string(object.spec.replicas)"
"""


def test_audit_annotations_are_compiled_and_otherwise_ignored(linter):
    findings = linter.run(deployment("few", "default", 3), AUDIT_ANNOTATIONS, RULE)
    assert [f.message for f in findings] == ["Deployment spec.replicas set to 3"]
    broken = AUDIT_ANNOTATIONS.replace("valueExpression: \"'Deployment", "valueExpression: \"(('Deployment")
    with pytest.raises(KubeplanError, match="auditAnnotations"):
        linter.run(deployment("few", "default", 3), broken)


def test_error_in_a_multi_line_expression_points_at_its_file_line(linter):
    policy = REPLICA_POLICY.replace(
        '- expression: "object.spec.replicas <= 5"',
        "- expression: |\n        object.spec.replicas <= 5 &&\n          object.spec.nope() == 1",
    )
    with pytest.raises(KubeplanError) as info:
        linter.run(deployment("web", "default", 1), policy)
    assert info.value.line == 17  # the line of `object.spec.nope()` in policies.yaml
    assert "undeclared reference to 'nope'" in info.value.message


def test_params_may_come_with_the_policies(linter):
    findings = linter.run(NAMESPACES + deployment("four", "test", 4), PARAM_POLICY + PARAMS, {"replicalimit-policy.example.com"})
    assert [f.message for f in findings] == ["object.spec.replicas must be no greater than 3"]
