"""Bad input is normal input: odd shapes never crash, and a check that cannot read a pod
fails closed with a finding instead of passing silently."""

from __future__ import annotations

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.linter import pss


@pytest.mark.parametrize("engine", ["kubeplan", "cel-python"])
def test_wrong_types_fail_closed(engine):
    pack = pss.load_pack(pss.PACK_DIR, engine)
    pod = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [
        {"name": "app", "securityContext": {"capabilities": {"add": 5}}}]}}
    got = pss.evaluate_check("capabilities_baseline", pod, "baseline", "latest", pack)
    assert len(got) == 1 and pss.EVALUATION_ERROR in got[0].message
    assert got[0].message.startswith("capabilities_baseline (")


@pytest.mark.parametrize(
    "spec",
    [
        {"containers": "nope"},
        {"containers": [None, 3, "x"]},
        {"containers": [{"name": "a"}], "volumes": [None], "securityContext": None},
        {"containers": [{"name": "a", "securityContext": None, "ports": None}]},
        {"containers": [{"name": None, "securityContext": {"privileged": None}}]},
    ],
)
def test_odd_shapes_do_not_crash(spec):
    got = pss.evaluate_pod({}, spec, "restricted", pss.NEWEST)
    assert all(isinstance(v.message, str) for _, v in got)


def test_null_fields_count_as_unset():
    spec = {"containers": [{"name": "a", "securityContext": {"capabilities": None, "privileged": None}}],
            "volumes": [{"name": "v", "hostPath": None}], "hostNetwork": None}
    assert pss.evaluate_pod({"annotations": None}, spec, "baseline", pss.NEWEST) == []


def test_parse_path_inverts_format_path():
    from kubeplan.model.objects import format_path

    for path in [("spec", "containers", 0, "ports", 2, "hostPort"), ("metadata", "annotations", "a.b/c")]:
        assert pss.parse_path(format_path(path)) == path


def test_broken_policy_file_names_file_and_line(tmp_path):
    policy = tmp_path / "broken.yaml"
    policy.write_text(
        "apiVersion: kubeplan.io/v1alpha1\nkind: Policy\nmetadata: {name: pss-broken}\nspec:\n"
        "  pss:\n    check: broken\n    level: baseline\n    revisions:\n      - since: v1.0\n"
        "    violations:\n      - expression: \"containers.filter(c, \"\n"
    )
    with pytest.raises(KubeplanError) as info:
        pss.load_check(str(policy))
    assert info.value.file == str(policy) and info.value.line == 11


def test_policy_file_structure_errors(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text("apiVersion: kubeplan.io/v1alpha1\nkind: Policy\nmetadata: {name: x}\nspec:\n  pss: {check: x, level: extreme}\n")
    with pytest.raises(KubeplanError, match="level must be baseline or restricted"):
        pss.load_check(str(policy))
