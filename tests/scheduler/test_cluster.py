import pytest
import yaml

from kubeplan.dryrun.cluster import Cluster
from kubeplan.errors import KubeplanError
from kubeplan.model.loading import load_paths
from sched_helpers import node, pod


def test_kubectl_list_output_is_indexed(tmp_path):
    running = pod("run", node_name="a")
    done = pod("done", node_name="a")
    done["status"]["phase"] = "Succeeded"
    pending = pod("pending")
    items = [
        node("a"), running, done, pending,
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team", "labels": {"tier": "1"}}},
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000},
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb", "namespace": "default"}, "spec": {}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ignored"}},
    ]
    path = tmp_path / "snapshot.yaml"
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
    cluster = Cluster.from_objects(load_paths([str(path)]).objects)
    assert [n["metadata"]["name"] for n in cluster.nodes] == ["a"]
    assert [p["metadata"]["name"] for p in cluster.pods] == ["run"]  # terminal pods free their node
    assert [p["metadata"]["name"] for p in cluster.pending_pods] == ["pending"]
    assert cluster.namespace_labels() == {"team": {"tier": "1"}}
    assert len(cluster.priority_classes) == 1 and len(cluster.pdbs) == 1


def test_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(yaml.safe_dump_all([node("a"), node("a")]))
    with pytest.raises(KubeplanError) as err:
        Cluster.from_objects(load_paths([str(path)]).objects)
    assert "dup.yaml" in str(err.value) and "defined twice" in str(err.value)
    bad = node("b")
    bad["metadata"]["labels"] = ["not", "a", "map"]
    with pytest.raises(KubeplanError):
        Cluster.from_objects([bad])


def test_kubectl_list_items_keep_their_lines(tmp_path):
    from kubeplan.dryrun.cluster import load_cluster_files

    path = tmp_path / "snap.yaml"
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [node("a"), node("b")]}) + "---\n" + yaml.safe_dump(node("c")))
    objects = load_cluster_files([str(path)])
    assert [o.name for o in objects] == ["a", "b", "c"]
    lines = [o.locate().line for o in objects]
    assert lines[0] < lines[1] and all(lines)
    assert objects[1].locate(("status", "allocatable", "cpu")).line > lines[1]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [node("a"), {"metadata": {}}]}))
    with pytest.raises(KubeplanError) as err:
        load_cluster_files([str(bad)])
    assert "bad.yaml" in str(err.value) and "item 1" in str(err.value)
