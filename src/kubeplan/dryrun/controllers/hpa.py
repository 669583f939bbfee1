"""HorizontalPodAutoscaler: how many replicas its target is planned at.

Before any metric arrives the HPA controller only enforces its bounds, so the target runs
``max(spec.replicas, minReplicas)`` replicas (capped at ``maxReplicas``, which the
controller also enforces). The plan places that many; ``Autoscaling.max_replicas`` and
``controllers.headroom_pods`` let it check whether the HPA's ceiling would still fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubeplan.model.objects import ManifestObject

from .template import int_field
from .validation import fail

# kinds an HPA can scale that this dry run expands, by the group of scaleTargetRef.apiVersion
_SCALABLE = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}


@dataclass
class Autoscaling:
    hpa: ManifestObject
    target: tuple  # (kind, namespace, name)
    target_source: ManifestObject | None  # the workload in the manifests, None when not among them
    spec_replicas: int  # the target's spec.replicas (1 when unset)
    min_replicas: int
    max_replicas: int
    replicas: int  # what the plan places

    @property
    def headroom(self) -> int:
        """Replicas the HPA may add beyond the plan."""
        return self.max_replicas - self.replicas


def _bounds(hpa: ManifestObject) -> tuple[int, int, tuple]:
    min_replicas = int_field(hpa, ("spec", "minReplicas"), 1, minimum=0)
    max_replicas = int_field(hpa, ("spec", "maxReplicas"), None, minimum=1)
    if max_replicas is None:
        raise fail(hpa, ("spec", "maxReplicas"), "is required")
    if max_replicas < min_replicas:
        raise fail(hpa, ("spec", "maxReplicas"), f"must be >= minReplicas ({min_replicas}), not {max_replicas}")
    ref = hpa.get(("spec", "scaleTargetRef"))
    if not isinstance(ref, dict) or not isinstance(ref.get("kind"), str) or not isinstance(ref.get("name"), str):
        raise fail(hpa, ("spec", "scaleTargetRef"), "needs kind and name")
    return min_replicas, max_replicas, (ref["kind"], hpa.namespace or "default", ref["name"])


def autoscaling(objects: list[ManifestObject]) -> list[Autoscaling]:
    workloads = {
        (o.kind, o.namespace or "default", o.name): o for o in objects if o.kind in _SCALABLE and o.name
    }
    out = []
    for obj in objects:
        if obj.kind != "HorizontalPodAutoscaler" or obj.group != "autoscaling":
            continue
        min_replicas, max_replicas, target = _bounds(obj)
        source = workloads.get(target)
        spec_replicas = 1
        if source is not None:
            spec_replicas = int_field(source, ("spec", "replicas"), 1)
        planned = min(max(spec_replicas, min_replicas), max_replicas)
        out.append(Autoscaling(obj, target, source, spec_replicas, min_replicas, max_replicas, planned))
    return out


def by_target(objects: list[ManifestObject]) -> dict:
    """(kind, namespace, name) -> Autoscaling; the first HPA wins where two target one workload."""
    out: dict = {}
    for scaling in autoscaling(objects):
        out.setdefault(scaling.target, scaling)
    return out
