from sched_helpers import node, placement, plan, pod, priority_classes


def base():
    return [
        node("node1", cpu="2"), node("node2", cpu="2"),
        pod("p1", cpu="1", node_name="node1", priority=1, labels={"app": "a"}),
        pod("p2", cpu="1", node_name="node1", priority=2, labels={"app": "a"}),
        pod("p3", cpu="2", node_name="node2", priority=3, labels={"app": "b"}),
    ] + priority_classes(0, 1, 2, 3, 10)


def test_fewest_and_lowest_priority_victims():
    p = placement(plan([pod("hi", cpu="1", priority=10)], base()), "hi")
    assert p.nominated_node == "node1"
    assert p.victims == [{"namespace": "default", "name": "p1"}]  # p2 is reprieved
    assert p.node == "node1"
    assert p.message == "0/2 nodes are available: 2 Insufficient cpu."


def test_pdb_violations_steer_the_choice():
    pdb = {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "a", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "a"}}}, "status": {"disruptionsAllowed": 0},
    }
    p = placement(plan([pod("hi", cpu="2", priority=10)], base() + [pdb]), "hi")
    # node1 would evict two PDB-protected pods; node2 one unprotected pod
    assert p.nominated_node == "node2"
    assert p.victims == [{"namespace": "default", "name": "p3"}]


def test_no_lower_priority_pods():
    p = placement(plan([pod("lo", cpu="1", priority=0)], base()), "lo")
    assert p.node is None and p.victims == []
    assert p.message == (
        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: "
        "2 No preemption victims found for incoming pod."
    )


def test_request_above_allocatable_is_not_helped_by_preemption():
    p = placement(plan([pod("big", cpu="3", priority=10)], base()), "big")
    assert p.message.endswith("preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")


def test_preemption_policy_never():
    pc = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "polite"}, "value": 10, "preemptionPolicy": "Never"}
    hi = pod("hi", cpu="1")
    hi["spec"]["priorityClassName"] = "polite"
    p = placement(plan([hi], base() + [pc]), "hi")
    assert p.node is None
    assert p.message == "0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."


def test_unresolvable_filters_rule_out_preemption():
    objs = base() + [node("node3", cpu="8", taints=[{"key": "gpu", "value": "", "effect": "NoSchedule"}])]
    sel = {"key": "disk", "operator": "In", "values": ["ssd"]}
    p = placement(plan([pod("hi", cpu="3", priority=10, affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [sel]}]}}})], objs), "hi")
    assert p.message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {gpu: }, 2 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )


def test_victims_removed_but_another_filter_still_fails():
    port = {"containerPort": 80, "hostPort": 80}
    objs = [node("node1", cpu="2"), pod("low", cpu="2", node_name="node1", priority=1),
            pod("keeper", cpu="0", node_name="node1", priority=20, ports=[port])] + priority_classes(1, 10, 20)
    p = placement(plan([pod("hi", cpu="1", priority=10, ports=[port])], objs), "hi")
    assert p.victims == []
    assert p.message == (
        "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. "
        "preemption: 0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
    )


def test_explain_shows_the_cycle_that_led_to_preemption():
    p = placement(plan([pod("hi", cpu="1", priority=10)], base()), "hi")
    assert p.node == "node1"
    feasible = [n for n, row in p.explain["filter"].items() if all(v == "passed" for v in row.values())]
    assert feasible == []
    assert p.explain["filter"]["node1"]["NodeResourcesFit"] == "Insufficient cpu"
