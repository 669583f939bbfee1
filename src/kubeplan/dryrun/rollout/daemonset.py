"""DaemonSet rollouts as the DaemonSet controller runs them (pkg/controller/daemon).

RollingUpdate works node by node. ``maxUnavailable`` (default 1) and ``maxSurge``
(default 0) are resolved against the number of nodes that should run the daemon, both
percentages rounded up; when both come to 0, unavailable is 1 (``updatedDesiredNodeCounts``).
With surge, a new pod starts beside the old one on up to ``maxSurge`` nodes at once and the
old pod goes once the new one runs; the new pod must fit on that very node next to the
old one. Without surge, the old pod is deleted on up to ``maxUnavailable`` nodes, then the
new pod is created there. A new pod the scheduler cannot place keeps its slot busy; when
every slot is busy the rollout stalls.

OnDelete: pods are replaced only when deleted; nodes without a daemon pod get a new one.
"""

from __future__ import annotations

from .steps import Rollout, Step, StrategyError, Tracker, mapping, scaled_value, stall
from .sim import pod_key


def budgets(rolling: dict | None, desired: int) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in nodes."""
    rolling = mapping(rolling, "spec.updateStrategy.rollingUpdate")
    surge = scaled_value(rolling.get("maxSurge", 0), desired, True, "spec.updateStrategy.rollingUpdate.maxSurge")
    unavailable = scaled_value(rolling.get("maxUnavailable", 1), desired, True, "spec.updateStrategy.rollingUpdate.maxUnavailable")
    if desired > 0 and surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def pinned_node(pod: dict) -> str | None:
    """The node a daemon pod is pinned to (``matchFields metadata.name``), or its nodeName."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return spec["nodeName"]
    terms = (((spec.get("affinity") or {}).get("nodeAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or []
    for term in terms:
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("values"):
                return field["values"][0]
    return None


def simulate(rollout: Rollout, spec: dict, world, current: list, new_pods: list, old_revision: set, footprint) -> None:
    strategy = mapping(spec.get("updateStrategy"), "spec.updateStrategy")
    kind = strategy.get("type") or "RollingUpdate"
    rollout.strategy = kind
    if kind not in ("RollingUpdate", "OnDelete"):
        raise StrategyError(f'spec.updateStrategy.type: Unsupported value: "{kind}": supported values: "OnDelete", "RollingUpdate"')
    tracker = Tracker({})
    for pod in current:
        tracker.add(footprint(pod))
    tracker.start = dict(tracker.current)
    old_on = {pod.get("spec", {}).get("nodeName"): pod for pod in current}
    new_on = {pinned_node(pod): pod for pod in new_pods}
    desired = len(new_on)
    number = 0
    running_new = {n for n, p in old_on.items() if n in new_on and pod_key(p)[1] not in old_revision}
    running_old = {n for n, p in old_on.items() if n in new_on and pod_key(p)[1] in old_revision}

    def step(action, pending, created, deleted, surging=0):
        unavailable = desired - len(running_new) - len(running_old)
        return Step(number, action, len(running_old), len(running_new), surging, max(0, unavailable), pending, created, deleted)

    # nodes that no longer qualify lose their pod; nodes without one get one
    gone = sorted(n for n in old_on if n not in new_on)
    fresh = sorted(n for n in new_on if n not in old_on)
    if gone or fresh:
        number += 1
        deleted, created, pending, requests = [], [], [], []
        for node in gone:
            world.remove(pod_key(old_on[node]))
            tracker.add(footprint(old_on[node]), -1)
            deleted.append(pod_key(old_on[node])[1])
        for node in fresh:
            placed = world.place(new_on[node])
            created.append(placed.name)
            if placed.node is None:
                pending.append({"pod": placed.name, "message": placed.message})
                requests.append(new_on[node])
            else:
                running_new.add(node)
                tracker.add(footprint(new_on[node]))
        s = step("create on nodes without a daemon pod", pending, created, deleted)
        rollout.steps.append(s)
        if pending:
            stall(rollout, s, requests, world)
            rollout.peak_extra = tracker.extra()
            return
    if kind == "OnDelete":
        if running_old:
            rollout.notes.append(f"OnDelete: {len(running_old)} pod(s) keep the current revision until deleted")
        rollout.peak_extra = tracker.extra()
        return

    surge, unavailable = budgets(strategy.get("rollingUpdate"), desired)
    rollout.settings.update({"maxSurge": surge, "maxUnavailable": unavailable})
    queue = sorted(running_old)
    while queue:
        number += 1
        width = surge if surge > 0 else unavailable
        batch, queue = queue[:width], queue[width:]
        deleted, created, pending, requests = [], [], [], []
        if surge > 0:
            for node in batch:  # the new pod starts beside the old one
                placed = world.place(new_on[node])
                created.append(placed.name)
                if placed.node is None:
                    pending.append({"pod": placed.name, "message": placed.message})
                    requests.append(new_on[node])
                else:
                    tracker.add(footprint(new_on[node]))
            surging = len(created) - len(pending)
            for node in batch:
                if any(p["pod"] == pod_key(new_on[node])[1] for p in pending):
                    continue
                world.remove(pod_key(old_on[node]))
                tracker.add(footprint(old_on[node]), -1)
                deleted.append(pod_key(old_on[node])[1])
                running_old.discard(node)
                running_new.add(node)
            s = step(f"surge on {', '.join(batch)}", pending, created, deleted, surging)
        else:
            for node in batch:
                world.remove(pod_key(old_on[node]))
                tracker.add(footprint(old_on[node]), -1)
                deleted.append(pod_key(old_on[node])[1])
                running_old.discard(node)
            for node in batch:
                placed = world.place(new_on[node])
                created.append(placed.name)
                if placed.node is None:
                    pending.append({"pod": placed.name, "message": placed.message})
                    requests.append(new_on[node])
                else:
                    running_new.add(node)
                    tracker.add(footprint(new_on[node]))
            s = step(f"replace on {', '.join(batch)}", pending, created, deleted)
        rollout.steps.append(s)
        if pending:
            stall(rollout, s, requests, world)
            break
    rollout.peak_extra = tracker.extra()
