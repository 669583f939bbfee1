"""``kubeplan lint --policy``: findings, exit codes and JSON of the CEL policy family."""

import json
import textwrap

import pytest

from kubeplan.cli import main

POLICY = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"]}
  validations:
  - expression: "object.spec.replicas <= 5"
    message: at most 5 replicas
    fieldPath: spec.replicas
"""

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 9
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: nginx:1.25
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
"""


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "policy.yaml").write_text(textwrap.dedent(POLICY))
    (tmp_path / "deploy.yaml").write_text(textwrap.dedent(DEPLOYMENT))
    return tmp_path


def test_lint_reports_policy_findings(files, capsys):
    code, out, _ = run(["lint", str(files / "deploy.yaml"), "--policy", str(files / "policy.yaml"), "--format", "json"], capsys)
    assert code == 1
    findings = [f for f in json.loads(out)["findings"] if f["rule"] == "max-replicas"]
    assert len(findings) == 1
    f = findings[0]
    assert (f["severity"], f["message"], f["path"], f["location"]["line"]) == ("error", "at most 5 replicas", "spec.replicas", 6)
    assert f["admission"]["validationActions"] == ["Deny"]


def test_lint_with_a_bad_policy_exits_2_naming_file_and_line(files, capsys):
    (files / "policy.yaml").write_text(textwrap.dedent(POLICY.replace("<= 5", "<= ")))
    code, _, err = run(["lint", str(files / "deploy.yaml"), "--policy", str(files / "policy.yaml")], capsys)
    assert code == 2
    assert "policy.yaml:10" in err and "syntax error" in err and "object.spec.replicas <=" in err


def test_lint_with_a_missing_policy_path_exits_2(files, capsys):
    code, _, err = run(["lint", str(files / "deploy.yaml"), "--policy", str(files / "nope.yaml")], capsys)
    assert code == 2 and "nope.yaml" in err


def test_policy_path_without_policies_exits_2(files, capsys):
    code, _, err = run(["lint", str(files / "deploy.yaml"), "--policy", str(files / "deploy.yaml")], capsys)
    assert code == 2 and "no policy in" in err


def test_unknown_kubeplan_document_exits_2(files, capsys):
    (files / "policy.yaml").write_text(POLICY.replace("admissionregistration.k8s.io/v1", "kubeplan.io/v1").replace("ValidatingAdmissionPolicy", "Policy"))
    code, _, err = run(["lint", str(files / "deploy.yaml"), "--policy", str(files / "policy.yaml")], capsys)
    assert code == 2 and "unknown policy document kubeplan.io/v1 Policy" in err
