"""The built-in controllers, as far as a dry run needs them: which pods each workload
creates, named and labelled as the controller would.

One module per controller; each defines ``KINDS`` ((group, kind) pairs it handles) and
``pods(obj, ctx) -> list[PodToSchedule]``. ``expand`` runs them over the manifests in
input order. HorizontalPodAutoscalers (``hpa``) do not create pods: they change how many
replicas their target is planned at.
"""

from __future__ import annotations

import gc
import importlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from kubeplan.model.objects import ManifestObject

from .kinds import INDEX as _KIND_INDEX
from .naming import NameGenerator

# The instant CronJobs are planned from when no ``now`` is given: fixed so that the Job
# name (``<cronjob>-<minutes since the epoch>``) is the same on every run.
REFERENCE_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass
class PodToSchedule:
    pod: dict  # a full v1 Pod as the controller would create it (metadata incl. labels, ownerReferences; spec)
    owner: dict | None  # {"kind": "Deployment", "name": "web"} (top-level workload) or None for bare pods
    source: ManifestObject
    claims: list = field(default_factory=list)  # PersistentVolumeClaims created with the pod (StatefulSet)
    # the pod that must be Running and Ready before the controller creates this one
    # (StatefulSet with podManagementPolicy OrderedReady: ordinal n waits for n-1)
    waits_for: str | None = None


@dataclass
class Context:
    """What one expansion shares between controllers."""

    nodes: list  # Node dicts (DaemonSets)
    names: NameGenerator
    now: datetime = REFERENCE_TIME
    replicas: dict = field(default_factory=dict)  # (kind, namespace, name) -> replicas an HPA sets


def controller_for(obj: ManifestObject):
    """The controller module for ``obj``, or None for objects that create no pods."""
    module = _KIND_INDEX.get((obj.group, obj.kind))
    return importlib.import_module(f"{__name__}.{module}") if module else None


def cluster_nodes(cluster) -> list[dict]:
    """The Node dicts of a cluster snapshot (or of a plain list of Node dicts)."""
    if cluster is None:
        return []
    nodes = getattr(cluster, "nodes", cluster)
    if isinstance(nodes, dict):
        nodes = list(nodes.values())
    out = []
    for node in nodes:
        data = node
        for attr in ("data", "node", "obj"):
            if not isinstance(data, dict) and hasattr(data, attr):
                data = getattr(data, attr)
        if isinstance(data, dict) and data.get("kind", "Node") == "Node":
            out.append(data)
    return out


def expand(
    objects: list[ManifestObject],
    cluster,
    *,
    seed: int = 0,
    now: datetime | None = None,
    at_max: bool = False,
) -> list[PodToSchedule]:
    """Every pod the controllers would create for ``objects``, in input order.

    ``at_max``: plan autoscaled workloads at their HPA's maxReplicas instead of
    max(replicas, minReplicas).
    """
    from . import hpa

    ctx = Context(cluster_nodes(cluster), NameGenerator(seed), now or REFERENCE_TIME)
    ctx.replicas = {target: (s.max_replicas if at_max else s.replicas) for target, s in hpa.by_target(objects).items()}
    for obj in objects:  # fixed names first, so generated names never take them
        if obj.kind == "Pod" and obj.metadata.get("name"):
            ctx.names.reserve(obj.namespace or "default", obj.name)
    out: list[PodToSchedule] = []
    # Expansion builds only acyclic dicts; with the cyclic collector on, its passes over a
    # heap of 100,000s of new pods cost more than building them. Afterwards the pods are
    # moved out of the collector's sight (gc.freeze): reference counting still frees them,
    # and admission and scheduling no longer pay for re-scanning them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for obj in objects:
            controller = controller_for(obj)
            if controller is not None:
                out.extend(controller.pods(obj, ctx))
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    return out


def headroom_pods(objects: list[ManifestObject], cluster, *, seed: int = 0, now: datetime | None = None) -> list[PodToSchedule]:
    """The pods autoscaled workloads add when every HPA reaches maxReplicas, beyond the plan.

    Names are generated as in ``expand`` (same seed), so the planned pods are a prefix of
    the pods at maxReplicas and these are exactly the extra ones. Only the autoscaled
    workloads are expanded (and bare pods, whose names are reserved in ``expand`` too).
    """
    from . import hpa

    targets = hpa.by_target(objects)
    if not targets:
        return []
    subset = [
        o for o in objects
        if o.kind in ("Pod", "HorizontalPodAutoscaler") or (o.kind, o.namespace or "default", o.name) in targets
    ]
    planned = {_key(p) for p in expand(subset, cluster, seed=seed, now=now)}
    return [p for p in expand(subset, cluster, seed=seed, now=now, at_max=True) if _key(p) not in planned]


def _key(p: PodToSchedule) -> tuple:
    meta = p.pod["metadata"]
    return meta["namespace"], meta["name"]


def autoscaling(objects: list[ManifestObject]):
    """One ``hpa.Autoscaling`` per HPA that targets a workload in ``objects``."""
    from . import hpa

    return hpa.autoscaling(objects)
