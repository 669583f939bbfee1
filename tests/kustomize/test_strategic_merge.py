"""Strategic merge patches: every fixture in ``smp_fixtures/`` holds an object, a patch and
what ``kubectl kustomize`` (Kustomize v5.5) printed for them; a few are re-checked against a
live kubectl when one is installed."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.strategic_merge import MergeSchema, merge_patch

FIXTURES = Path(__file__).parent / "smp_fixtures"
CASES = sorted(p.stem for p in FIXTURES.glob("*.yaml"))


def load_case(name: str) -> dict:
    return yaml.load((FIXTURES / f"{name}.yaml").read_text(), Loader=yaml.CSafeLoader)


def gvk_of(obj: dict) -> tuple[str, str, str]:
    api_version = obj.get("apiVersion", "")
    group, _, version = api_version.rpartition("/")
    return group, version, obj.get("kind", "")


def schema_for(case: dict) -> MergeSchema:
    schema = MergeSchema.default()
    if case.get("openapi"):
        schema = schema.with_openapi(str(FIXTURES / case["openapi"]))
    return schema


def apply(case: dict):
    original, patch = case["original"], case["patch"]
    return merge_patch(original, patch, schema_for(case), gvk_of(original))


def test_fixture_set_covers_every_feature():
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", CASES)
def test_fixture_matches_kustomize(name):
    case = load_case(name)
    if "error" in case:
        with pytest.raises(KubeplanError) as info:
            apply(case)
        assert case["error"] in str(info.value)
        return
    result = apply(case)
    # lists compare in order, mappings regardless of key order (kustomize sorts them)
    assert result == case["expected"]


@pytest.mark.parametrize("name", ["service-ports", "no-key-in-dest", "env-delete", "directives"])
def test_inputs_are_left_alone(name):
    case = load_case(name)
    before = copy.deepcopy(case)
    apply(case)
    assert case == before


def test_result_shares_nothing_with_the_inputs():
    case = load_case("container-replace")
    result = apply(case)
    result["spec"]["template"]["spec"]["containers"][0]["image"] = "mutated"
    result["metadata"]["labels"]["a"] = "mutated"
    assert case["patch"]["spec"]["template"]["spec"]["containers"][0]["image"] == "only"
    assert case["original"]["metadata"]["labels"]["a"] == "1"


def test_deterministic_output():
    case = load_case("service-ports")
    first = json.dumps(apply(case))
    for _ in range(3):
        assert json.dumps(apply(case)) == first


# --- field order: kyaml keeps the object's keys in place and appends new ones sorted ---


def test_field_order_keeps_original_and_appends_new_keys_sorted():
    original = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"z": "1", "a": "2"}}
    patch = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"m": "3", "b": "4", "z": "9"}}
    result = merge_patch(original, patch, MergeSchema.default(), ("", "v1", "ConfigMap"))
    assert list(result["data"].items()) == [("z", "9"), ("a", "2"), ("b", "4"), ("m", "3")]
    assert list(result) == ["apiVersion", "kind", "metadata", "data"]


# --- lists: the schema decides ---


def deployment(containers, **spec):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": containers, **spec}}},
    }


def containers_of(obj):
    return obj["spec"]["template"]["spec"]["containers"]


def test_new_items_from_the_patch_come_first():
    original = deployment([{"name": "a", "image": "a"}])
    patch = deployment([{"name": "b", "image": "b"}, {"name": "a", "image": "a2"}])
    result = merge_patch(original, patch, MergeSchema.default(), ("apps", "v1", "Deployment"))
    assert containers_of(result) == [{"name": "b", "image": "b"}, {"name": "a", "image": "a2"}]


def test_unknown_kind_merges_maps_and_replaces_lists():
    original = {"apiVersion": "x.example/v1", "kind": "Thing", "metadata": {"name": "t"},
                "spec": {"keep": 1, "items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]}}
    patch = {"apiVersion": "x.example/v1", "kind": "Thing", "metadata": {"name": "t"},
             "spec": {"items": [{"name": "b", "v": 3}]}}
    result = merge_patch(original, patch, MergeSchema.default(), ("x.example", "v1", "Thing"))
    assert result["spec"] == {"keep": 1, "items": [{"name": "b", "v": 3}]}


def test_merge_keys_come_from_the_kubernetes_schema():
    schema = MergeSchema.default()
    deployment_schema = schema.for_type("apps/v1", "Deployment")
    pod_spec = schema.field(schema.field(schema.field(deployment_schema, "spec"), "template"), "spec")
    containers = schema.field(pod_spec, "containers")
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    ports = schema.field(schema.elements(containers), "ports")
    assert ports["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"]
    assert schema.field(pod_spec, "tolerations").get("x-kubernetes-patch-strategy") is None


def test_kustomize_schema_age_is_respected():
    schema = MergeSchema.default()
    # served by kustomize's built-in Kubernetes v1.21 schema, gone from newer ones
    assert schema.for_type("batch/v1beta1", "CronJob") is not None
    assert schema.for_type("policy/v1beta1", "PodSecurityPolicy") is not None
    # newer than kustomize's schema: no merge keys at all
    assert schema.for_type("autoscaling/v2", "HorizontalPodAutoscaler") is None
    # versions kustomize never knew
    assert schema.for_type("apps/v1beta1", "Deployment") is None


def test_schema_is_loaded_once():
    assert MergeSchema.default() is MergeSchema.default()


# --- schema sources: openapi and crds fields ---


def test_openapi_version_field_keeps_the_builtin_schema():
    assert MergeSchema.default().with_openapi({"version": "v1.21.2"}) is MergeSchema.default()


def test_openapi_unknown_version_is_an_error():
    with pytest.raises(KubeplanError, match="the specified OpenAPI version is not built in"):
        MergeSchema.default().with_openapi({"version": "v1.20.0"})


def test_openapi_path_and_version_together_is_an_error():
    with pytest.raises(KubeplanError, match="builtin version and custom schema provided, cannot use both"):
        MergeSchema.default().with_openapi({"version": "v1.21.2", "path": "x.json"})


def test_openapi_from_dict_and_yaml_file_agree(tmp_path):
    document = json.loads((FIXTURES / "widget_schema.json").read_text())
    yaml_file = tmp_path / "schema.yaml"
    yaml_file.write_text(yaml.safe_dump(document))
    case = load_case("custom-schema-merges-by-id")
    for schema in (MergeSchema.default().with_openapi(document), MergeSchema.default().with_openapi(str(yaml_file))):
        assert merge_patch(case["original"], case["patch"], schema, gvk_of(case["original"])) == case["expected"]


def test_openapi_bad_file_is_a_user_error(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(KubeplanError) as info:
        MergeSchema.default().with_openapi(str(broken))
    assert info.value.file == str(broken)
    with pytest.raises(KubeplanError):
        MergeSchema.default().with_openapi(str(tmp_path / "missing.json"))
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(KubeplanError):
        MergeSchema.default().with_openapi(str(listing))


def test_crds_field_does_not_change_merges():
    # kustomize reads `crds:` for name references only (checked against kubectl kustomize)
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "things.x.example"},
           "spec": {"group": "x.example", "names": {"kind": "Thing", "plural": "things"},
                    "versions": [{"name": "v1", "schema": {"openAPIV3Schema": {"properties": {"spec": {"properties": {
                        "items": {"type": "array", "x-kubernetes-patch-strategy": "merge",
                                  "x-kubernetes-patch-merge-key": "name"}}}}}}}]}}
    schema = MergeSchema.default().with_crds([crd])
    original = {"apiVersion": "x.example/v1", "kind": "Thing", "metadata": {"name": "t"},
                "spec": {"items": [{"name": "a"}, {"name": "b"}]}}
    patch = {"apiVersion": "x.example/v1", "kind": "Thing", "metadata": {"name": "t"},
             "spec": {"items": [{"name": "c"}]}}
    assert merge_patch(original, patch, schema, ("x.example", "v1", "Thing"))["spec"]["items"] == [{"name": "c"}]


# --- errors are user errors ---


@pytest.mark.parametrize(
    "patch_spec, message",
    [
        ({"template": {"spec": {"containers": {"a": "b"}}}}, "expected SequenceNode but got MappingNode"),
        ({"template": 3}, "expected MappingNode but got ScalarNode"),
        ({"template": {"spec": {"$patch": "sideways"}}}, "unknown patch strategy 'sideways'"),
        ({"template": {"spec": {"containers": [{"$patch": "sideways"}]}}}, "unknown patch strategy 'sideways'"),
    ],
)
def test_malformed_patches_are_user_errors(patch_spec, message):
    original = deployment([{"name": "a", "image": "a"}])
    patch = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": patch_spec}
    with pytest.raises(KubeplanError, match=message):
        merge_patch(original, patch, MergeSchema.default(), ("apps", "v1", "Deployment"))


def test_non_mapping_patch_is_a_user_error():
    with pytest.raises(KubeplanError):
        merge_patch(deployment([]), ["not", "a", "map"], MergeSchema.default(), ("apps", "v1", "Deployment"))


def test_deep_nesting_does_not_crash():
    original = {"apiVersion": "x.example/v1", "kind": "Deep", "metadata": {"name": "d"}}
    patch = {"apiVersion": "x.example/v1", "kind": "Deep", "metadata": {"name": "d"}}
    node_o, node_p = original, patch
    for _ in range(200):
        node_o["n"] = {}
        node_p["n"] = {}
        node_o, node_p = node_o["n"], node_p["n"]
    node_p["leaf"] = 1
    result = merge_patch(original, patch, MergeSchema.default(), ("x.example", "v1", "Deep"))
    node = result
    for _ in range(200):
        node = node["n"]
    assert node == {"leaf": 1}


# --- the oracle itself, where kubectl is installed ---

ORACLE_CASES = ["service-ports", "no-key-in-patch", "port-no-proto", "volume-swap-with-null",
                "custom-schema-list-map-keys", "null-elements", "str-over-int", "top-delete"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("name", ORACLE_CASES)
def test_against_kubectl_kustomize(name, tmp_path):
    case = load_case(name)
    (tmp_path / "object.yaml").write_text(yaml.safe_dump(case["original"]))
    (tmp_path / "patch.yaml").write_text(yaml.safe_dump(case["patch"]))
    kustomization = "resources:\n- object.yaml\npatches:\n- path: patch.yaml\n"
    if case.get("openapi"):
        shutil.copy(FIXTURES / case["openapi"], tmp_path / case["openapi"])
        kustomization += f"openapi:\n  path: {case['openapi']}\n"
    (tmp_path / "kustomization.yaml").write_text(kustomization)
    env = dict(os.environ, KUBECONFIG=os.devnull)
    proc = subprocess.run(["kubectl", "kustomize", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    result = apply(case)
    assert docs == ([] if result is None else [result])


def test_absurd_nesting_is_a_user_error_not_a_crash():
    original = {"apiVersion": "x.example/v1", "kind": "Deep", "metadata": {"name": "d"}}
    patch = {"apiVersion": "x.example/v1", "kind": "Deep", "metadata": {"name": "d"}}
    node_o, node_p = original, patch
    for _ in range(5000):
        node_o["n"] = {}
        node_p["n"] = {}
        node_o, node_p = node_o["n"], node_p["n"]
    with pytest.raises(KubeplanError, match="nests too deeply"):
        merge_patch(original, patch, MergeSchema.default(), ("x.example", "v1", "Deep"))
