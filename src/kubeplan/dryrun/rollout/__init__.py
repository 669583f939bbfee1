"""Rollout plans: what applying the manifests does to the workloads already running.

``plan_rollouts`` compares each Deployment, StatefulSet and DaemonSet of the manifests
with its current state in the cluster snapshot (``diff``), then runs its update strategy
step by step (``deployment``, ``statefulset``, ``daemonset``) on one shared ``sim.World``:
the scheduler places every new pod on the cluster as it is at that step, and the
workloads roll out one after the other in manifest order. PodDisruptionBudgets (``pdb``)
are noted where a step would take one below its floor.

Rollouts are planned only when the snapshot holds at least one of the workloads (else
everything is created and the placement plan says it all).
"""

from __future__ import annotations

from kubeplan.errors import KubeplanError

from .diff import WORKLOAD_KINDS, classify, current_state
from .sim import World, pod_key
from .steps import Rollout, StrategyError, mapping


def replaced_pods(objects: list, cluster, current_objects: list = ()) -> set:
    """(namespace, name) of the snapshot's pods that belong to workloads of the manifests:
    once applied, the planned pods take their place."""
    out = set()
    for obj in objects:
        if obj.kind in WORKLOAD_KINDS and isinstance(obj.data.get("spec"), dict):
            if obj.kind == "Deployment" and obj.data["spec"].get("paused") is True:
                continue  # plans no pods, and its current ones stay
            state = current_state(obj.kind, obj.namespace or "default", obj.name, obj.data["spec"], cluster, list(current_objects))
            out.update(pod_key(p) for p in state.pods)
    return out


def plan_rollouts(objects: list, cluster, current_objects: list = (), config=None, seed=None) -> list:
    """One ``Rollout`` per workload of ``objects`` (ManifestObjects), or [] when none of
    them exists in the snapshot yet. ``current_objects``: the snapshot's objects (dicts
    or ManifestObjects) where Deployments, StatefulSets and DaemonSets are looked up."""
    current_objects = [getattr(o, "data", o) for o in current_objects]
    workloads = [o for o in objects if o.kind in WORKLOAD_KINDS and o.group in ("apps", "extensions")
                 and isinstance(o.data.get("spec"), dict)]
    states = [(o, current_state(o.kind, o.namespace or "default", o.name, o.data["spec"], cluster, current_objects)) for o in workloads]
    if not any(s.obj is not None or s.pods for _, s in states):
        return []
    world = World(cluster, config, seed)
    out = []
    for obj, state in states:
        try:
            out.append(_rollout(obj, state, world, cluster, seed))
        except StrategyError as exc:
            loc = obj.locate(("spec",))
            raise KubeplanError(f"{obj.kind} {obj.name}: {exc}", loc.file, loc.line) from None
    return out


def _rollout(obj, state, world, cluster, seed) -> Rollout:
    from kubeplan.dryrun.controllers import expand

    from . import daemonset, deployment, statefulset

    spec = obj.data["spec"]
    new = [p.pod for p in expand([obj], cluster, seed=seed or 0)]
    label = "pod-template-hash" if obj.kind == "Deployment" else "controller-revision-hash"
    revision = ((new[0].get("metadata") or {}).get("labels") or {}).get(label) if new else None
    template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    replicas = len(new) if obj.kind != "DaemonSet" else None
    change, changed, fields, old_revision = classify(obj.kind, state, template, replicas, revision)
    rollout = Rollout(obj.kind, obj.namespace or "default", obj.name, change, "", changed, fields,
                      {"from": state.replicas if obj.kind != "DaemonSet" else len(state.pods), "to": len(new)})

    def footprint(pod: dict) -> dict:
        return {**world.requests(pod), "pods": 1}

    if obj.kind == "Deployment" and spec.get("paused") is True:
        rollout.strategy = mapping(spec.get("strategy"), "spec.strategy").get("type") or "RollingUpdate"
        rollout.replicas["to"] = rollout.replicas["from"]
        if change != "unchanged":
            rollout.notes.append("paused: the controller changes nothing until spec.paused is false")
    elif obj.kind == "Deployment":
        if change == "updated":
            deployment.simulate(rollout, spec, world, state.pods, new, footprint)
        else:
            rollout.strategy = mapping(spec.get("strategy"), "spec.strategy").get("type") or "RollingUpdate"
            if change != "unchanged":
                deployment.scale(rollout, world, state.pods, new, footprint)
    elif obj.kind == "StatefulSet":
        statefulset.simulate(rollout, spec, world, state.pods, new, old_revision, footprint)
    else:
        daemonset.simulate(rollout, spec, world, state.pods, new, old_revision, footprint)
    labels = ((template.get("metadata") or {}).get("labels")) or {}
    _note_budgets(rollout, cluster, labels if isinstance(labels, dict) else {})
    return rollout


def _note_budgets(rollout: Rollout, cluster, labels: dict) -> None:
    """Mark the steps whose deletions would take a PodDisruptionBudget of the workload's
    pods below its floor."""
    from .pdb import budgets

    found = [b for b in budgets(cluster) if b.selects(rollout.namespace, labels)]
    if not found:
        return
    expected = rollout.replicas.get("to") or 0
    for step in rollout.steps:
        if step.deleted:
            healthy = step.old_ready + step.new_ready
            step.pdb_blocked = [b.name for b in found if healthy < b.floor(expected)]
    if any(s.pdb_blocked for s in rollout.steps):
        rollout.notes.append(
            "steps marked pdbBlocked take pods below a PodDisruptionBudget's floor: the controller deletes them "
            "anyway (budgets only limit evictions), but a drain during the rollout would be blocked"
        )
