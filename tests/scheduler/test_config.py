import pytest

from kubeplan.dryrun.scheduler.config import default_config, parse_config
from kubeplan.errors import KubeplanError

BASE = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration"}


def test_default_profile_order_and_weights():
    profile = default_config().profiles[0]
    assert [n for n, _ in profile.points["filter"]] == [
        "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit",
        "VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity",
    ]
    assert profile.points["score"] == [
        ("TaintToleration", 3), ("NodeAffinity", 2), ("NodeResourcesFit", 1), ("PodTopologySpread", 2),
        ("InterPodAffinity", 2), ("NodeResourcesBalancedAllocation", 1), ("ImageLocality", 1),
    ]
    assert profile.points["postFilter"] == [("DefaultPreemption", None)]


def test_disable_and_reweight():
    cfg = parse_config({**BASE, "profiles": [{"plugins": {
        "score": {"disabled": [{"name": "ImageLocality"}], "enabled": [{"name": "NodeResourcesFit", "weight": 5}]},
        "multiPoint": {"disabled": [{"name": "NodePorts"}]},
    }}]})
    points = cfg.profiles[0].points
    assert ("NodeResourcesFit", 5) in points["score"]
    assert all(n != "ImageLocality" for n, _ in points["score"])
    assert all(n != "NodePorts" for n, _ in points["filter"])


def test_plugin_args_merge_defaults():
    cfg = parse_config({**BASE, "percentageOfNodesToScore": 30, "profiles": [{"pluginConfig": [
        {"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}},
        {"name": "InterPodAffinity", "args": {"hardPodAffinityWeight": 7}},
    ]}]})
    args = cfg.profiles[0].args
    assert args["NodeResourcesFit"]["scoringStrategy"]["resources"] == [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
    assert args["InterPodAffinity"]["hardPodAffinityWeight"] == 7
    assert cfg.percentage_of_nodes_to_score == 30


@pytest.mark.parametrize(
    "doc,needle",
    [
        ({"apiVersion": "kubescheduler.config.k8s.io/v1beta3", "kind": "KubeSchedulerConfiguration"}, "expected apiVersion"),
        ({**BASE, "percentageOfNodesToScore": 101}, "between 0 and 100"),
        ({**BASE, "profiles": [{"plugins": {"filter": {"enabled": [{"name": "NoSuchPlugin"}]}}}]}, "unknown plugin"),
        ({**BASE, "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "Random"}}}]}]}, "unsupported value"),
        ({**BASE, "profiles": [{"pluginConfig": [{"name": "InterPodAffinity", "args": {"hardPodAffinityWeight": 101}}]}]}, "valid range"),
        ({**BASE, "profiles": [{"pluginConfig": [{"name": "PodTopologySpread", "args": {"defaultConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]}}]}]}, "defaultingType is System"),
        ({**BASE, "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "RequestedToCapacityRatio"}}}]}]}, "at least one point"),
        ({**BASE, "profiles": [{}, {}]}, "duplicate profile"),
    ],
)
def test_invalid_configs_are_user_errors(doc, needle):
    with pytest.raises(KubeplanError) as err:
        parse_config(doc)
    assert needle in str(err.value)


def test_pods_go_to_the_profile_named_by_scheduler_name():
    from sched_helpers import node, placement, plan, pod

    cfg = parse_config({**BASE, "profiles": [
        {"schedulerName": "default-scheduler"},
        {"schedulerName": "bin-packer", "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]},
    ]})
    cluster = [node("a"), node("b"), pod("e", node_name="b", cpu="2")]
    spread = pod("spread", cpu="1")
    packed = pod("packed", cpu="1", schedulerName="bin-packer")
    result = plan([spread, packed], cluster, cfg)
    fit = {name: {n: s["NodeResourcesFit"] for n, s in placement(result, name).explain["score"].items()} for name in ("spread", "packed")}
    assert fit["spread"]["a"] > fit["spread"]["b"]  # LeastAllocated
    assert fit["packed"]["b"] > fit["packed"]["a"]  # MostAllocated
