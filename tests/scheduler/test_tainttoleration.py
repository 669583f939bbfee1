from sched_helpers import node, placement, plan, pod

CP = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


def test_untolerated_noschedule_taint_message():
    cluster = [node("cp", taints=[CP]), node("w1", cpu="1"), node("w2", cpu="1")]
    p = placement(plan([pod("x", cpu="2")], cluster), "x")
    assert p.node is None
    assert p.message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )


def test_toleration_operators():
    taint = {"key": "dedicated", "value": "db", "effect": "NoSchedule"}
    ok = [
        [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}],
        [{"key": "dedicated", "operator": "Exists"}],
        [{"operator": "Exists"}],
    ]
    bad = [
        [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
        [{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}],
    ]
    for tolerations in ok:
        assert placement(plan([pod("x", tolerations=tolerations)], [node("a", taints=[taint])]), "x").node == "a"
    for tolerations in bad:
        assert placement(plan([pod("x", tolerations=tolerations)], [node("a", taints=[taint])]), "x").node is None


def test_prefer_no_schedule_scores_reversed():
    soft = {"key": "foo", "value": "bar", "effect": "PreferNoSchedule"}
    cluster = [node("a", taints=[soft]), node("b"), node("c", taints=[soft, {"key": "x", "value": "", "effect": "PreferNoSchedule"}])]
    p = placement(plan([pod("x", cpu="0", memory="0")], cluster), "x")
    scores = {n: s["TaintToleration"] for n, s in p.explain["score"].items()}
    assert scores == {"a": 50, "b": 100, "c": 0}
    assert p.node == "b"
