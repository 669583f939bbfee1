import pytest

from kubeplan.dryrun.scheduler.config import parse_config
from sched_helpers import node, placement, plan, pod


def config(strategy):
    return parse_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": strategy}}]}],
    })


def scores(p, plugin):
    return {n: s[plugin] for n, s in p.explain["score"].items()}


def test_filter_reasons_in_upstream_order():
    cluster = [node("a", cpu="1", memory="1Gi", pods="1"), pod("e", node_name="a", cpu="500m")]
    p = placement(plan([pod("x", cpu="1", memory="2Gi")], cluster), "x")
    assert p.explain["filter"]["a"]["NodeResourcesFit"] == "Too many pods, Insufficient cpu, Insufficient memory"


def test_init_sidecar_and_overhead_requests():
    init = [{"name": "init", "image": "busybox", "resources": {"requests": {"cpu": "3"}}}]
    sidecar = [{"name": "proxy", "image": "envoy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}}]
    cluster = [node("a", cpu="3")]
    # init containers set a floor (3 cpu), they do not add up with the app container
    assert placement(plan([pod("x", cpu="1", initContainers=init)], cluster), "x").node == "a"
    # a sidecar runs alongside: 1 (app) + 1 (sidecar) = 2, and the init floor is 3 + 1 (sidecar started before it? no: after)
    assert placement(plan([pod("y", cpu="2", initContainers=sidecar)], cluster), "y").node == "a"
    assert placement(plan([pod("z", cpu="2500m", initContainers=sidecar)], cluster), "z").node is None
    assert placement(plan([pod("o", cpu="2500m", overhead={"cpu": "600m"})], cluster), "o").node is None


def test_extended_resources_and_ignored_groups():
    gpu = {"name": "app", "image": "cuda", "resources": {"requests": {"example.com/gpu": "2"}, "limits": {"example.com/gpu": "2"}}}
    cluster = [node("a", **{"example.com/gpu": "1"})]
    p = placement(plan([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "namespace": "default"}, "spec": {"containers": [gpu]}}], cluster), "x")
    assert p.explain["filter"]["a"]["NodeResourcesFit"] == "Insufficient example.com/gpu"
    ignore = parse_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"ignoredResourceGroups": ["example.com"]}}]}],
    })
    p = placement(plan([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "namespace": "default"}, "spec": {"containers": [gpu]}}], cluster, ignore), "x")
    assert p.node == "a"


def test_least_allocated_uses_nonzero_defaults():
    cluster = [node("a", cpu="1", memory="1000Mi"), node("b", cpu="1", memory="1000Mi"), pod("e", node_name="a")]
    p = placement(plan([pod("x")], cluster), "x")
    # a: cpu (1000-200)/1000 = 80, memory (1000-400)/1000 = 60 -> 70; b: 90, 80 -> 85
    assert scores(p, "NodeResourcesFit") == {"a": 70, "b": 85}
    assert p.node == "b"


def test_most_allocated():
    cluster = [node("a", cpu="4", memory="4Gi"), node("b", cpu="4", memory="4Gi"), pod("e", node_name="a", cpu="2", memory="1Gi")]
    p = placement(plan([pod("x", cpu="1", memory="1Gi")], cluster, config({"type": "MostAllocated"})), "x")
    # a: cpu 3/4=75, memory 2/4=50 -> 62; b: 25, 25 -> 25
    assert scores(p, "NodeResourcesFit") == {"a": 62, "b": 25}
    assert p.node == "a"


def test_requested_to_capacity_ratio_shape():
    strategy = {
        "type": "RequestedToCapacityRatio",
        "resources": [{"name": "cpu", "weight": 1}],
        "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]},
    }
    cluster = [node("a", cpu="4"), node("b", cpu="4"), pod("e", node_name="a", cpu="2", memory="0")]
    p = placement(plan([pod("x", cpu="1", memory="0")], cluster, config(strategy)), "x")
    # a: 75% used -> 100 + (0-100)*75/100 = 25; b: 25% -> 75
    assert scores(p, "NodeResourcesFit") == {"a": 25, "b": 75}


@pytest.mark.parametrize("cpu,memory,expected", [("2", "0", {"a": 50, "b": 75}), ("1", "2Gi", {"a": 100, "b": 87})])
def test_balanced_allocation(cpu, memory, expected):
    cluster = [node("a", cpu="2", memory="4Gi"), node("b", cpu="4", memory="4Gi")]
    p = placement(plan([pod("x", cpu=cpu, memory=memory)], cluster), "x")
    assert scores(p, "NodeResourcesBalancedAllocation") == expected


def test_balanced_allocation_skips_best_effort_pods():
    cluster = [node("a", cpu="2"), node("b", cpu="4")]
    p = placement(plan([pod("x", cpu="0", memory="0")], cluster), "x")
    assert scores(p, "NodeResourcesBalancedAllocation") == {"a": 0, "b": 0}
