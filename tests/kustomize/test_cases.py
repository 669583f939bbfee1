"""Fixture builds: each output is byte-identical to what `kubectl kustomize` printed for it
(expected.yaml was produced by kubectl's kustomize v5.5 from these inputs)."""

import os

import pytest

from conftest import CASES, case_dir, case_names, kubectl_kustomize
from kubeplan.renderer.kustomize import build


@pytest.mark.parametrize("name", case_names())
def test_fixture_renders_as_kustomize(name):
    result = build(case_dir(name))
    with open(os.path.join(CASES, name, "expected.yaml")) as fh:
        assert result.text == fh.read()


@pytest.mark.parametrize("name", case_names())
def test_fixture_matches_kubectl_when_installed(name):
    proc = kubectl_kustomize(case_dir(name))
    if proc is None:
        pytest.skip("kubectl not installed")
    assert proc.returncode == 0, proc.stderr
    assert build(case_dir(name)).text == proc.stdout


def test_output_is_deterministic_across_builds():
    path = case_dir("generators_behaviors")
    assert build(path).text == build(path).text


def test_objects_follow_output_order():
    result = build(case_dir("legacy_sort_scalars"))
    kinds = [obj.kind for obj in result.objects]
    assert kinds == ["Namespace", "ConfigMap", "Gadget", "ValidatingWebhookConfiguration"]


def test_build_stays_a_function_after_the_builder_module_loads():
    import kubeplan.renderer.kustomize as package
    import kubeplan.renderer.kustomize.builder  # noqa: F401

    assert callable(package.build)
