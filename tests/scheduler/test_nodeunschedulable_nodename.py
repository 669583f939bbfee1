from sched_helpers import node, placement, plan, pod


def test_unschedulable_node_is_filtered_unless_tolerated():
    cluster = [node("a", unschedulable=True), node("b")]
    p = placement(plan([pod("x")], cluster), "x")
    assert p.node == "b"
    assert p.explain["filter"]["a"]["NodeUnschedulable"] == "node(s) were unschedulable"
    tolerant = pod("y", tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}])
    p = placement(plan([tolerant], [node("a", unschedulable=True)]), "y")
    assert p.node == "a"


def test_node_name_must_match():
    cluster = [node("a"), node("b")]
    p = placement(plan([pod("x", node_name="b")], cluster), "x")
    assert p.node == "b"
    assert p.explain["filter"]["a"]["NodeName"] == "node(s) didn't match the requested node name"
    p = placement(plan([pod("x", node_name="zzz")], cluster), "x")
    assert p.node is None
    assert p.message.startswith("0/2 nodes are available: 2 node(s) didn't match the requested node name.")
