import pytest

from kubeplan.dryrun.cluster import Cluster
from kubeplan.dryrun.defaults import default_cluster, node_pool
from kubeplan.errors import KubeplanError


def _labels(node):
    return node["metadata"]["labels"]


def test_default_cluster_shape():
    objects = default_cluster()
    cluster = Cluster.from_objects(objects)
    names = [n["metadata"]["name"] for n in cluster.nodes]
    assert names == ["worker-1", "worker-2", "worker-3", "control-plane-1"]
    zones = [_labels(n)["topology.kubernetes.io/zone"] for n in cluster.nodes]
    assert zones == ["zone-a", "zone-b", "zone-c", "zone-a"]
    for node in cluster.nodes:
        labels = _labels(node)
        assert labels["kubernetes.io/hostname"] == node["metadata"]["name"]
        assert labels["kubernetes.io/os"] == "linux" and labels["kubernetes.io/arch"] == "amd64"
        assert labels["topology.kubernetes.io/region"] == "region-1"
        assert {"type": "Ready", "status": "True"} in node["status"]["conditions"]
        assert set(node["status"]["allocatable"]) == {"cpu", "memory", "ephemeral-storage", "pods"}
    control_plane = cluster.nodes[3]
    assert control_plane["spec"]["taints"] == [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    assert "node-role.kubernetes.io/control-plane" in _labels(control_plane)
    assert [ns["metadata"]["name"] for ns in cluster.namespaces] == ["default", "kube-system", "kube-public", "kube-node-lease"]
    [storage] = cluster.storage_classes
    assert storage["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert storage["volumeBindingMode"] == "WaitForFirstConsumer"


def test_default_cluster_is_a_fresh_copy():
    first = default_cluster()
    first[0]["metadata"]["labels"]["x"] = "y"
    assert "x" not in default_cluster()[0]["metadata"]["labels"]


def test_pool_full_syntax():
    nodes = node_pool("3x cpu=8,memory=32Gi,pods=58,nvidia.com/gpu=1 zone=a,b label=pool=gpu,team=ml "
                      "taint=gpu=true:NoSchedule,dedicated:NoExecute name=gpu region=eu instance-type=g5 arch=arm64")
    assert [n["metadata"]["name"] for n in nodes] == ["gpu-1", "gpu-2", "gpu-3"]
    assert [_labels(n)["topology.kubernetes.io/zone"] for n in nodes] == ["a", "b", "a"]
    node = nodes[0]
    assert node["status"]["allocatable"] == {
        "cpu": "8", "memory": "32Gi", "ephemeral-storage": "100Gi", "pods": "58", "nvidia.com/gpu": "1",
    }
    assert node["status"]["capacity"] == node["status"]["allocatable"]
    labels = _labels(node)
    assert labels["pool"] == "gpu" and labels["team"] == "ml"
    assert labels["topology.kubernetes.io/region"] == "eu"
    assert labels["node.kubernetes.io/instance-type"] == "g5"
    assert labels["kubernetes.io/arch"] == "arm64"
    assert node["spec"]["taints"] == [
        {"key": "gpu", "value": "true", "effect": "NoSchedule"},
        {"key": "dedicated", "effect": "NoExecute"},
    ]


def test_pool_defaults():
    [node] = node_pool("cpu=2")
    assert node["metadata"]["name"] == "pool-1"
    assert node["status"]["allocatable"] == {"cpu": "2", "memory": "16Gi", "ephemeral-storage": "100Gi", "pods": "110"}
    assert "topology.kubernetes.io/zone" not in _labels(node)
    assert node["spec"] == {}
    assert len(node_pool("5")) == 5 and len(node_pool("2x")) == 2


def test_pool_unschedulable():
    [node] = node_pool("1x unschedulable=true")
    assert node["spec"]["unschedulable"] is True


@pytest.mark.parametrize(
    "spec, words",
    [
        ("", "is empty"),
        ("0x cpu=1", "node count"),
        ("3x cpu", "is not key=value"),
        ("cpu=four", "'four' is not a quantity"),
        ("cpu=-1", "must not be negative"),
        ("pods=1.5", "whole number"),
        ("CPU=1", "'CPU' is neither an option"),
        ("taint=gpu=true", "key[=value]:Effect"),
        ("taint=gpu:Sometimes", "key[=value]:Effect"),
        ("label=bad key=v", "'key' is neither an option"),
        ("label=-bad=v", "not a valid label key"),
        ("name=Bad_Name", "DNS label"),
        ("zone=", "needs a value"),
        ("unschedulable=yes", "true or false"),
    ],
)
def test_pool_errors(spec, words):
    with pytest.raises(KubeplanError) as err:
        node_pool(spec)
    assert words in err.value.message
    assert "Synthetic node pools" in err.value.message
