from sched_helpers import node, placement, plan, pod

REASON = "node(s) didn't match pod topology spread constraints"


def spread(key, when="DoNotSchedule", skew=1, **extra):
    return {"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": when, "labelSelector": {"matchLabels": {"app": "web"}}, **extra}


def zones(*names):
    return [node(f"n-{z}", labels={"zone": z}) for z in names]


def test_hard_constraint_filters_skewed_domains():
    cluster = zones("a", "b") + [pod(f"e{i}", node_name="n-a", labels={"app": "web"}) for i in range(2)]
    p = placement(plan([pod("x", labels={"app": "web"}, topologySpreadConstraints=[spread("zone")])], cluster), "x")
    assert p.explain["filter"]["n-a"]["PodTopologySpread"] == REASON
    assert p.node == "n-b"


def test_missing_topology_label_is_unresolvable():
    cluster = zones("a") + [node("bare")]
    p = placement(plan([pod("x", labels={"app": "web"}, topologySpreadConstraints=[spread("zone")])], cluster), "x")
    assert p.explain["filter"]["bare"]["PodTopologySpread"] == REASON + " (missing required label)"


def test_min_domains_treats_global_minimum_as_zero():
    cluster = zones("a", "b") + [pod("e1", node_name="n-a", labels={"app": "web"}), pod("e2", node_name="n-b", labels={"app": "web"})]
    c = spread("zone", minDomains=3)
    p = placement(plan([pod("x", labels={"app": "web"}, topologySpreadConstraints=[c])], cluster), "x")
    # each zone has 1, min is taken as 0 (2 < 3 domains): 1 + 1 - 0 > 1 everywhere
    assert p.node is None
    assert "2 node(s) didn't match pod topology spread constraints" in p.message


def test_replicas_spread_evenly_within_one_plan():
    pods = [pod(f"w{i}", labels={"app": "web"}, cpu="0", memory="0", topologySpreadConstraints=[spread("zone")]) for i in range(6)]
    result = plan(pods, zones("a", "b", "c"))
    placed = [placement(result, f"w{i}").node for i in range(6)]
    assert sorted(placed) == ["n-a", "n-a", "n-b", "n-b", "n-c", "n-c"]


def test_soft_constraint_scores():
    cluster = [node(f"n{i}") for i in range(3)] + [
        pod("e1", node_name="n0", labels={"app": "web"}),
        pod("e2", node_name="n0", labels={"app": "web"}),
        pod("e3", node_name="n1", labels={"app": "web"}),
    ]
    p = placement(plan([pod("x", cpu="0", memory="0", labels={"app": "web"}, topologySpreadConstraints=[spread("kubernetes.io/hostname", "ScheduleAnyway")])], cluster), "x")
    # raw = count * ln(3 + 2): n0 2*1.609=3, n1 2, n2 0 -> 100*(3+0-s)/3
    assert {n: s["PodTopologySpread"] for n, s in p.explain["score"].items()} == {"n0": 0, "n1": 33, "n2": 100}
    assert p.node == "n2"


def test_node_taints_policy_honor_excludes_tainted_domains():
    taint = [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}]
    cluster = [node("n-a", labels={"zone": "a"}), node("n-b", labels={"zone": "b"}), node("n-c", labels={"zone": "c"}, taints=taint)]
    cluster += [pod("e1", node_name="n-a", labels={"app": "web"}), pod("e2", node_name="n-b", labels={"app": "web"})]
    ignore = placement(plan([pod("x", labels={"app": "web"}, topologySpreadConstraints=[spread("zone")])], cluster), "x")
    # zone c (empty) makes the minimum 0, so a and b are too skewed; c is tainted
    assert ignore.node is None
    honor = placement(plan([pod("x", labels={"app": "web"}, topologySpreadConstraints=[spread("zone", nodeTaintsPolicy="Honor")])], cluster), "x")
    assert honor.node in ("n-a", "n-b")


def test_default_constraints_use_the_service_selector():
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"selector": {"app": "web"}}}
    cluster = [node("n0"), node("n1"), service, pod("e1", node_name="n0", labels={"app": "web"})]
    p = placement(plan([pod("x", cpu="0", memory="0", labels={"app": "web"})], cluster), "x")
    # hostname maxSkew 3: n0 round(1*ln(4)+2)=3, n1 round(2)=2 -> 100*(3+2-s)/3
    assert {n: s["PodTopologySpread"] for n, s in p.explain["score"].items()} == {"n0": 66, "n1": 100}
    lonely = placement(plan([pod("y", cpu="0", memory="0", labels={"app": "other"})], cluster), "y")
    assert {n: s["PodTopologySpread"] for n, s in lonely.explain["score"].items()} == {"n0": 0, "n1": 0}
