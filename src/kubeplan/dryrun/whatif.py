"""What-ifs on the planned cluster (the snapshot with the manifests applied): nodes drained
or failing, every HPA at maxReplicas, and how many nodes of a given shape would make
everything fit.

Applied in a fixed order, each on the result of the one before: ``--fail``, ``--drain``
(in the order given), ``--scale-to-max``; then ``--add-nodes`` estimates for every pod
still pending. Each result lists what moved where and what no longer fits, with the
scheduler's message.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError

from .rollout.sim import World, bind, pod_key

MAX_ESTIMATED_NODES = 1000  # the estimator's cap, as cluster-autoscaler's max-nodes-total bounds it


@dataclass
class WhatIf:
    kind: str  # drain / fail / scale-to-max / add-nodes
    target: str
    moved: list = field(default_factory=list)  # [{"pod", "from", "to"}]
    unplaced: list = field(default_factory=list)  # [{"pod", "message"}]
    blocked: list = field(default_factory=list)  # [{"pod", "pdb", "message"}] evictions a PDB refuses
    ignored: list = field(default_factory=list)  # [{"pod", "reason"}] DaemonSet pods, lost bare pods
    nodes_needed: int | None = None  # add-nodes: how many template nodes
    still_unfit: list = field(default_factory=list)  # add-nodes: [{"pod", "message"}]
    before: list = field(default_factory=list)  # node usage before (plan.node_usage shape)
    after: list = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.unplaced or self.blocked or self.still_unfit)

    def to_json(self) -> dict:
        out = {"kind": self.kind, "target": self.target, "moved": self.moved, "unplaced": self.unplaced,
               "blocked": self.blocked, "ignored": self.ignored}
        if self.kind == "add-nodes":
            out["nodesNeeded"] = self.nodes_needed
            out["stillUnfit"] = self.still_unfit
        out["nodesBefore"] = self.before
        out["nodesAfter"] = self.after
        return out


def _controller(pod: dict) -> dict | None:
    refs = (pod.get("metadata") or {}).get("ownerReferences")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("controller"):
            return ref
    return None


def _is_mirror(pod: dict) -> bool:
    return "kubernetes.io/config.mirror" in ((pod.get("metadata") or {}).get("annotations") or {})


def _replacement(pod: dict) -> dict:
    """The pod its controller creates instead (same name kept, so reports can follow it)."""
    new = copy.deepcopy(pod)
    new.get("spec", {}).pop("nodeName", None)
    new.pop("status", None)
    return new


def _name(pod: dict) -> str:
    namespace, name = pod_key(pod)
    return f"{namespace}/{name}"


def _priority(world: World, pod: dict) -> int:
    spec = pod.get("spec") or {}
    if isinstance(spec.get("priority"), int):
        return spec["priority"]
    return world.classes.get(spec.get("priorityClassName") or "", world.classes.get("", 0))


def _reschedule(world: World, pods: list, result: WhatIf, origin: dict) -> None:
    # the controllers recreate them; the scheduler takes them in PrioritySort order
    for pod in sorted(pods, key=lambda p: (-_priority(world, p), _name(p))):
        placed = world.place(_replacement(pod), admit=False)
        if placed.node is None:
            result.unplaced.append({"pod": _name(pod), "message": placed.message, "pod_dict": _replacement(pod)})
        else:
            result.moved.append({"pod": _name(pod), "from": origin.get(_name(pod)), "to": placed.node})


def failed_nodes(spec: str, nodes: list) -> set:
    """The node names ``zone=VALUE`` or ``node=NAME`` takes away."""
    key, _, value = spec.partition("=")
    if key not in ("zone", "node") or not value:
        raise KubeplanError(f"--fail {spec}: expected zone=VALUE or node=NAME")
    names = {(n.get("metadata") or {}).get("name") for n in nodes}
    if key == "node":
        gone = {value} & names
    else:
        gone = {(n.get("metadata") or {}).get("name") for n in nodes
                if ((n.get("metadata") or {}).get("labels") or {}).get("topology.kubernetes.io/zone") == value}
    if not gone:
        raise KubeplanError(f"--fail {spec}: no such {key} in the cluster")
    return gone


def fail(spec: str, gone: set, lost: list, world: World, before: list) -> WhatIf:
    """The pods that ran on the ``gone`` nodes: their controllers recreate them elsewhere."""
    result = WhatIf("fail", spec, before=before)
    origin, to_move = {}, []
    for pod in lost:
        origin[_name(pod)] = (pod.get("spec") or {}).get("nodeName")
        ref = _controller(pod)
        if ref and ref.get("kind") == "DaemonSet":
            result.ignored.append({"pod": _name(pod), "reason": "DaemonSet pod: goes with its node"})
        elif not ref or _is_mirror(pod):
            result.ignored.append({"pod": _name(pod), "reason": "no controller recreates it: lost"})
        else:
            to_move.append(pod)
    _reschedule(world, to_move, result, origin)
    result.after = world.usage()
    return result


def drain(node: str, world: World, budgets: list, missing: dict | None = None):
    """``kubectl drain NODE``: cordon, then evict every pod but DaemonSet and mirror pods,
    one at a time; an eviction a PodDisruptionBudget refuses is reported (kubectl retries
    it forever); each evicted pod's replacement is scheduled before the next eviction."""
    if node not in world.snapshot.index:
        raise KubeplanError(f"--drain {node}: no such node in the cluster")
    result = WhatIf("drain", node, before=world.usage())
    missing = {} if missing is None else missing  # budget name -> evicted pods not running again
    index = world.snapshot.index[node]
    world.snapshot.unschedulable[index] = True
    for pi in sorted(world.snapshot.pods[index], key=lambda p: (p.namespace, p.name)):
        pod = pi.pod
        ref = _controller(pod)
        if _is_mirror(pod):
            result.ignored.append({"pod": _name(pod), "reason": "mirror pod: kubectl drain skips it"})
            continue
        if ref and ref.get("kind") == "DaemonSet":
            result.ignored.append({"pod": _name(pod), "reason": "DaemonSet pod: ignored (--ignore-daemonsets)"})
            continue
        refused = _refusing_budget(world, budgets, pi, missing)
        if refused is not None:
            result.blocked.append({"pod": _name(pod), "pdb": refused,
                                   "message": "Cannot evict pod as it would violate the pod's disruption budget."})
            continue
        world.remove(pod_key(pod))
        if not ref:
            result.ignored.append({"pod": _name(pod), "reason": "no controller recreates it: deleted (kubectl drain needs --force)"})
            continue
        before = len(result.unplaced)
        _reschedule(world, [pod], result, {_name(pod): node})
        if len(result.unplaced) > before:
            # its replacement is pending: still expected by the budget, but not healthy
            for budget in budgets:
                if budget.selects(pi.namespace, pi.labels):
                    missing[budget.name] = missing.get(budget.name, 0) + 1
    result.after = world.usage()
    return result


def _refusing_budget(world: World, budgets: list, pi, missing: dict) -> str | None:
    for budget in budgets:
        if not budget.selects(pi.namespace, pi.labels):
            continue
        healthy = sum(1 for p in world.pods.values() if budget.selects(p.namespace, p.labels))
        if budget.allowed(healthy, healthy + missing.get(budget.name, 0)) < 1:
            return budget.name
    return None


def scale_to_max(objects: list, world: World, seed) -> WhatIf:
    """Every HPA's target at maxReplicas: the extra replicas on the cluster as it is."""
    from kubeplan.dryrun.controllers import headroom_pods

    result = WhatIf("scale-to-max", "every HorizontalPodAutoscaler at maxReplicas", before=world.usage())
    for planned in headroom_pods(objects, world.cluster, seed=seed or 0):
        placed = world.place(planned.pod)
        if placed.node is None:
            result.unplaced.append({"pod": _name(planned.pod), "message": placed.message, "pod_dict": planned.pod})
        else:
            result.moved.append({"pod": _name(planned.pod), "from": None, "to": placed.node})
    result.after = world.usage()
    return result


# --- --add-nodes: the cluster-autoscaler's binpacking estimate -----------------------------


def template_node(spec: str) -> dict:
    """A Node manifest file, or a synthetic pool spec (its first node)."""
    import os

    if os.path.isfile(spec):
        from kubeplan.model.loading import load_paths

        loaded = load_paths([spec])
        for finding in loaded.findings:
            loc = finding.location
            raise KubeplanError(finding.message, loc.file, loc.line, loc.column)
        nodes = [o.data for o in loaded.objects if o.kind == "Node"]
        if not nodes:
            raise KubeplanError(f"--add-nodes {spec}: the file has no Node")
        return nodes[0]
    from kubeplan.dryrun.defaults import node_pool

    return node_pool(spec)[0]


def _shaped(template: dict, name: str) -> dict:
    node = copy.deepcopy(template)
    meta = node.setdefault("metadata", {})
    meta["name"] = name
    labels = meta.get("labels")
    labels = dict(labels) if isinstance(labels, dict) else {}
    labels["kubernetes.io/hostname"] = name
    meta["labels"] = labels
    node.get("spec", {}).pop("unschedulable", None) if isinstance(node.get("spec"), dict) else None
    return node


def _owner_key(pod: dict) -> tuple:
    ref = _controller(pod)
    namespace = (pod.get("metadata") or {}).get("namespace") or "default"
    if ref:
        return (namespace, ref.get("kind"), ref.get("name"))
    return (namespace, "Pod", (pod.get("metadata") or {}).get("name"))


def estimate(spec: str, pending: list, cluster, config, seed) -> WhatIf:
    """How many nodes shaped like ``spec`` make every ``pending`` pod fit, as the
    cluster-autoscaler's BinpackingNodeEstimator counts them: pods in equivalence groups
    (same controller), groups in decreasing order of their pods' size relative to the node
    (cpu share + memory share), each pod first-fit onto the nodes added so far, a new node
    only when none of them takes it; a group whose pod does not fit an empty node is
    skipped whole (its pods are equivalent)."""
    from kubeplan.dryrun.cluster import Cluster
    from kubeplan.dryrun.scheduler.podinfo import pod_info
    from kubeplan.dryrun.scheduler.scheduler import FitError

    template = template_node(spec)
    base = (template.get("metadata") or {}).get("name") or "template"
    result = WhatIf("add-nodes", spec)
    if not pending:
        result.nodes_needed = 0
        return result
    count = min(len(pending), MAX_ESTIMATED_NODES)
    names = [f"{base}-new-{i + 1}" for i in range(count)]
    scratch = Cluster(nodes=[_shaped(template, n) for n in names], namespaces=list(cluster.namespaces),
                      priority_classes=list(cluster.priority_classes), services=list(cluster.services),
                      storage_classes=list(cluster.storage_classes), pvs=list(cluster.pvs), pvcs=list(cluster.pvcs))
    world = World(scratch, config, seed)
    alloc = {r: int(world.snapshot.alloc[r][0]) for r in ("cpu", "memory")}

    def size(pod) -> float:
        req = world.requests(pod)
        return sum(req.get(r, 0) / alloc[r] for r in ("cpu", "memory") if alloc[r])

    groups: dict = {}
    for pod in pending:
        groups.setdefault(_owner_key(pod), []).append(pod)
    order = sorted(groups.items(), key=lambda kv: (-size(kv[1][0]), kv[0]))
    ordinal = {name: i for i, name in enumerate(names)}
    opened = 0
    scheduler = world.schedulers.get("default-scheduler") or next(iter(world.schedulers.values()))
    for _, pods in order:
        for n, pod in enumerate(pods):
            candidate = _replacement(pod)
            pi = pod_info(candidate, world.classes, world._next_seq(), world.snapshot.templates)
            try:
                _, feasible = scheduler.find_nodes_that_fit(pi, None)
            except FitError:
                feasible = []
            choices = sorted(ordinal[world.snapshot.names[int(i)]] for i in feasible)
            used = [c for c in choices if c < opened]
            if used:
                chosen = used[0]
            elif choices and choices[0] == opened:
                chosen = opened
                opened += 1
            else:
                message = _empty_node_message(template, candidate, scratch, config, seed)
                for rest in pods[n:]:
                    result.still_unfit.append({"pod": _name(rest), "message": message})
                break
            world.snapshot.add_pod(pi, world.snapshot.index[names[chosen]])
    result.nodes_needed = opened
    return result


def _empty_node_message(template: dict, pod: dict, scratch, config, seed) -> str:
    """Why ``pod`` does not fit one empty node of the template, in the scheduler's words."""
    from kubeplan.dryrun.cluster import Cluster

    one = Cluster(nodes=[_shaped(template, (template.get("metadata") or {}).get("name") or "template")],
                  namespaces=scratch.namespaces, priority_classes=scratch.priority_classes)
    placed = World(one, config, seed).place(pod, admit=False)
    return placed.message or "does not fit beside the pods already packed (the estimate ran out of nodes)"


# --- all of them ---------------------------------------------------------------------------


def run(plan, objects: list, cluster, *, config=None, seed=None, fails=(), drains=(), scale_to_max_=False, add_nodes=None) -> list:
    """The what-ifs, in order, on the planned cluster (``plan``: the Plan of ``objects``)."""
    from .rollout import replaced_pods
    from .rollout.pdb import budgets as pdb_budgets

    gone_by_spec = [(spec, failed_nodes(spec, cluster.nodes)) for spec in fails]
    gone = set().union(*(g for _, g in gone_by_spec)) if gone_by_spec else set()
    replaced = replaced_pods(objects, cluster)
    planned = [(p.pod, p.node) for p in plan.placements if p.node is not None]

    def build(without):
        world = World(cluster, config, seed, without=without)
        for key in replaced:
            world.remove(key)
        lost = [p for p in world.lost if pod_key(p) not in replaced]
        for pod, node in planned:
            if node in without:
                lost.append({**pod, "spec": {**(pod.get("spec") or {}), "nodeName": node}})
            else:
                bind(world, pod, node)
        return world, lost

    out = []
    world, lost = build(gone)
    if gone:
        before = build(set())[0].usage()
        for spec, nodes in gone_by_spec:
            mine = [p for p in lost if (p.get("spec") or {}).get("nodeName") in nodes]
            out.append(fail(spec, nodes, mine, world, before))
            before = out[-1].after
    found = pdb_budgets(cluster)
    missing: dict = {}
    for node in drains:
        out.append(drain(node, world, found, missing))
    if scale_to_max_:
        out.append(scale_to_max(objects, world, seed))
    if add_nodes:
        pending = [p.pod for p in plan.placements
                   if p.node is None and p.handled and not p.rejected and not p.message.startswith("not created")]
        pending += [u["pod_dict"] for w in out for u in w.unplaced if "pod_dict" in u]
        out.append(estimate(add_nodes, pending, cluster, config, seed))
    for w in out:
        for u in w.unplaced:
            u.pop("pod_dict", None)
    return out
