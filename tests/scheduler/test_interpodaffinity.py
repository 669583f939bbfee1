import pytest
from sched_helpers import node, placement, plan, pod

from kubeplan.errors import KubeplanError


def term(labels, key="zone", **extra):
    return {"labelSelector": {"matchLabels": labels}, "topologyKey": key, **extra}


def cluster():
    return [
        node("a1", labels={"zone": "a"}), node("a2", labels={"zone": "a"}), node("b1", labels={"zone": "b"}),
        pod("db", node_name="a1", labels={"app": "db"}),
    ]


def feasible(p):
    return sorted(n for n, row in p.explain["filter"].items() if all(v == "passed" for v in row.values()))


def test_required_affinity_follows_the_domain():
    p = placement(plan([pod("x", affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"})]}})], cluster()), "x")
    assert feasible(p) == ["a1", "a2"]
    assert p.explain["filter"]["b1"]["InterPodAffinity"] == "node(s) didn't match pod affinity rules"


def test_first_pod_of_a_self_affine_series_is_allowed():
    aff = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "cache"})]}}
    p = placement(plan([pod("x", labels={"app": "cache"}, affinity=aff)], cluster()), "x")
    assert feasible(p) == ["a1", "a2", "b1"]
    other = placement(plan([pod("y", labels={"app": "web"}, affinity=aff)], cluster()), "y")
    assert other.node is None


def test_required_anti_affinity_and_symmetry():
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"})]}}
    p = placement(plan([pod("x", affinity=anti)], cluster()), "x")
    assert feasible(p) == ["b1"]
    assert p.explain["filter"]["a2"]["InterPodAffinity"] == "node(s) didn't match pod anti-affinity rules"
    guarded = cluster() + [pod("guard", node_name="b1", labels={"app": "guard"}, affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "web"})]}})]
    p = placement(plan([pod("w", labels={"app": "web"})], guarded), "w")
    assert feasible(p) == ["a1", "a2"]
    assert p.explain["filter"]["b1"]["InterPodAffinity"] == "node(s) didn't satisfy existing pods anti-affinity rules"


def test_namespaces_and_namespace_selector():
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "data", "labels": {"team": "data"}}}
    objs = [node("a1", labels={"zone": "a"}), node("b1", labels={"zone": "b"}), ns, pod("db", node_name="a1", labels={"app": "db"}, namespace="data")]
    same_ns = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"})]}}
    assert placement(plan([pod("x", affinity=same_ns)], objs), "x").node is None  # the term looks in "default" only
    by_name = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"}, namespaces=["data"])]}}
    assert placement(plan([pod("x", affinity=by_name)], objs), "x").node == "a1"
    by_label = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "db"}, namespaceSelector={"matchLabels": {"team": "data"}})]}}
    assert placement(plan([pod("x", affinity=by_label)], objs), "x").node == "a1"


def test_preferred_terms_score_min_max_normalised():
    pref = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "podAffinityTerm": term({"app": "db"})}]}}
    p = placement(plan([pod("x", cpu="0", memory="0", affinity=pref)], cluster()), "x")
    assert {n: s["InterPodAffinity"] for n, s in p.explain["score"].items()} == {"a1": 0, "a2": 0, "b1": 100}
    assert p.node == "b1"


def test_anti_affinity_replicas_one_per_node():
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term({"app": "web"}, "kubernetes.io/hostname")]}}
    pods = [pod(f"w{i}", labels={"app": "web"}, affinity=anti) for i in range(4)]
    result = plan(pods, cluster())
    nodes = [placement(result, f"w{i}").node for i in range(4)]
    assert sorted(n for n in nodes if n) == ["a1", "a2", "b1"]
    assert nodes.count(None) == 1


def test_a_selector_the_api_server_rejects_is_named():
    # values: 7 used to surface as "'int' object is not iterable"
    bad = {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": 7}]}, "topologyKey": "zone"}
    with pytest.raises(KubeplanError, match=r"invalid affinity: values must be a list of strings \(key app\)"):
        plan([pod("x", affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [bad]}})], cluster())
