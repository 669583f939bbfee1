"""``kubeplan policies list | explain | test``, and the PolicyTest runner."""

import json
import textwrap

import pytest

from kubeplan.cli import main
from kubeplan.linter.cel.policy_tests import run_files

POLICY = """
apiVersion: kubeplan.io/v1alpha1
kind: Policy
metadata: {name: no-host-network}
spec:
  severity: error
  category: security
  summary: Pods must not use the host network.
  doc: |
    Checks: spec.hostNetwork of every pod template.
    Fix: remove hostNetwork.
  violations:
    - expression: "podSpec.?hostNetwork.orValue(false) ? [{'message': 'hostNetwork is true', 'path': podPath + '.spec.hostNetwork'}] : []"
"""

TESTS = """
apiVersion: kubeplan.io/v1alpha1
kind: PolicyTest
metadata: {name: no-host-network}
spec:
  policy: no-host-network.yaml
  cases:
    - name: plain pod passes
      expect: pass
      object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: a}]}}
    - name: host network fails
      expect: fail
      violations: 1
      object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {hostNetwork: true, containers: [{name: a, image: a}]}}
    - name: deployment from a fixture file
      expect: fail
      file: fixtures/deployment.yaml
"""

FIXTURE = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec: {hostNetwork: true, containers: [{name: a, image: a}]}
"""


@pytest.fixture
def pack(tmp_path):
    (tmp_path / "no-host-network.yaml").write_text(textwrap.dedent(POLICY))
    (tmp_path / "no-host-network.test.yaml").write_text(textwrap.dedent(TESTS))
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "deployment.yaml").write_text(textwrap.dedent(FIXTURE))
    return tmp_path


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def test_runner_passing_cases(pack):
    results = run_files([str(pack)])
    assert [(r.case, r.passed) for r in results] == [
        ("plain pod passes", True),
        ("host network fails", True),
        ("deployment from a fixture file", True),
    ]
    assert results[2].findings[0].path == "spec.template.spec.hostNetwork"


def test_cli_test_exit_codes(pack, capsys):
    code, out, _ = run_cli(["policies", "test", str(pack)], capsys)
    assert code == 0
    assert out.splitlines()[-1] == "3 cases, 3 passed, 0 failed"
    broken = TESTS.replace("expect: pass", "expect: fail", 1)
    (pack / "no-host-network.test.yaml").write_text(textwrap.dedent(broken))
    code, out, _ = run_cli(["policies", "test", str(pack)], capsys)
    assert code == 1
    assert "FAIL no-host-network: plain pod passes" in out
    assert "expected fail, got 0 finding(s)" in out


def test_cli_test_json(pack, capsys):
    code, out, _ = run_cli(["policies", "test", "--format", "json", str(pack)], capsys)
    data = json.loads(out)
    assert code == 0 and data["cases"] == 3 and data["failed"] == 0


def test_wrong_violation_count_fails(pack):
    (pack / "no-host-network.test.yaml").write_text(textwrap.dedent(TESTS.replace("violations: 1", "violations: 2")))
    results = run_files([str(pack)])
    assert [r.passed for r in results] == [True, False, True]


@pytest.mark.parametrize(
    "change, message",
    [
        (("policy: no-host-network.yaml", "policy: missing.yaml"), "policy file"),
        (("expect: pass", "expect: maybe"), "expect must be pass or fail"),
        (("      file: fixtures/deployment.yaml", "      file: fixtures/none.yaml"), "does not exist"),
        (("kind: PolicyTest", "kind: Test"), "not a PolicyTest"),
    ],
)
def test_bad_test_files_exit_2(pack, capsys, change, message):
    (pack / "no-host-network.test.yaml").write_text(textwrap.dedent(TESTS.replace(*change)))
    code, _, err = run_cli(["policies", "test", str(pack)], capsys)
    assert code == 2
    assert message in err and "no-host-network.test.yaml" in err


def test_no_tests_found_is_an_error(tmp_path, capsys):
    code, _, err = run_cli(["policies", "test", str(tmp_path)], capsys)
    assert code == 2 and "no policy tests" in err


def test_list_and_explain(pack, capsys):
    code, out, _ = run_cli(["policies", "list", "--policy", str(pack / "no-host-network.yaml")], capsys)
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("no-host-network"))
    assert line.split() == ["no-host-network", "error", "Pods", "must", "not", "use", "the", "host", "network."]
    code, out, _ = run_cli(["policies", "explain", "no-host-network", "--policy", str(pack)], capsys)
    assert code == 0
    assert out.startswith("no-host-network (error, security)")
    assert "Fix: remove hostNetwork." in out


def test_list_includes_every_builtin_pack(capsys):
    code, out, _ = run_cli(["policies", "list", "--format", "json"], capsys)
    entries = json.loads(out)
    assert code == 0
    assert any(e["pack"] == "pss" for e in entries)
    assert all(e["summary"] for e in entries)


def test_explain_unknown_policy(capsys):
    code, _, err = run_cli(["policies", "explain", "no-such-policy"], capsys)
    assert code == 2 and "unknown policy 'no-such-policy'" in err
