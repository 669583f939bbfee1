"""ReplicaSet: ``replicas`` pods named ``<replicaset>-<5 generated characters>``.

``replicaset_pods`` is shared with the Deployment controller, whose ReplicaSet creates
the pods while the Deployment is reported as their owner.
"""

from __future__ import annotations

from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .template import namespace_of, new_pod, owner_reference, planned_replicas, pod_template, top_owner

KINDS = (("apps", "ReplicaSet"), ("extensions", "ReplicaSet"))


def replicaset_pods(
    source: ManifestObject,
    ctx,
    *,
    rs_name: str,
    namespace: str,
    template: dict,
    replicas: int,
    owner: dict,
    extra_labels: dict | None = None,
) -> list[PodToSchedule]:
    ref = owner_reference("apps/v1", "ReplicaSet", namespace, rs_name)
    out = []
    for _ in range(replicas):
        name = ctx.names.generate(namespace, rs_name + "-")
        pod = new_pod(template, namespace, name=name, generate_name=rs_name + "-", extra_labels=extra_labels, owner=ref)
        out.append(PodToSchedule(pod, owner, source))
    return out


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    template = pod_template(obj)
    return replicaset_pods(
        obj,
        ctx,
        rs_name=obj.name,
        namespace=namespace_of(obj),
        template=template,
        replicas=planned_replicas(obj, ctx),
        owner=top_owner(obj),
    )
