"""Strict schema validation against the shipped Kubernetes schemas and CRD schemas."""

import os

import jsonschema
import pytest

from kubeplan.errors import KubeplanError
from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext, lint
from kubeplan.linter.schema import SchemaSet, normalize_version, supported_versions
from kubeplan.model.loading import LoadResult, load_paths, load_text

SCHEMA_ONLY = ("kubeplan.linter.schema",)


def lint_text(text, **options):
    result = LoadResult()
    load_text(text, "t.yaml", result)
    return lint(LintContext(result.objects, Config(), options), result.findings, families=SCHEMA_ONLY).findings


def test_valid_objects_of_many_kinds_pass(fixtures):
    loaded = load_paths([os.path.join(fixtures, "valid")])
    out = lint(LintContext(loaded.objects, Config(), {}), loaded.findings, families=SCHEMA_ONLY)
    assert out.findings == []


def test_each_mistake_is_found_at_its_line(fixtures):
    loaded = load_paths([os.path.join(fixtures, "invalid", "mistakes.yaml")])
    out = lint(LintContext(loaded.objects, Config(), {}), loaded.findings, families=SCHEMA_ONLY)
    got = [(f.rule, f.location.line, f.path) for f in out.findings]
    assert got == [
        ("schema-type", 6, "spec.replicas"),
        ("schema-unknown-field", 16, "spec.template.spec.containers[0].imagePullPolcy"),
        ("schema-type", 19, "spec.template.spec.containers[0].env[0].value"),
        ("schema-required", 20, "spec.template.spec.containers[1]"),
    ]
    bool_finding = out.findings[2]
    assert "expected string, got boolean (true)" in bool_finding.message and "quote it" in bool_finding.message
    assert out.findings[3].message == 'missing required field "name" in spec.template.spec.containers[1]'


def test_integral_float_is_an_integer_as_json_sees_it():
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 2.0\n  selector: {}\n  template: {}\n"
    assert lint_text(text) == []


def test_removed_api_version_names_the_replacement():
    (finding,) = lint_text("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: a}\n")
    assert finding.rule == "schema-unknown-version"
    assert "use apps/v1" in finding.message


def test_unknown_kind_is_reported_as_info_not_skipped():
    (finding,) = lint_text("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: a}\n")
    assert (finding.rule, finding.severity) == ("schema-missing", "info")


def test_crd_in_the_input_gives_a_schema(fixtures):
    loaded = load_paths([os.path.join(fixtures, "valid", "crd-and-cr.yaml")])
    out = lint(LintContext(loaded.objects, Config(), {}), loaded.findings, families=SCHEMA_ONLY)
    assert out.findings == []


def test_crd_given_with_option(fixtures):
    loaded = load_paths([os.path.join(fixtures, "invalid", "widget.yaml")])
    ctx = LintContext(loaded.objects, Config(), {"crds": (os.path.join(fixtures, "widget-crd.yaml"),)})
    got = sorted((f.rule, f.path) for f in lint(ctx, (), families=SCHEMA_ONLY).findings)
    assert got == [("schema-enum", "spec.color"), ("schema-required", "spec"), ("schema-unknown-field", "spec.weight")]


def test_kube_version_selects_the_schema():
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: b}]\n  resources: {}\n"
    # Pod-level resources exist from 1.32 on; older schemas reject the field
    assert [f.rule for f in lint_text(text, kube_version="1.31")] == ["schema-unknown-field"]
    assert lint_text(text, kube_version="v1.33.1") == []


def test_version_parsing_and_errors():
    assert normalize_version(None) == supported_versions()[-1]
    assert normalize_version("v1.30.4") == "1.30"
    assert "1.29" in supported_versions()
    with pytest.raises(KubeplanError, match="no schemas for Kubernetes 1.2"):
        normalize_version("1.2")
    with pytest.raises(KubeplanError, match="not a version"):
        normalize_version("latest-ish")


@pytest.mark.parametrize(
    "obj",
    [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": "80"}]}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"a": 1}}},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"}, "spec": {"serviceName": "x"}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "image": "b"}]}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"template": {"spec": {"containers": "no"}}}},
    ],
)
def test_verdicts_agree_with_the_reference_validator(obj):
    """jsonschema (pure Python) is the reference; the compiled path must give the same verdict."""
    schemas = SchemaSet(supported_versions()[-1])
    name = schemas.gvk_index[(obj["apiVersion"].rpartition("/")[0], obj["apiVersion"].rpartition("/")[2], obj["kind"])]
    defs = schemas.definitions
    reference_schema = {"$ref": f"#/$defs/{name}", "$defs": defs["$defs"]}
    import json

    text = json.dumps(reference_schema).replace('"/api/_definitions.json#/$defs/', '"#/$defs/')
    reference = jsonschema.Draft202012Validator(json.loads(text))
    fast = schemas.validator(*(obj["apiVersion"].rpartition("/")[0], obj["apiVersion"].rpartition("/")[2], obj["kind"]))
    assert fast.is_valid(obj) == reference.is_valid(obj)
    assert sorted(tuple(e.instance_path) for e in fast.iter_errors(obj)) == sorted(
        tuple(e.absolute_path) for e in reference.iter_errors(obj)
    ) or not reference.is_valid(obj)
