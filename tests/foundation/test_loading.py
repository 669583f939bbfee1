"""Reading files, directories and streams into objects; nothing is dropped silently."""

import os

from kubeplan.model.loading import LoadResult, load_paths, load_text
from kubeplan.model.objects import format_path


def test_directory_is_read_recursively_in_sorted_order(fixtures):
    result = load_paths([os.path.join(fixtures, "valid")])
    names = [os.path.basename(f) for f in result.files]
    assert names == sorted(names)
    kinds = [o.kind for o in result.objects]
    assert "Deployment" in kinds and "PodDisruptionBudget" in kinds  # List items expanded
    assert not result.findings


def test_identity_and_source_map(fixtures):
    result = load_paths([os.path.join(fixtures, "valid", "app.yaml")])
    dep = next(o for o in result.objects if o.kind == "Deployment")
    assert (dep.group, dep.version, dep.namespace, dep.name) == ("apps", "v1", "demo", "api")
    assert dep.source.doc_index == 2  # Namespace, ServiceAccount, Deployment
    loc = dep.locate(("spec", "template", "spec", "containers", 0, "image"))
    assert loc.line == 30 and loc.column == 11
    # a path that does not exist points at its nearest ancestor
    assert dep.locate(("spec", "template", "spec", "containers", 0, "nothere")).line == 29


def test_list_items_keep_their_own_positions(fixtures):
    result = load_paths([os.path.join(fixtures, "valid", "list.json")])
    pdb = result.objects[1]
    assert pdb.kind == "PodDisruptionBudget"
    assert pdb.locate(("spec", "minAvailable")).line == 7


def test_bom_and_crlf_files(fixtures):
    result = load_paths([os.path.join(fixtures, "valid", "bom.yaml"), os.path.join(fixtures, "valid", "crlf.yml")])
    assert [o.name for o in result.objects] == ["bom", "crlf"]
    assert result.objects[1].locate(("data", "key")).line == 7


def test_bad_documents_are_findings_not_silence():
    result = LoadResult()
    load_text("- a\n---\n42\n---\nkind: Service\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n", "x.yaml", result)
    assert [o.name for o in result.objects] == ["ok"]
    rules = [(f.rule, f.location.line) for f in result.findings]
    assert rules == [("invalid-object", 1), ("invalid-object", 3), ("invalid-object", 5)]
    assert result.invalid_objects == 3


def test_binary_non_utf8_and_too_large_files(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.yaml").write_bytes(b"a: 1\nname: caf\xe9\n")
    (tmp_path / "big.yaml").write_text("a: b\n" * 1000)
    result = load_paths([str(tmp_path)], max_file_size=1000)
    found = {os.path.basename(f.location.file): (f.rule, f.location.line) for f in result.findings}
    assert found == {"bin.yaml": ("invalid-file", 1), "latin1.yaml": ("invalid-file", 2), "big.yaml": ("file-too-large", 0)}


def test_a_broken_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.yaml").write_text("a: [\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
    result = load_paths([str(tmp_path)])
    assert [o.name for o in result.objects] == ["b"]
    assert result.findings[0].rule == "yaml-syntax"


def test_exclude_globs(tmp_path):
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: skip}\n")
    (tmp_path / "y.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep}\n")
    result = load_paths([str(tmp_path)], exclude=["vendor/**"], base=str(tmp_path))
    assert [o.name for o in result.objects] == ["keep"]


def test_format_path():
    assert format_path(("spec", "containers", 1, "image")) == "spec.containers[1].image"
    assert format_path(("metadata", "labels", "app.kubernetes.io/name")) == 'metadata.labels["app.kubernetes.io/name"]'


def test_a_large_list_loads_in_one_pass(tmp_path):
    """kubectl get -o yaml prints one List; splitting its positions per item must not rescan
    the whole document for every item (it once took minutes for 4,000 items)."""
    items = "".join(f"  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: c{i}\n    data:\n      a: x\n" for i in range(3000))
    path = tmp_path / "list.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n" + items)
    result = load_paths([str(path)])
    assert len(result.objects) == 3000
    assert result.objects[-1].locate(("data", "a")).line == 3 + 6 * 2999 + 6
    assert result.objects[-1].locate().line == 3 + 6 * 2999 + 1
