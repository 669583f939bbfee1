import numpy as np

from kubeplan.dryrun.scheduler.framework import Status, UNSCHEDULABLE
from kubeplan.dryrun.scheduler.scheduler import Scheduler, fit_error_message
from sched_helpers import node, placement, plan, pod


def test_fit_error_histogram_sorted_as_strings():
    statuses = {i: Status(UNSCHEDULABLE, ["Insufficient cpu"]) for i in range(10)}
    statuses[10] = Status(UNSCHEDULABLE, ["Insufficient memory"])
    statuses[11] = Status(UNSCHEDULABLE, ["Insufficient memory"])
    # "10 ..." sorts before "2 ..." (sort.Strings on the formatted entries)
    assert fit_error_message(12, statuses) == "0/12 nodes are available: 10 Insufficient cpu, 2 Insufficient memory."


def test_num_feasible_nodes_to_find():
    class P:
        percentage_of_nodes_to_score = None

    s = Scheduler.__new__(Scheduler)
    s.profile = P()
    assert s.num_feasible_nodes_to_find(99) == 99
    assert s.num_feasible_nodes_to_find(100) == 100  # 50 - 0 = 50% -> 50, raised to 100
    assert s.num_feasible_nodes_to_find(1000) == 420  # 50 - 8 = 42%
    assert s.num_feasible_nodes_to_find(5000) == 500  # 50 - 40 = 10%
    assert s.num_feasible_nodes_to_find(10000) == 500  # max(50 - 80, 5) = 5%
    P.percentage_of_nodes_to_score = 1
    assert s.num_feasible_nodes_to_find(5000) == 100


def test_search_resumes_where_the_previous_pod_stopped():
    # 200 nodes: 100 feasible nodes are looked for; the next pod starts after the
    # last node the previous search examined
    nodes = [node(f"n{i:03d}") for i in range(200)]
    pods = [pod(f"x{i}", cpu="0", memory="0") for i in range(3)]
    result = plan(pods, nodes, explain=True)
    first = sorted(placement(result, "x0").explain["filter"])
    second = sorted(placement(result, "x1").explain["filter"])
    assert first == [f"n{i:03d}" for i in range(100)]
    assert second == [f"n{i:03d}" for i in range(100, 200)]


def test_ties_go_to_the_first_node_evaluated_or_a_seeded_choice():
    nodes = [node(f"n{i}") for i in range(5)]
    result = plan([pod("x", cpu="0", memory="0")], nodes)
    assert placement(result, "x").node == "n0"
    picks = {placement(plan([pod("x", cpu="0", memory="0")], nodes, seed=s), "x").node for s in range(20)}
    assert len(picks) > 1
    again = [placement(plan([pod("x", cpu="0", memory="0")], nodes, seed=7), "x").node for _ in range(3)]
    assert len(set(again)) == 1


def test_node_tree_order_interleaves_zones():
    from kubeplan.dryrun.scheduler.snapshot import node_tree_order

    nodes = [node("a1", labels={"topology.kubernetes.io/zone": "a"}), node("a2", labels={"topology.kubernetes.io/zone": "a"}),
             node("b1", labels={"topology.kubernetes.io/zone": "b"})]
    assert [n["metadata"]["name"] for n in node_tree_order(nodes)] == ["a1", "b1", "a2"]


def test_single_feasible_node_is_not_scored():
    p = placement(plan([pod("x", node_name="b")], [node("a"), node("b")]), "x")
    assert p.node == "b" and p.explain["score"] == {}


def test_label_ids_vectors():
    from kubeplan.dryrun.scheduler.snapshot import Snapshot

    snap = Snapshot([node("a", labels={"zone": "z1"}), node("b"), node("c", labels={"zone": "z1"})])
    ids, values = snap.label_ids("zone")
    assert values == ["z1"] and ids.tolist() == [0, -1, 0]
    assert isinstance(ids, np.ndarray)


def test_bulk_snapshot_load_equals_one_by_one():
    import random

    from kubeplan.dryrun.scheduler.podinfo import pod_info
    from kubeplan.dryrun.scheduler.snapshot import Snapshot

    rng = random.Random(5)
    nodes = [node(f"n{i}") for i in range(7)]
    pods = []
    for i in range(60):
        spec = {}
        if rng.random() < 0.2:
            spec["ports"] = [{"containerPort": 80 + i, "hostPort": 80 + i}]
        if rng.random() < 0.2:
            spec["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "a"}}, "topologyKey": "kubernetes.io/hostname"}]}}
        target = f"n{rng.randrange(7)}"
        extra = {"example.com/gpu": "1"} if rng.random() < 0.2 else {}
        p = pod(f"p{i}", cpu=rng.choice([None, "100m", "1"]), memory=rng.choice([None, "1Gi"]), node_name=target, labels={"app": rng.choice("ab")}, **spec)
        if extra:
            p["spec"]["containers"][0].setdefault("resources", {}).setdefault("requests", {}).update(extra)
        pods.append(p)
    one, bulk = Snapshot(nodes), Snapshot(nodes)
    for seq, p in enumerate(pods):
        one.add_pod(pod_info(p, {}, seq, one.templates, bound=True), one.index[p["spec"]["nodeName"]])
    bulk.add_pods([(pod_info(p, {}, seq, bulk.templates, bound=True), bulk.index[p["spec"]["nodeName"]]) for seq, p in enumerate(pods)])
    for resource in one.requested:
        assert one.requested[resource].tolist() == bulk.requested[resource].tolist()
    assert one.nonzero_cpu.tolist() == bulk.nonzero_cpu.tolist()
    assert one.nonzero_memory.tolist() == bulk.nonzero_memory.tolist()
    assert one.pod_count.tolist() == bulk.pod_count.tolist()
    assert sorted(one.ports) == sorted(bulk.ports)
    assert sorted(one.anti_groups) == sorted(bulk.anti_groups)
