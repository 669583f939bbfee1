"""InterPodAffinity, vectorised, against a direct transcription of the upstream loops
(filtering.go / scoring.go) on random clusters."""

import random

import pytest

from sched_helpers import node, placement, plan, pod

KEYS = ["zone", "rack", "kubernetes.io/hostname"]


def term_matches(term, pod_ns, labels, own_ns):
    namespaces = term.get("namespaces") or [own_ns]
    if pod_ns not in namespaces:
        return False
    key, value = next(iter(term["labelSelector"]["matchLabels"].items()))
    return labels.get(key) == value


def reference(nodes, existing, incoming, feasible):
    by_name = {n["name"]: n for n in nodes}
    inc_ns, inc_labels = "default", incoming["labels"]
    req_aff, req_anti = incoming["required_affinity"], incoming["required_anti"]
    existing_anti, aff_counts, anti_counts = {}, {}, {}
    for e in existing:
        labels = by_name[e["node"]]["labels"]
        for t in e["required_anti"]:
            if term_matches(t, inc_ns, inc_labels, e["ns"]) and t["topologyKey"] in labels:
                pair = (t["topologyKey"], labels[t["topologyKey"]])
                existing_anti[pair] = existing_anti.get(pair, 0) + 1
        if req_aff and all(term_matches(t, e["ns"], e["labels"], inc_ns) for t in req_aff):
            for t in req_aff:
                if t["topologyKey"] in labels:
                    pair = (t["topologyKey"], labels[t["topologyKey"]])
                    aff_counts[pair] = aff_counts.get(pair, 0) + 1
        for t in req_anti:
            if term_matches(t, e["ns"], e["labels"], inc_ns) and t["topologyKey"] in labels:
                pair = (t["topologyKey"], labels[t["topologyKey"]])
                anti_counts[pair] = anti_counts.get(pair, 0) + 1
    verdict = {}
    for n in nodes:
        labels = n["labels"]
        reason = None
        exist = True
        for t in req_aff:
            if t["topologyKey"] not in labels:
                reason = "node(s) didn't match pod affinity rules"
                break
            if aff_counts.get((t["topologyKey"], labels[t["topologyKey"]]), 0) <= 0:
                exist = False
        if reason is None and not exist:
            if not (not aff_counts and all(term_matches(t, inc_ns, inc_labels, inc_ns) for t in req_aff)):
                reason = "node(s) didn't match pod affinity rules"
        if reason is None:
            for t in req_anti:
                if t["topologyKey"] in labels and anti_counts.get((t["topologyKey"], labels[t["topologyKey"]]), 0) > 0:
                    reason = "node(s) didn't match pod anti-affinity rules"
                    break
        if reason is None and any(existing_anti.get((k, v), 0) > 0 for k, v in labels.items()):
            reason = "node(s) didn't satisfy existing pods anti-affinity rules"
        verdict[n["name"]] = reason
    scores = {}
    if len(feasible) > 1:
        topo = {}
        def add(key, value, w):
            topo.setdefault(key, {})
            topo[key][value] = topo[key].get(value, 0) + w
        for e in existing:
            labels = by_name[e["node"]]["labels"]
            for w, t in incoming["preferred"]:
                if term_matches(t, e["ns"], e["labels"], inc_ns) and t["topologyKey"] in labels:
                    add(t["topologyKey"], labels[t["topologyKey"]], w)
            for t in e["required_affinity"]:
                if term_matches(t, inc_ns, inc_labels, e["ns"]) and t["topologyKey"] in labels:
                    add(t["topologyKey"], labels[t["topologyKey"]], 1)
            for w, t in e["preferred"]:
                if term_matches(t, inc_ns, inc_labels, e["ns"]) and t["topologyKey"] in labels:
                    add(t["topologyKey"], labels[t["topologyKey"]], w)
        raw = {f: sum(vals.get(by_name[f]["labels"].get(k), 0) for k, vals in topo.items() if k in by_name[f]["labels"]) for f in feasible}
        if topo:
            lo, hi = min(raw.values()), max(raw.values())
            for f in feasible:
                scores[f] = int(100.0 * ((raw[f] - lo) / (hi - lo))) if hi > lo else 0
        else:
            scores = {f: 0 for f in feasible}
    return verdict, scores


def random_term(rng):
    term = {"labelSelector": {"matchLabels": {"app": rng.choice(["a", "b", "c"])}}, "topologyKey": rng.choice(KEYS)}
    if rng.random() < 0.2:
        term["namespaces"] = [rng.choice(["default", "other"])]
    return term


@pytest.mark.parametrize("seed", range(12))
def test_random_affinity_matches_the_reference(seed):
    rng = random.Random(seed)
    nodes, objs = [], []
    for i in range(rng.randint(2, 10)):
        name = f"n{i}"
        labels = {k: rng.choice(["1", "2"]) for k in ("zone", "rack") if rng.random() < 0.8}
        objs.append(node(name, labels=labels))
        nodes.append({"name": name, "labels": {"kubernetes.io/hostname": name, **labels}})
    existing = []
    for i in range(rng.randint(0, 20)):
        e = {"node": rng.choice(nodes)["name"], "ns": rng.choice(["default", "other"]), "labels": {"app": rng.choice(["a", "b", "c"])},
             "required_anti": [], "required_affinity": [], "preferred": []}
        affinity = {}
        if rng.random() < 0.2:
            e["required_anti"] = [random_term(rng)]
            affinity["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": e["required_anti"]}
        if rng.random() < 0.2:
            e["required_affinity"] = [random_term(rng)]
            affinity["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": e["required_affinity"]}
        if rng.random() < 0.2:
            w = rng.randint(1, 10)
            e["preferred"] = [(w, random_term(rng))]
            affinity.setdefault("podAffinity", {})["preferredDuringSchedulingIgnoredDuringExecution"] = [{"weight": w, "podAffinityTerm": e["preferred"][0][1]}]
        existing.append(e)
        objs.append(pod(f"e{i}", cpu="0", memory="0", node_name=e["node"], labels=e["labels"], namespace=e["ns"], **({"affinity": affinity} if affinity else {})))
    incoming = {"labels": {"app": rng.choice(["a", "b", "c"])}, "required_affinity": [], "required_anti": [], "preferred": []}
    affinity = {}
    if rng.random() < 0.4:
        incoming["required_affinity"] = [random_term(rng) for _ in range(rng.randint(1, 2))]
        affinity["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": incoming["required_affinity"]}
    if rng.random() < 0.4:
        incoming["required_anti"] = [random_term(rng)]
        affinity["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": incoming["required_anti"]}
    if rng.random() < 0.6:
        incoming["preferred"] = [(rng.randint(1, 10), random_term(rng)) for _ in range(rng.randint(1, 2))]
        affinity.setdefault("podAffinity", {})["preferredDuringSchedulingIgnoredDuringExecution"] = [
            {"weight": w, "podAffinityTerm": t} for w, t in incoming["preferred"]
        ]
    objs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    p = placement(plan([pod("x", cpu="0", memory="0", labels=incoming["labels"], **({"affinity": affinity} if affinity else {}))], objs), "x")
    feasible = [n for n, row in p.explain["filter"].items() if all(v == "passed" for v in row.values())]
    verdict, scores = reference(nodes, existing, incoming, feasible)
    for name, reason in verdict.items():
        got = p.explain["filter"][name].get("InterPodAffinity", "passed")
        assert got == (reason or "passed"), name
    if len(feasible) > 1:
        assert {n: p.explain["score"][n]["InterPodAffinity"] for n in feasible} == scores
