"""How levels, versions and modes are chosen: options, .kubeplan.yaml, Namespace labels,
exemptions; severities and the JSON ``pss`` block of findings."""

from __future__ import annotations

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.linter import pss
from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext, lint

# Breaks baseline (privileged) and restricted (no runAsNonRoot, seccomp, drop ALL, ...).
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: {namespace}
spec:
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
"""

# Passes baseline, fails restricted.
BASELINE_OK = """\
apiVersion: v1
kind: Pod
metadata:
  name: plain
  namespace: {namespace}
spec:
  containers:
    - name: app
      image: nginx
"""


def rules(findings, severity=None):
    return sorted({f.rule for f in findings if severity is None or f.severity == severity})


def test_default_enforces_baseline_and_warns_restricted(run_pss):
    findings = run_pss(POD.format(namespace="default"))
    assert rules(findings, "error") == ["pss-privileged"]
    assert "pss-run-as-non-root" in rules(findings, "warning")
    assert "pss-privileged" not in rules(findings, "warning")  # reported once, at its strictest
    error = next(f for f in findings if f.rule == "pss-privileged")
    assert error.extra == {
        "pss": {"level": "baseline", "version": "v1.37", "check": "privileged", "mode": "enforce"},
        "category": "security",
    }
    assert error.message == 'privileged (container "app" must not set securityContext.privileged=true)'
    assert error.path == "spec.containers[0].securityContext.privileged"
    assert (error.location.line, error.location.column) == (11, 9)


def test_pss_level_option_enforces_only_that_level(run_pss):
    findings = run_pss(POD.format(namespace="default"), {"pss_level": "restricted", "pss_version": "v1.30"})
    assert all(f.severity == "error" for f in findings)
    assert {f.extra["pss"]["version"] for f in findings} == {"v1.30"}
    assert {"pss-privileged", "pss-run-as-non-root", "pss-capabilities-restricted"} <= set(rules(findings))
    assert run_pss(POD.format(namespace="default"), {"pss_level": "privileged"}) == []


@pytest.mark.parametrize("version", ["latest", "v1.99", "not-a-version", "v01.2"])
def test_latest_newer_and_unparsable_versions_mean_the_newest(run_pss, version):
    findings = run_pss(BASELINE_OK.format(namespace="x"), {"pss_level": "restricted", "pss_version": version})
    assert {f.extra["pss"]["version"] for f in findings} == {"v1.37"}


def test_version_changes_the_checks(run_pss):
    old = run_pss(BASELINE_OK.format(namespace="x"), {"pss_level": "restricted", "pss_version": "v1.7"})
    assert rules(old) == ["pss-run-as-non-root"]
    new = run_pss(BASELINE_OK.format(namespace="x"), {"pss_level": "restricted", "pss_version": "v1.22"})
    assert rules(new) == [
        "pss-allow-privilege-escalation",
        "pss-capabilities-restricted",
        "pss-run-as-non-root",
        "pss-seccomp-profile-restricted",
    ]


def test_config_section_sets_modes_and_versions(run_pss):
    config = {"pss": {"enforce": "restricted", "enforceVersion": "v1.22", "warn": "privileged"}}
    findings = run_pss(BASELINE_OK.format(namespace="x"), config=config)
    assert findings and all(f.severity == "error" for f in findings)
    assert {f.extra["pss"]["version"] for f in findings} == {"v1.22"}
    audit = run_pss(BASELINE_OK.format(namespace="x"), config={"pss": {"enforce": "privileged", "warn": "privileged", "audit": "restricted"}})
    assert audit and {(f.severity, f.extra["pss"]["mode"]) for f in audit} == {("warning", "audit")}


def test_cli_level_overrides_config(run_pss):
    config = {"pss": {"enforce": "privileged", "warn": "privileged"}}
    findings = run_pss(POD.format(namespace="x"), {"pss_level": "baseline"}, config)
    assert rules(findings) == ["pss-privileged"]


NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: {name}
  labels:
{labels}
---
"""


def namespace(name, **labels):
    lines = "\n".join(f"    pod-security.kubernetes.io/{k.replace('_', '-')}: {v!r}" for k, v in labels.items())
    return NAMESPACE.format(name=name, labels=lines)


def test_namespace_labels_set_levels_for_their_namespace_only(run_pss):
    text = (
        namespace("strict", enforce="restricted", enforce_version="v1.25")
        + BASELINE_OK.format(namespace="strict")
        + "---\n"
        + BASELINE_OK.format(namespace="other")
    )
    findings = run_pss(text)
    strict = [f for f in findings if f.object.namespace == "strict"]
    other = [f for f in findings if f.object.namespace == "other"]
    assert strict and all(f.severity == "error" and f.extra["pss"]["version"] == "v1.25" for f in strict)
    assert other and all(f.severity == "warning" for f in other)


def test_namespace_privileged_enforce_keeps_default_warn(run_pss):
    findings = run_pss(namespace("loose", enforce="privileged") + POD.format(namespace="loose"))
    assert findings and all(f.severity == "warning" for f in findings)


def test_invalid_labels_fail_closed_for_enforce_and_are_reported(run_pss):
    text = namespace("bad", enforce="strict", warn="nonsense", enforce_version="one") + BASELINE_OK.format(namespace="bad")
    findings = run_pss(text)
    invalid = [f for f in findings if f.rule == pss.INVALID_LABEL_RULE]
    assert len(invalid) == 3 and all(f.severity == "warning" for f in invalid)
    assert invalid[0].object.kind == "Namespace"
    checks = [f for f in findings if f.rule != pss.INVALID_LABEL_RULE]
    assert checks and all(f.severity == "error" and f.extra["pss"]["level"] == "restricted" for f in checks)


def test_warn_follows_a_stricter_explicit_enforce_label():
    defaults = {"enforce": ("baseline", "latest"), "warn": ("privileged", "latest"), "audit": ("privileged", "latest")}
    modes = {m.mode: m for m in pss.namespace_policy(defaults, {"pod-security.kubernetes.io/enforce": "restricted",
                                                                 "pod-security.kubernetes.io/enforce-version": "v1.20"})}
    assert (modes["warn"].level, modes["warn"].version) == ("restricted", (1, 20))
    modes = {m.mode: m for m in pss.namespace_policy(defaults, {"pod-security.kubernetes.io/enforce": "restricted",
                                                                 "pod-security.kubernetes.io/warn": "privileged"})}
    assert modes["warn"].level == "privileged"


def test_exemptions(run_pss):
    config = {"pss": {"exemptions": {"namespaces": ["kube-system"], "runtimeClassNames": ["kata"]}}}
    assert run_pss(POD.format(namespace="kube-system"), config=config) == []
    kata = POD.format(namespace="x").replace("spec:\n", "spec:\n  runtimeClassName: kata\n")
    assert run_pss(kata, config=config) == []
    assert run_pss(POD.format(namespace="x"), config=config)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"pss": {"enforce": "strict"}}, "pss.enforce must be one of"),
        ({"pss": {"warnVersion": "1.30"}}, "pss.warnVersion must be"),
        ({"pss": {"enforcee": "baseline"}}, "unknown key 'enforcee'"),
        ({"pss": {"exemptions": {"namespaces": "kube-system"}}}, "must be a list of strings"),
    ],
)
def test_bad_configuration_is_a_user_error(run_pss, config, message):
    with pytest.raises(KubeplanError, match=message):
        run_pss(POD.format(namespace="x"), config=config)


def test_suppression_annotation_hides_pss_findings(objects_of):
    text = POD.format(namespace="x").replace(
        "  namespace: x\n", "  namespace: x\n  annotations:\n    kubeplan.io/ignore: pss-privileged\n"
    )
    ctx = LintContext(objects_of(text), Config({}, None), {"pss_level": "baseline"})
    result = lint(ctx, families=("kubeplan.linter.pss",))
    assert result.findings == [] and rules(result.suppressed) == ["pss-privileged"]


def test_json_output_carries_the_official_check_id(run_pss):
    finding = run_pss(POD.format(namespace="x"), {"pss_level": "restricted"})[0]
    data = finding.to_json()
    assert set(data["pss"]) >= {"level", "version", "check"}
    assert data["category"] == "security"
    assert data["location"]["file"] == "manifest.yaml"


def test_output_is_deterministic(run_pss):
    text = POD.format(namespace="x")
    first = [f.to_json() for f in run_pss(text)]
    assert first == [f.to_json() for f in run_pss(text)]
