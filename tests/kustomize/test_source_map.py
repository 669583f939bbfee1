"""Every rendered object knows the file and line it came from, and fields set by a patch
or a generator point at the kustomization part that set them."""

import os

from conftest import case_dir
from kubeplan.renderer.kustomize import build


def _by_name(result, kind, name):
    return next(o for o in result.objects if o.kind == kind and o.name == name)


def test_resource_fields_point_at_base_file_lines():
    result = build(case_dir("overlay_prefix_namespace_labels"))
    dep = _by_name(result, "Deployment", "prod-web-v2")
    loc = dep.locate(("spec", "template", "spec", "containers", 0, "image"))
    assert loc.file.endswith(os.path.join("base", "deployment.yaml"))
    assert loc.line == 20


def test_patched_field_points_at_patch_file():
    result = build(case_dir("patches_all_kinds"))
    dep = _by_name(result, "Deployment", "web")
    loc = dep.locate(("spec", "template", "spec", "containers"))
    assert loc.note == "patch"
    assert loc.file.endswith("kustomization.yaml") or loc.file.endswith("more-memory.yaml")
    untouched = dep.locate(("metadata", "labels", "app"))
    assert untouched.file.endswith(os.path.join("base", "deployment.yaml"))


def test_generated_object_points_at_its_generator():
    result = build(case_dir("build_metadata_and_local_config"))
    cm = next(o for o in result.objects if o.kind == "ConfigMap")
    loc = cm.locate(("data", "a"))
    assert loc.note == "configMapGenerator"
    assert loc.file.endswith("kustomization.yaml")
    assert loc.line == 7
