import pytest

from kubeplan.dryrun.scheduler.config import parse_config
from sched_helpers import node, placement, plan, pod

REASON = "node(s) didn't match Pod's node affinity/selector"


def affinity(required=None, preferred=None):
    na = {}
    if required is not None:
        na["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": required}
    if preferred is not None:
        na["preferredDuringSchedulingIgnoredDuringExecution"] = preferred
    return {"nodeAffinity": na}


@pytest.mark.parametrize(
    "terms,expected",
    [
        ([{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}], ["n1"]),
        ([{"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}], ["n2", "n3"]),
        ([{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}], ["n2"]),
        ([{"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}], ["n1", "n3"]),
        ([{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["8"]}]}], ["n3"]),
        ([{"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["8"]}]}], ["n1"]),
        ([{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}], ["n1", "n2"]),
        ([{}], []),  # an empty term matches nothing
        ([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n3"]}]}], ["n3"]),
    ],
)
def test_required_terms(terms, expected):
    cluster = [
        node("n1", labels={"zone": "a", "cores": "4"}),
        node("n2", labels={"zone": "b", "gpu": "1", "cores": "8"}),
        node("n3", labels={"zone": "c", "cores": "16"}),
    ]
    p = placement(plan([pod("x", cpu="0", memory="0", affinity=affinity(terms))], cluster), "x")
    feasible = sorted(n for n, row in p.explain["filter"].items() if all(v == "passed" for v in row.values()))
    assert feasible == expected
    for name, row in p.explain["filter"].items():
        if name not in expected:
            assert row["NodeAffinity"] == REASON


def test_node_selector_and_preferred_scores():
    cluster = [node("n1", labels={"disk": "ssd", "zone": "a"}), node("n2", labels={"disk": "ssd", "zone": "b"}), node("n3", labels={"disk": "hdd"})]
    preferred = [
        {"weight": 5, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}},
        {"weight": 2, "preference": {"matchExpressions": [{"key": "zone", "operator": "Exists"}]}},
    ]
    p = placement(plan([pod("x", cpu="0", memory="0", nodeSelector={"disk": "ssd"}, affinity=affinity(preferred=preferred))], cluster), "x")
    assert p.explain["filter"]["n3"]["NodeAffinity"] == REASON
    assert {n: s["NodeAffinity"] for n, s in p.explain["score"].items()} == {"n1": 100, "n2": 28}
    assert p.node == "n1"


def test_added_affinity_from_scheduler_config():
    config = parse_config({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"pluginConfig": [{"name": "NodeAffinity", "args": {"addedAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "pool", "operator": "In", "values": ["apps"]}]}]}}}}]}],
    })
    cluster = [node("n1", labels={"pool": "apps"}), node("n2", labels={"pool": "system"})]
    p = placement(plan([pod("x")], cluster, config), "x")
    assert p.node == "n1"
    assert p.explain["filter"]["n2"]["NodeAffinity"] == "node(s) didn't match scheduler-enforced node affinity"
