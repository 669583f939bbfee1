"""ReplicationController: like a ReplicaSet, pods ``<rc>-<5 generated characters>``.

Its selector defaults to the template's labels; a template without labels is rejected by
the API server, and so here.
"""

from __future__ import annotations

from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .template import namespace_of, new_pod, owner_reference, planned_replicas, pod_template, top_owner
from .validation import fail

KINDS = (("", "ReplicationController"),)


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    template = pod_template(obj)
    if not (template.get("metadata") or {}).get("labels") and not obj.get(("spec", "selector")):
        raise fail(obj, ("spec", "template", "metadata", "labels"), "is required when spec.selector is not set")
    namespace = namespace_of(obj)
    ref = owner_reference("v1", "ReplicationController", namespace, obj.name)
    out = []
    for _ in range(planned_replicas(obj, ctx)):
        name = ctx.names.generate(namespace, obj.name + "-")
        pod = new_pod(template, namespace, name=name, generate_name=obj.name + "-", owner=ref)
        out.append(PodToSchedule(pod, top_owner(obj), obj))
    return out
