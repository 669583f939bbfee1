"""Every user error is a KubeplanError naming the file, with kustomize's wording; the CLI
prints one line and exits 2, with nothing on stdout."""

import os
import subprocess
import sys

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize import build

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"


def _error(path, **kw) -> KubeplanError:
    with pytest.raises(KubeplanError) as info:
        build(path, **kw)
    return info.value


def test_missing_kustomization_file(tree):
    root = tree({"empty/readme.txt": "x"})
    err = _error(os.path.join(root, "empty"))
    assert "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'" in err.message


def test_several_kustomization_files(tree):
    root = tree({"kustomization.yaml": "resources: []\n", "kustomization.yml": "resources: []\n"})
    assert "Found multiple kustomization files" in _error(root).message


def test_file_outside_root_is_refused_by_default(tree):
    root = tree({
        "shared/cm.yaml": CM.format(name="a"),
        "app/kustomization.yaml": "resources:\n- ../shared/cm.yaml\n",
    })
    err = _error(os.path.join(root, "app"))
    assert "security; file" in err.message and "is not in or below" in err.message
    assert err.file.endswith("kustomization.yaml")


def test_load_restrictor_none_lifts_the_restriction(tree):
    root = tree({
        "shared/cm.yaml": CM.format(name="a"),
        "app/kustomization.yaml": "resources:\n- ../shared/cm.yaml\n",
    })
    assert "name: a" in build(os.path.join(root, "app"), load_restrictor="LoadRestrictionsNone").text


def test_bases_outside_root_are_allowed(tree):
    root = tree({
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": CM.format(name="a"),
        "app/kustomization.yaml": "resources:\n- ../base\n",
    })
    assert "name: a" in build(os.path.join(root, "app")).text


@pytest.mark.parametrize(
    "url",
    ["https://github.com/org/repo//deploy?ref=v1", "github.com/org/repo/deploy", "git@github.com:org/repo.git"],
)
def test_remote_resources_are_refused(tree, url):
    root = tree({"kustomization.yaml": f"resources:\n- {url}\n"})
    assert "never fetches" in _error(root).message


def test_duplicate_resource_ids(tree):
    root = tree({"kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n", "a.yaml": CM.format(name="x"), "b.yaml": CM.format(name="x")})
    assert "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/x.[noNs]" in _error(root).message


def test_duplicate_ids_within_one_file(tree):
    docs = "---\n".join(CM.format(name=n) for n in ("a", "b", "a"))
    root = tree({"kustomization.yaml": "resources:\n- cms.yaml\n", "cms.yaml": docs})
    assert "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/a.[noNs]" in _error(root).message


def test_namespace_that_makes_two_ids_one(tree):
    docs = CM.format(name="x") + "---\n" + CM.format(name="x").replace("metadata:\n", "metadata:\n  namespace: dev\n")
    root = tree({"kustomization.yaml": "namespace: dev\nresources:\n- cms.yaml\n", "cms.yaml": docs})
    assert "namespace transformation produces ID conflict: ConfigMap.v1.[noGrp]/x.dev" in _error(root).message


def test_generator_conflict_needs_a_behavior(tree):
    root = tree({"kustomization.yaml": "configMapGenerator:\n- name: c\n  literals: [a=1]\n- name: c\n  literals: [b=2]\n"})
    assert "behavior must be merge or replace" in _error(root).message


def test_generator_merge_needs_an_existing_object(tree):
    root = tree({"kustomization.yaml": "configMapGenerator:\n- name: c\n  behavior: merge\n  literals: [a=1]\n"})
    assert "does not exist; cannot merge or replace" in _error(root).message


def test_patch_without_target_that_matches_nothing(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n",
        "cm.yaml": CM.format(name="a"),
        "p.yaml": CM.format(name="b"),
    })
    assert "no matches for Id ConfigMap.v1.[noGrp]/b.[noNs]; failed to find unique target for patch" in _error(root).message


def test_json_patch_needs_a_target(tree):
    root = tree({"kustomization.yaml": "patches:\n- patch: '[{\"op\": \"remove\", \"path\": \"/data\"}]'\n"})
    assert "must specify a target for JSON patch" in _error(root).message


def test_json_patch_on_a_missing_path(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: '[{\"op\": \"replace\", \"path\": \"/nope/x\", \"value\": 1}]'\n",
        "cm.yaml": CM.format(name="a"),
    })
    assert "replace operation does not apply" in _error(root).message


def test_empty_strategic_merge_patch(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- cm.yaml\npatchesStrategicMerge:\n- empty.yaml\n",
        "cm.yaml": CM.format(name="a"),
        "empty.yaml": "# nothing\n",
    })
    assert "patch appears to be empty" in _error(root).message


def test_malformed_yaml_names_file_and_line(tree):
    root = tree({"kustomization.yaml": "resources:\n- bad.yaml\n", "bad.yaml": "apiVersion: v1\nkind: [unclosed\n"})
    err = _error(root)
    assert "MalformedYAMLError" in err.message
    assert err.file.endswith("bad.yaml") and err.line


def test_duplicate_keys_in_a_resource(tree):
    root = tree({"kustomization.yaml": "resources:\n- d.yaml\n", "d.yaml": CM.format(name="a") + "data:\n  j: w\n"})
    assert 'mapping key "data" already defined' in _error(root).message


def test_cycle_of_bases(tree):
    root = tree({
        "a/kustomization.yaml": "resources:\n- ../b\n",
        "b/kustomization.yaml": "resources:\n- ../a\n",
    })
    assert "cycle detected" in _error(os.path.join(root, "a")).message


def test_base_containing_its_overlay_is_a_cycle(tree):
    root = tree({"kustomization.yaml": "resources:\n- overlay\n", "overlay/kustomization.yaml": "resources:\n- ..\n"})
    assert "cycle detected" in _error(root).message


def test_component_listed_as_resource(tree):
    root = tree({
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        "kustomization.yaml": "resources:\n- comp\n",
    })
    assert "expected kind != 'Component'" in _error(root).message


def test_kustomization_listed_as_component(tree):
    root = tree({"base/kustomization.yaml": "resources: []\n", "kustomization.yaml": "components:\n- base\n"})
    assert "expected kind 'Component'" in _error(root).message


def test_helm_charts_are_never_pulled(tree):
    root = tree({"kustomization.yaml": "helmCharts:\n- name: nginx\n  repo: https://charts.example\n"})
    assert "kubeplan never pulls from https://charts.example" in _error(root).message


def test_exec_plugins_are_refused(tree):
    root = tree({
        "kustomization.yaml": "transformers:\n- plugin.yaml\n",
        "plugin.yaml": "apiVersion: example.com/v1\nkind: RunAScript\nmetadata:\n  name: x\n",
    })
    assert "kubeplan runs only kustomize's built-in plugins" in _error(root).message


def test_unknown_kustomization_field(tree):
    root = tree({"kustomization.yaml": "resourcez:\n- a.yaml\n"})
    err = _error(root)
    assert 'unknown field "resourcez"' in err.message and err.line == 1


def test_ambiguous_name_reference(tree):
    sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n"
    root = tree({
        "a/kustomization.yaml": "namespace: a\nresources:\n- sa.yaml\n",
        "a/sa.yaml": sa,
        "b/kustomization.yaml": "namespace: b\nresources:\n- sa.yaml\n",
        "b/sa.yaml": sa,
        "kustomization.yaml": "resources:\n- a\n- b\n- binding.yaml\n",
        "binding.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: x\n"
        "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: r\nsubjects:\n- kind: ServiceAccount\n  name: sa\n",
    })
    assert "found multiple possible referrals" in _error(root).message


def test_duplicate_var_names(tree):
    var = "vars:\n- name: V\n  objref: {apiVersion: v1, kind: ConfigMap, name: %s}\n"
    root = tree({
        "a/kustomization.yaml": "resources:\n- cm.yaml\n" + var % "a",
        "a/cm.yaml": CM.format(name="a"),
        "b/kustomization.yaml": "resources:\n- cm.yaml\n" + var % "b",
        "b/cm.yaml": CM.format(name="b"),
        "kustomization.yaml": "resources:\n- a\n- b\n",
    })
    assert "var 'V' already encountered" in _error(root).message


def test_cli_prints_one_line_and_exits_2(tree):
    root = tree({"kustomization.yaml": "resources:\n- missing.yaml\n"})
    proc = subprocess.run(
        [sys.executable, "-m", "kubeplan", "render", root], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "missing.yaml" in proc.stderr
