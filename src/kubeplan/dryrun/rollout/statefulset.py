"""StatefulSet rollouts as the StatefulSet controller runs them (pkg/controller/statefulset).

RollingUpdate: pods of the old revision are deleted and recreated from the highest ordinal
down to ``partition`` (default 0; ordinals below it keep the current revision). At most
``maxUnavailable`` pods (default 1; a percentage of ``replicas`` rounded up, at least 1;
honoured with the MaxUnavailableStatefulSet feature, beta and on by default since 1.35)
are deleted and recreated at once; the controller goes on only once the recreated pods run,
so a pod the scheduler cannot place stalls the rollout at that step. ``podManagementPolicy`` OrderedReady creates
missing pods one ordinal at a time (n only once n-1 runs), Parallel all at once.

OnDelete: the controller never replaces a pod by itself; pods get the new revision when
someone deletes them. Only missing ordinals are created (from the new template).
"""

from __future__ import annotations

from .steps import Rollout, Step, StrategyError, Tracker, mapping, scaled_value, stall
from .sim import pod_key


def max_unavailable(rolling: dict | None, replicas: int) -> int:
    value = mapping(rolling, "spec.updateStrategy.rollingUpdate").get("maxUnavailable", 1)
    return max(1, scaled_value(value, replicas, True, "spec.updateStrategy.rollingUpdate.maxUnavailable"))


def partition(rolling: dict | None) -> int:
    value = mapping(rolling, "spec.updateStrategy.rollingUpdate").get("partition", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StrategyError("spec.updateStrategy.rollingUpdate.partition: must be an integer greater than or equal to 0")
    return value


def ordinal(name: str, set_name: str) -> int | None:
    suffix = name[len(set_name) + 1:] if name.startswith(set_name + "-") else ""
    return int(suffix) if suffix.isdigit() else None


def simulate(rollout: Rollout, spec: dict, world, current: list, new_pods: list, old_revision: set, footprint) -> None:
    """``current``: the set's pods on the cluster; ``new_pods``: every pod of the new
    revision by ordinal; ``old_revision``: names of current pods whose template differs."""
    strategy = mapping(spec.get("updateStrategy"), "spec.updateStrategy")
    kind = strategy.get("type") or "RollingUpdate"
    rolling = strategy.get("rollingUpdate")
    ordered = (spec.get("podManagementPolicy") or "OrderedReady") == "OrderedReady"
    rollout.strategy = kind
    rollout.settings["podManagementPolicy"] = "OrderedReady" if ordered else "Parallel"
    name = rollout.name
    tracker = Tracker({})
    for pod in current:
        tracker.add(footprint(pod))
    tracker.start = dict(tracker.current)
    by_ordinal = {ordinal(pod_key(p)[1], name): p for p in current}
    wanted = {ordinal(pod_key(p)[1], name): p for p in new_pods}
    running = {o for o in by_ordinal if o in wanted}
    updated: set = set()  # ordinals recreated from the new revision (same names as before)
    number = 0

    def counts(pending):
        new_ready = sum(1 for o in running if o in updated or pod_key(by_ordinal[o])[1] not in old_revision)
        old_ready = len(running) - new_ready
        return old_ready, new_ready, max(0, len(wanted) - len(running))

    # scale: ordinals beyond replicas go (highest first), missing ones are created
    extra = sorted((o for o in by_ordinal if o not in wanted), reverse=True)
    missing = sorted(o for o in wanted if o not in by_ordinal)
    if extra or missing:
        number += 1
        deleted, created, pending, pending_requests = [], [], [], []
        for o in extra:
            world.remove(pod_key(by_ordinal[o]))
            tracker.add(footprint(by_ordinal[o]), -1)
            deleted.append(pod_key(by_ordinal[o])[1])
        for o in missing:
            pod = wanted[o]
            if ordered and pending:
                pending.append({"pod": pod_key(pod)[1], "message": f"not created: waits for pod {pending[-1]['pod']} (OrderedReady)"})
                continue
            placed = world.place(pod)
            created.append(placed.name)
            if placed.node is None:
                pending.append({"pod": placed.name, "message": placed.message})
                pending_requests.append(pod)
            else:
                by_ordinal[o] = pod
                running.add(o)
                updated.add(o)
                tracker.add(footprint(pod))
        old_ready, new_ready, unavailable = counts(pending)
        step = Step(number, "scale", old_ready, new_ready, 0, unavailable, pending, created, deleted)
        rollout.steps.append(step)
        if pending:
            stall(rollout, step, pending_requests, world)
            rollout.peak_extra = tracker.extra()
            return

    if kind == "OnDelete":
        kept = sorted(pod_key(by_ordinal[o])[1] for o in running if pod_key(by_ordinal[o])[1] in old_revision)
        if kept:
            rollout.notes.append(f"OnDelete: {len(kept)} pod(s) keep the current revision until deleted: {', '.join(kept)}")
        rollout.peak_extra = tracker.extra()
        return
    if kind != "RollingUpdate":
        raise StrategyError(f'spec.updateStrategy.type: Unsupported value: "{kind}": supported values: "OnDelete", "RollingUpdate"')

    cut = partition(rolling)
    budget = max_unavailable(rolling, len(wanted))
    rollout.settings.update({"partition": cut, "maxUnavailable": budget})
    if cut:
        rollout.notes.append(f"partition {cut}: ordinals below {cut} keep the current revision")
    queue = sorted((o for o in running if o >= cut and pod_key(by_ordinal[o])[1] in old_revision), reverse=True)
    while queue:
        number += 1
        batch, queue = queue[:budget], queue[budget:]
        deleted, created, pending, pending_requests = [], [], [], []
        for o in batch:
            old = by_ordinal[o]
            world.remove(pod_key(old))
            tracker.add(footprint(old), -1)
            running.discard(o)
            deleted.append(pod_key(old)[1])
        for o in batch:
            pod = wanted[o]
            placed = world.place(pod)
            created.append(placed.name)
            if placed.node is None:
                pending.append({"pod": placed.name, "message": placed.message})
                pending_requests.append(pod)
            else:
                by_ordinal[o] = pod
                running.add(o)
                updated.add(o)
                tracker.add(footprint(pod))
        old_ready, new_ready, unavailable = counts(pending)
        step = Step(number, f"recreate {', '.join(created)}", old_ready, new_ready, 0, unavailable, pending, created, deleted)
        rollout.steps.append(step)
        if pending:
            # the pods stay down: the budget of unavailable pods is spent, nothing else moves
            stall(rollout, step, pending_requests, world)
            break
    rollout.peak_extra = tracker.extra()
