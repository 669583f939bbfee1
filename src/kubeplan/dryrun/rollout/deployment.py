"""Deployment rollouts as the deployment controller runs them (pkg/controller/deployment).

RollingUpdate: ``maxSurge`` and ``maxUnavailable`` (default 25 % each) are resolved
against ``spec.replicas`` as ``ResolveFenceposts`` does — surge rounded up, unavailable
rounded down, and when both come to 0 unavailable is 1. Each round the new ReplicaSet is
scaled up to at most ``replicas + maxSurge`` pods in all, then old pods are scaled down
while at least ``replicas - maxUnavailable`` pods stay available (new pods that are not
available yet, including the ones created in the same round, count against that). New pods are ready as soon as the scheduler places them;
pods it cannot place stay pending and are retried every round, as the scheduler retries
them when the cluster changes. The rollout stalls when a round changes nothing.

Recreate: every old pod is deleted, then all new pods are created.
"""

from __future__ import annotations

from .steps import Rollout, Step, StrategyError, Tracker, mapping, scaled_value, seconds, stall
from .sim import pod_key

DEFAULT_SURGE = "25%"
DEFAULT_UNAVAILABLE = "25%"


def fenceposts(rolling: dict | None, replicas: int) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods for ``spec.strategy.rollingUpdate``."""
    rolling = mapping(rolling, "spec.strategy.rollingUpdate")
    surge_value = rolling.get("maxSurge", DEFAULT_SURGE)
    unavailable_value = rolling.get("maxUnavailable", DEFAULT_UNAVAILABLE)
    surge = scaled_value(surge_value, replicas, True, "spec.strategy.rollingUpdate.maxSurge")
    unavailable = scaled_value(unavailable_value, replicas, False, "spec.strategy.rollingUpdate.maxUnavailable")
    if surge == 0 and unavailable == 0:
        # the API server refuses both 0; the controller still makes progress with 1
        unavailable = 1
    return surge, unavailable


def simulate(rollout: Rollout, spec: dict, world, old_pods: list, new_pods: list, footprint) -> None:
    """Run the rollout of ``new_pods`` (pod dicts of the new ReplicaSet, in creation order)
    replacing ``old_pods`` (pod dicts on the cluster) on ``world``."""
    strategy = mapping(spec.get("strategy"), "spec.strategy")
    kind = strategy.get("type") or "RollingUpdate"
    replicas = len(new_pods)
    rollout.strategy = kind
    for key in ("minReadySeconds", "progressDeadlineSeconds"):
        if key in spec:
            rollout.settings[key] = seconds(spec[key], f"spec.{key}")
    if spec.get("minReadySeconds"):
        rollout.notes.append(
            f"minReadySeconds {spec['minReadySeconds']}: each new pod counts as available only "
            "that long after it is ready; the steps are the same, each takes at least that long"
        )
    deadline = spec.get("progressDeadlineSeconds", 600)
    tracker = Tracker({})
    for pod in old_pods:
        tracker.add(footprint(pod))
    tracker.start = dict(tracker.current)
    if kind == "Recreate":
        _recreate(rollout, world, old_pods, new_pods, footprint, tracker)
    elif kind == "RollingUpdate":
        surge, unavailable = fenceposts(strategy.get("rollingUpdate"), replicas)
        rollout.settings.update({"maxSurge": surge, "maxUnavailable": unavailable})
        _rolling(rollout, world, old_pods, new_pods, surge, unavailable, footprint, tracker)
    else:
        raise StrategyError(f'spec.strategy.type: Unsupported value: "{kind}": supported values: "Recreate", "RollingUpdate"')
    if rollout.stalled:
        rollout.notes.append(
            f"the controller reports ProgressDeadlineExceeded after progressDeadlineSeconds ({deadline} s) without progress"
        )
    rollout.peak_extra = tracker.extra()


def _recreate(rollout, world, old_pods, new_pods, footprint, tracker) -> None:
    deleted = []
    for pod in old_pods:
        world.remove(pod_key(pod))
        tracker.add(footprint(pod), -1)
        deleted.append(pod_key(pod)[1])
    desired = len(new_pods)
    rollout.steps.append(Step(1, "scale old ReplicaSets to 0", 0, 0, 0, desired, deleted=deleted))
    ready, pending, pending_requests, created = 0, [], [], []
    for pod in new_pods:
        placed = world.place(pod)
        created.append(placed.name)
        if placed.node is None:
            pending.append({"pod": placed.name, "message": placed.message})
            pending_requests.append(pod)
        else:
            ready += 1
            tracker.add(footprint(pod))
    step = Step(2, f"scale new ReplicaSet to {desired}", 0, ready, 0, desired - ready, pending, created)
    rollout.steps.append(step)
    if pending:
        stall(rollout, step, pending_requests, world)


def _rolling(rollout, world, old_pods, new_pods, surge, unavailable, footprint, tracker) -> None:
    desired = len(new_pods)
    old = list(old_pods)
    to_create = list(new_pods)
    ready: list = []
    pending: list = []  # pod dicts created but not placed
    messages: dict = {}
    number = 0
    while True:
        number += 1
        created, deleted = [], []
        # pods already created and pending get another chance on the cluster as it is now
        still, now_placed = [], []
        for pod in pending:
            placed = world.place(pod, admit=False)
            if placed.node is None:
                messages[placed.name] = placed.message
                still.append(pod)
            else:
                ready.append(pod)
                now_placed.append(placed.name)
                tracker.add(footprint(pod))
        pending = still
        # scale up the new ReplicaSet (NewRSNewReplicas)
        total = len(old) + len(ready) + len(pending)
        new_count = len(ready) + len(pending)
        up = min(desired + surge - total, desired - new_count)
        for _ in range(max(0, up)):
            pod = to_create.pop(0)
            placed = world.place(pod)
            created.append(placed.name)
            if placed.node is None:
                messages[placed.name] = placed.message
                pending.append(pod)
            else:
                ready.append(pod)
                tracker.add(footprint(pod))
        # scale down old ReplicaSets (reconcileOldReplicaSets): keep minAvailable available
        # pods created this round are not available yet when the old side is scaled down
        fresh = sum(1 for name in created if name not in {pod_key(p)[1] for p in pending})
        total = len(old) + len(ready) + len(pending)
        max_down = total - (desired - unavailable) - len(pending) - fresh
        down = min(max(0, max_down), len(old))
        for _ in range(down):
            pod = old.pop()  # the newest old pod goes first
            world.remove(pod_key(pod))
            tracker.add(footprint(pod), -1)
            deleted.append(pod_key(pod)[1])
        total = len(old) + len(ready) + len(pending)
        step = Step(
            number,
            _action(created, deleted, now_placed),
            len(old),
            len(ready),
            max(0, total - desired),
            max(0, desired - len(old) - len(ready)),
            [{"pod": pod_key(p)[1], "message": messages.get(pod_key(p)[1], "")} for p in pending],
            created,
            deleted,
        )
        progressed = bool(created or deleted or now_placed)
        if progressed:
            rollout.steps.append(step)
        if not old and not pending and not to_create:
            return
        if not progressed:
            # the last round that moved is where it stays
            if not rollout.steps:
                step.action = "no progress"
                rollout.steps.append(step)
            stall(rollout, rollout.steps[-1], pending, world)
            return


def _action(created: list, deleted: list, placed: list = ()) -> str:
    parts = []
    if placed:
        parts.append(f"place {len(placed)} pending")
    if created:
        parts.append(f"create {len(created)} new")
    if deleted:
        parts.append(f"delete {len(deleted)} old")
    return ", ".join(parts)


def scale(rollout: Rollout, world, current: list, new_pods: list, footprint) -> None:
    """Same template, other replica count: the ReplicaSet creates or deletes the difference."""
    tracker = Tracker({})
    for pod in current:
        tracker.add(footprint(pod))
    tracker.start = dict(tracker.current)
    created, deleted, pending, pending_requests = [], [], [], []
    if len(new_pods) >= len(current):
        for pod in new_pods[len(current):]:
            placed = world.place(pod)
            created.append(placed.name)
            if placed.node is None:
                pending.append({"pod": placed.name, "message": placed.message})
                pending_requests.append(pod)
            else:
                tracker.add(footprint(pod))
    else:
        for pod in current[len(new_pods):]:
            world.remove(pod_key(pod))
            tracker.add(footprint(pod), -1)
            deleted.append(pod_key(pod)[1])
    desired = len(new_pods)
    running = min(len(current), desired) + len(created) - len(pending)
    step = Step(1, _action(created, deleted) or "none", 0, running, 0, max(0, desired - running), pending, created, deleted)
    rollout.steps.append(step)
    if pending:
        stall(rollout, step, pending_requests, world)
    rollout.peak_extra = tracker.extra()
