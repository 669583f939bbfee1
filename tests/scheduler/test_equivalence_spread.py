"""PodTopologySpread, vectorised, against a direct transcription of the upstream per-node
loops (filtering.go / scoring.go) on random clusters."""

import math
import random

import pytest

from sched_helpers import node, placement, plan, pod

ZONE = "topology.kubernetes.io/zone"
HOST = "kubernetes.io/hostname"


def matches(selector, labels):
    key, values = selector
    return key in labels and (values is None or labels[key] in values)


def reference(nodes, pods_on, incoming_labels, constraints, feasible):
    """(filter verdict per node, normalized score per feasible node)."""
    def count(name, sel):
        return sum(1 for p in pods_on.get(name, []) if p["ns"] == "default" and matches(sel, p["labels"]))

    hard = [c for c in constraints if c["when"] == "DoNotSchedule"]
    verdict = {}
    if hard:
        pair_counts = [dict() for _ in hard]
        for n in nodes:
            labels = n["labels"]
            if not all(c["key"] in labels for c in hard):
                continue
            for i, c in enumerate(hard):
                v = labels[c["key"]]
                pair_counts[i][v] = pair_counts[i].get(v, 0) + count(n["name"], c["sel"])
        for n in nodes:
            labels = n["labels"]
            ok = True
            for i, c in enumerate(hard):
                if c["key"] not in labels:
                    ok = "missing"
                    break
                min_match = min(pair_counts[i].values()) if pair_counts[i] else 2**31 - 1
                self_match = 1 if matches(c["sel"], incoming_labels) else 0
                if pair_counts[i].get(labels[c["key"]], 0) + self_match - min_match > c["skew"]:
                    ok = False
                    break
            verdict[n["name"]] = ok
    soft = [c for c in constraints if c["when"] == "ScheduleAnyway"]
    scores = {}
    if soft and len(feasible) > 1:
        by_name = {n["name"]: n for n in nodes}
        ignored = {f for f in feasible if not all(c["key"] in by_name[f]["labels"] for c in soft)}
        topo = [dict() for _ in soft]
        for f in feasible:
            if f in ignored:
                continue
            for i, c in enumerate(soft):
                if c["key"] != HOST:
                    topo[i].setdefault(by_name[f]["labels"][c["key"]], 0)
        weights = []
        for i, c in enumerate(soft):
            size = len(feasible) - len(ignored) if c["key"] == HOST else len(topo[i])
            weights.append(math.log(size + 2))
        for n in nodes:
            if not all(c["key"] in n["labels"] for c in soft):
                continue
            for i, c in enumerate(soft):
                v = n["labels"][c["key"]]
                if v in topo[i]:
                    topo[i][v] += count(n["name"], c["sel"])
        raw = {}
        for f in feasible:
            if f in ignored:
                raw[f] = 0
                continue
            s = 0.0
            for i, c in enumerate(soft):
                labels = by_name[f]["labels"]
                if c["key"] in labels:
                    cnt = count(f, c["sel"]) if c["key"] == HOST else topo[i][labels[c["key"]]]
                    s += cnt * weights[i] + (c["skew"] - 1)
            raw[f] = math.floor(s + 0.5)
        considered = [raw[f] for f in feasible if f not in ignored]
        lo, hi = (min(considered), max(considered)) if considered else (0, 0)
        for f in feasible:
            if f in ignored:
                scores[f] = 0
            elif hi == 0:
                scores[f] = 100
            else:
                scores[f] = 100 * (hi + lo - raw[f]) // hi
    return verdict, scores


@pytest.mark.parametrize("seed", range(12))
def test_random_spread_matches_the_reference(seed):
    rng = random.Random(seed)
    nodes, objs = [], []
    for i in range(rng.randint(2, 12)):
        labels = {}
        if rng.random() < 0.85:
            labels[ZONE] = rng.choice(["z1", "z2", "z3"])
        name = f"n{i}"
        objs.append(node(name, labels=labels))
        all_labels = {HOST: name, **labels}
        if rng.random() < 0.1:
            del all_labels[HOST]
            objs[-1]["metadata"]["labels"].pop(HOST)
        nodes.append({"name": name, "labels": all_labels})
    pods_on = {}
    for i in range(rng.randint(0, 30)):
        target = rng.choice(nodes)["name"]
        labels = {"app": rng.choice(["a", "b"])} if rng.random() < 0.9 else {}
        ns = rng.choice(["default", "default", "other"])
        pods_on.setdefault(target, []).append({"labels": labels, "ns": ns})
        objs.append(pod(f"e{i}", cpu="0", memory="0", node_name=target, labels=labels, namespace=ns))
    constraints, raw = [], []
    for _ in range(rng.randint(1, 2)):
        key = rng.choice([ZONE, HOST])
        when = rng.choice(["DoNotSchedule", "ScheduleAnyway"])
        skew = rng.randint(1, 3)
        if rng.random() < 0.5:
            sel, raw_sel = ("app", {"a"}), {"matchLabels": {"app": "a"}}
        else:
            sel, raw_sel = ("app", None), {"matchExpressions": [{"key": "app", "operator": "Exists"}]}
        constraints.append({"key": key, "when": when, "skew": skew, "sel": sel})
        raw.append({"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": when, "labelSelector": raw_sel})
    incoming_labels = {"app": rng.choice(["a", "b"])}
    p = placement(plan([pod("x", cpu="0", memory="0", labels=incoming_labels, topologySpreadConstraints=raw)], objs), "x")
    feasible = [n for n, row in p.explain["filter"].items() if all(v == "passed" for v in row.values())]
    verdict, scores = reference(nodes, pods_on, incoming_labels, constraints, feasible)
    for name, ok in verdict.items():
        got = p.explain["filter"][name].get("PodTopologySpread", "passed")
        if ok is True:
            assert got == "passed", name
        elif ok == "missing":
            assert got.endswith("(missing required label)"), name
        else:
            assert got == "node(s) didn't match pod topology spread constraints", name
    if scores:
        assert {n: p.explain["score"][n]["PodTopologySpread"] for n in feasible} == scores
