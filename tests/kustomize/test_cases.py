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


def _many_apps(root, count):
    """A kustomization of ``count`` apps whose Deployments refer by name to ConfigMaps, a
    generated Secret, ServiceAccounts and Roles, renamed by a prefix and a namespace."""
    docs = []
    for i in range(count):
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n"
            f"  selector:\n    matchLabels: {{app: app-{i}}}\n  template:\n    metadata:\n      labels: {{app: app-{i}}}\n"
            f"    spec:\n      serviceAccountName: sa-{i % 7}\n      containers:\n        - name: c\n          image: nginx\n"
            f"          envFrom:\n            - configMapRef: {{name: cm-{i % 11}}}\n            - secretRef: {{name: creds}}\n"
        )
    for i in range(11):
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: v{i}\n")
    for i in range(7):
        docs.append(f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{i}\n")
        docs.append(
            f"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb-{i}\n"
            f"roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}}\n"
            f"subjects: [{{kind: ServiceAccount, name: sa-{i}}}]\n"
        )
    docs.append("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules: []\n")
    (root / "all.yaml").write_text("---\n".join(docs))
    (root / "kustomization.yaml").write_text(
        "namePrefix: p-\nnamespace: team\nresources: [all.yaml]\n"
        "secretGenerator:\n  - name: creds\n    literals: [password=x]\n"
    )
    return str(root)


def test_name_references_across_many_objects(tmp_path):
    # references are looked up by earlier name; this checks the lookup against kustomize
    path = _many_apps(tmp_path, 150)
    text = build(path).text
    assert text.count("serviceAccountName: p-sa-") == 150
    assert "name: p-creds-" in text and "name: creds\n" not in text
    proc = kubectl_kustomize(path)
    if proc is None:
        pytest.skip("kubectl not installed")
    assert proc.returncode == 0, proc.stderr
    assert text == proc.stdout
