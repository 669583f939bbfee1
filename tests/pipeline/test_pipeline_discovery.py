"""Discovery: which units a repository root, a file or a directory become."""

import os

import pytest
from pipeline_helpers import REPO, copy_repo, write

from kubeplan.errors import KubeplanError
from kubeplan.pipeline.discovery import Unit, discover, parse_shard, shard


def rel(path):
    return os.path.relpath(path, REPO).replace(os.sep, "/")


def summary(units):
    out = []
    for unit in units:
        if unit.kind == "manifests":
            out.append(("manifests", tuple(rel(f) for f in unit.files)))
        else:
            out.append((unit.kind, rel(unit.path)))
    return out


def test_repository_root_renders_each_chart_and_top_overlay_once():
    found = discover([REPO])
    assert summary(found.units) == [
        ("chart", "charts/web"),
        ("kustomize", "kustomize/overlays/prod"),
        # not the chart's templates, not the base's resources or generator input,
        # not the component's patch, not the hidden .github folder
        ("manifests", ("plain/configmap.yaml", "plain/good.yaml")),
    ]
    notes = "\n".join(found.notes)
    assert "kustomize/base: built through the kustomizations that use it" in notes
    assert "deployment.yaml: read by a kustomization" in notes
    assert "settings.yaml: read by a kustomization" in notes
    assert "patch.yaml: read by a kustomization" in notes


def test_a_base_alone_is_built_on_its_own():
    found = discover([os.path.join(REPO, "kustomize", "base")])
    assert summary(found.units) == [("kustomize", "kustomize/base")]


def test_unused_component_is_not_built(tmp_path):
    repo = copy_repo(tmp_path)
    found = discover([str(repo / "kustomize" / "components")])
    assert found.units == []
    assert any("used by no kustomization" in note for note in found.notes)


def test_a_file_inside_a_chart_stands_for_the_chart():
    template = os.path.join(REPO, "charts", "web", "templates", "deployment.yaml")
    values = os.path.join(REPO, "charts", "web", "values.yaml")
    found = discover([template, values])
    assert summary(found.units) == [("chart", "charts/web")]


def test_subchart_renders_with_its_parent(tmp_path):
    repo = copy_repo(tmp_path)
    write(repo, "charts/web/charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n")
    write(repo, "charts/web/charts/sub/templates/cm.yaml", "kind: ConfigMap\n")
    found = discover([str(repo)])
    assert [u.path for u in found.units if u.kind == "chart"] == [str(repo / "charts" / "web")]
    inner = discover([str(repo / "charts/web/charts/sub/templates/cm.yaml")])
    assert [(u.kind, u.path) for u in inner.units] == [("chart", str(repo / "charts" / "web"))]


def test_a_kustomization_file_stands_for_its_directory():
    found = discover([os.path.join(REPO, "kustomize", "overlays", "prod", "kustomization.yaml")])
    assert summary(found.units) == [("kustomize", "kustomize/overlays/prod")]


def test_plain_files_claimed_only_by_kustomizations_of_the_run():
    # given alone, a base resource is a plain manifest
    base_file = os.path.join(REPO, "kustomize", "base", "deployment.yaml")
    assert summary(discover([base_file]).units) == [("manifests", ("kustomize/base/deployment.yaml",))]
    # given with the overlay that reads it, it is linted through the overlay only
    overlay = os.path.join(REPO, "kustomize", "overlays", "prod")
    assert summary(discover([overlay, base_file]).units) == [("kustomize", "kustomize/overlays/prod")]


def test_exclude_globs_remove_files_and_directories():
    found = discover([REPO], exclude=("charts/**", "*/good.yaml"), base=REPO)
    assert summary(found.units) == [
        ("kustomize", "kustomize/overlays/prod"),
        ("manifests", ("plain/configmap.yaml",)),
    ]
    found = discover([REPO], exclude=("kustomize",), base=REPO)
    assert [u.kind for u in found.units] == ["chart", "manifests"]


def test_relative_paths_stay_relative(monkeypatch):
    monkeypatch.chdir(os.path.dirname(REPO))
    found = discover(["repo"])
    assert [u.path for u in found.units if u.kind != "manifests"] == [
        os.path.join("repo", "charts", "web"),
        os.path.join("repo", "kustomize", "overlays", "prod"),
    ]
    assert found.units[-1].files == (os.path.join("repo", "plain", "configmap.yaml"), os.path.join("repo", "plain", "good.yaml"))


def test_stdin_and_missing_paths():
    assert discover(["-"]).units == [Unit("manifests", files=("-",))]
    with pytest.raises(KubeplanError, match="no such file"):
        discover([os.path.join(REPO, "nope")])


def test_unreadable_kustomization_claims_nothing(tmp_path):
    write(tmp_path, "k/kustomization.yaml", "resources: [a.yaml\n")
    write(tmp_path, "k/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    found = discover([str(tmp_path)])
    # the build reports the broken kustomization; its files stay visible as plain manifests
    assert [u.kind for u in found.units] == ["kustomize", "manifests"]


def test_shards_partition_the_inputs_deterministically():
    units = discover([REPO]).units
    items = set()
    for total in (1, 2, 3, 5):
        seen = []
        for index in range(1, total + 1):
            part = shard(units, index, total)
            assert part == shard(units, index, total)
            for unit in part:
                seen.extend([("manifests", f) for f in unit.files] if unit.kind == "manifests" else [(unit.kind, unit.path)])
        assert len(seen) == len(set(seen)) == 4
        items = items or set(seen)
        assert set(seen) == items


@pytest.mark.parametrize("text", ["", "1", "0/2", "3/2", "a/b", "1/0"])
def test_bad_shard_spec(text):
    with pytest.raises(KubeplanError, match="--shard"):
        parse_shard(text)


def test_good_shard_spec():
    assert parse_shard("2/4") == (2, 4)
