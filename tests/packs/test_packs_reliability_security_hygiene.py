"""The reliability, security, hygiene and deprecation packs: their own policy tests pass,
and they fire where the examples have the problems they describe."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
PACKS = os.path.join(ROOT, "src", "kubeplan", "policies")


def kubeplan(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kubeplan", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.parametrize("pack", ["reliability", "security", "hygiene"])
def test_pack_policy_tests_pass(pack):
    proc = kubeplan("policies", "test", os.path.join(PACKS, pack))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 failed" in proc.stdout


def test_every_policy_has_a_doc_and_a_test():
    for pack in ("reliability", "security", "hygiene"):
        directory = os.path.join(PACKS, pack)
        for name in os.listdir(directory):
            if name.endswith(".yaml") and not name.endswith(".test.yaml"):
                assert os.path.exists(os.path.join(directory, name[:-5] + ".test.yaml")), name
                explain = kubeplan("policies", "explain", name[:-5])
                assert explain.returncode == 0 and "Why it matters" in explain.stdout, name


def lint_json(tmp_path, text, *args):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    proc = kubeplan("lint", str(path), "--format", "json", *args)
    return json.loads(proc.stdout)["findings"]


def test_findings_carry_category_and_point_at_the_field(tmp_path):
    findings = lint_json(
        tmp_path,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: nginx\n",
    )
    latest = next(f for f in findings if f["rule"] == "image-latest-tag")
    assert latest["category"] == "reliability"
    assert latest["location"]["line"] == 7 and latest["path"] == "spec.containers[0].image"


def test_deprecated_and_removed_apis_follow_the_target_version(tmp_path):
    text = (
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
        "spec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 3}\n"
    )
    at_1_25 = [f for f in lint_json(tmp_path, text, "--kube-version", "1.25") if f["rule"].endswith("-api")]
    assert [(f["rule"], f["severity"], f["category"]) for f in at_1_25] == [("deprecated-api", "warning", "deprecation")]
    assert "use autoscaling/v2" in at_1_25[0]["message"]
    at_1_26 = [f["rule"] for f in lint_json(tmp_path, text, "--kube-version", "1.26") if f["rule"].endswith("-api")]
    assert at_1_26 == ["removed-api"]


def test_current_apis_are_not_reported(tmp_path):
    text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 3}\n"
    assert not [f for f in lint_json(tmp_path, text) if f["rule"].endswith("-api")]


def test_deferred_builtin_policies_agree_with_the_compiler():
    """Built-in policies compile on first use; what the evaluator reads before that (ID,
    match constraints, whether the pod template is read) must be what compiling gives."""
    from kubeplan.linter.cel_policies import DeferredPolicy, builtin_policies

    policies, _ = builtin_policies()
    deferred = [p for p in policies if isinstance(p, DeferredPolicy)]
    assert len(deferred) > 30
    for policy in deferred:
        compiled = policy.compiled()
        assert (policy.id, policy.kind, policy.needs_pod) == (compiled.id, compiled.kind, compiled.needs_pod), policy.id
        assert (policy.match is None) == (compiled.match is None), policy.id
