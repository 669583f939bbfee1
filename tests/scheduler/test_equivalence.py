"""The vectorised scheduler against a straightforward per-node implementation of the
same upstream formulas, on random clusters: every placement must be identical."""

import random

import pytest

from sched_helpers import node, placement, plan, pod

TAINTS = [
    None,
    [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}],
    [{"key": "spot", "value": "", "effect": "PreferNoSchedule"}],
]


def reference(nodes, existing, incoming, to_find=None):
    """Filter (unschedulable, taints, nodeSelector, resources) and score (taints,
    LeastAllocated, BalancedAllocation), ties to the first node evaluated; with
    ``to_find``, the search stops after that many feasible nodes and the next pod starts
    where it stopped (percentageOfNodesToScore)."""
    order = [n["metadata"]["name"] for n in nodes]
    start = 0
    state = {}
    for n in nodes:
        name = n["metadata"]["name"]
        a = n["status"]["allocatable"]
        state[name] = {"cpu": int(a["cpu"]) * 1000, "mem": int(a["memory"]), "pods": int(a["pods"]),
                       "rcpu": 0, "rmem": 0, "nzcpu": 0, "nzmem": 0, "count": 0, "node": n}

    def add(name, cpu, mem):
        s = state[name]
        s["rcpu"] += cpu
        s["rmem"] += mem
        s["nzcpu"] += cpu if cpu is not None else 100
        s["nzmem"] += mem if mem is not None else 200 * 1024 * 1024
        s["count"] += 1

    for e in existing:
        add(e["node"], e["cpu"], e["mem"])
    out = []
    for p in incoming:
        cpu, mem, tolerate, selector = p["cpu"], p["mem"], p["tolerate"], p["selector"]
        feasible = []
        processed = len(order)
        for pos in range(len(order)):
            name = order[(start + pos) % len(order)]
            s = state[name]
            n = s["node"]
            if n["spec"].get("unschedulable") and not tolerate:
                continue
            hard = [t for t in n["spec"].get("taints") or [] if t["effect"] in ("NoSchedule", "NoExecute")]
            if hard and not tolerate:
                continue
            if selector and n["metadata"]["labels"].get("pool") != selector:
                continue
            if s["count"] + 1 > s["pods"] or cpu > s["cpu"] - s["rcpu"] or mem > s["mem"] - s["rmem"]:
                continue
            if to_find is not None and len(feasible) == to_find:
                processed = pos  # the node that would have been one too many is not counted
                break
            feasible.append(name)
        start = (start + processed) % len(order)
        if not feasible:
            out.append(None)
            continue
        if len(feasible) == 1:
            add(feasible[0], cpu, mem)
            out.append(feasible[0])
            continue
        # an Exists toleration without effect tolerates PreferNoSchedule taints too
        soft = {n: 0 if tolerate else sum(1 for t in state[n]["node"]["spec"].get("taints") or [] if t["effect"] == "PreferNoSchedule") for n in feasible}
        top = max(soft.values())
        totals = {}
        for n in feasible:
            s = state[n]
            taint = 100 if top == 0 else 100 - 100 * soft[n] // top
            fit = 0
            for alloc, req in ((s["cpu"], s["nzcpu"] + cpu), (s["mem"], s["nzmem"] + mem)):
                fit += 0 if req > alloc else (alloc - req) * 100 // alloc
            fit //= 2
            balanced = 0
            if cpu or mem:
                f1 = min((s["rcpu"] + cpu) / s["cpu"], 1.0)
                f2 = min((s["rmem"] + mem) / s["mem"], 1.0)
                balanced = int((1 - abs((f1 - f2) / 2)) * 100)
            totals[n] = 3 * taint + fit + balanced  # PTS, IPA, NodeAffinity, ImageLocality: not in play
        best = max(totals.values())
        chosen = next(n for n in feasible if totals[n] == best)
        add(chosen, cpu, mem)
        out.append(chosen)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_random_clusters_match_the_reference(seed):
    rng = random.Random(seed)
    nodes = []
    for i in range(rng.randint(3, 40)):
        nodes.append(node(
            f"n{i:02d}", cpu=str(rng.choice([2, 4, 8])), memory=str(rng.choice([4, 8, 16]) * 2**30), pods=str(rng.choice([3, 10, 110])),
            labels={"pool": rng.choice(["a", "b"])}, taints=rng.choice(TAINTS), unschedulable=rng.random() < 0.1,
        ))
    existing, objs = [], list(nodes)
    for i in range(rng.randint(0, 60)):
        target = rng.choice(nodes)["metadata"]["name"]
        cpu, mem = rng.choice([0, 100, 500, 1000]), rng.choice([0, 2**28, 2**30])
        existing.append({"node": target, "cpu": cpu, "mem": mem})
        objs.append(pod(f"e{i}", cpu=f"{cpu}m", memory=str(mem), node_name=target))
    nodes_in_tree_order = nodes  # no zone labels: one zone, input order
    incoming, pods = [], []
    for i in range(40):
        cpu, mem = rng.choice([0, 100, 250, 1000, 3000]), rng.choice([0, 2**27, 2**29, 2**31])
        tolerate, selector = rng.random() < 0.3, rng.choice([None, None, "a", "b"])
        incoming.append({"cpu": cpu, "mem": mem, "tolerate": tolerate, "selector": selector})
        spec = {}
        if tolerate:
            spec["tolerations"] = [{"operator": "Exists"}]
        if selector:
            spec["nodeSelector"] = {"pool": selector}
        pods.append(pod(f"x{i:02d}", cpu=f"{cpu}m", memory=str(mem), **spec))
    result = plan(pods, objs, explain=False)
    got = [placement(result, f"x{i:02d}").node for i in range(40)]
    assert got == reference(nodes_in_tree_order, existing, incoming)


@pytest.mark.parametrize("seed", range(3))
def test_large_clusters_search_a_share_of_the_nodes(seed):
    # 300 nodes: kube-scheduler looks for max(300 * (50 - 300 // 125) / 100, 100) = 144
    # feasible nodes per pod, starting where the previous search stopped
    rng = random.Random(100 + seed)
    nodes = [node(f"n{i:03d}", cpu=str(rng.choice([2, 4])), memory=str(8 * 2**30), pods="110",
                  taints=rng.choice(TAINTS), labels={"pool": rng.choice(["a", "b"])}) for i in range(300)]
    incoming, pods = [], []
    for i in range(25):
        cpu = rng.choice([100, 500, 1500])
        incoming.append({"cpu": cpu, "mem": 2**28, "tolerate": False, "selector": None})
        pods.append(pod(f"x{i:02d}", cpu=f"{cpu}m", memory=str(2**28)))
    result = plan(pods, nodes, explain=False)
    got = [placement(result, f"x{i:02d}").node for i in range(25)]
    assert got == reference(nodes, [], incoming, to_find=144)
