"""Deployment -> ReplicaSet ``<deployment>-<pod-template-hash>`` -> pods
``<replicaset>-<5 generated characters>``.

The pod-template-hash is computed as the deployment controller does (``ComputeHash``):
FNV-1a over the template, then ``status.collisionCount`` as 4 little-endian bytes when
set, and the decimal hash run through ``SafeEncodeString``. The controller feeds the hash a
dump of the Go struct of the defaulted template; kubeplan feeds it the defaulted template
as canonical JSON, so the value is stable and template-sensitive in the same way but is
not the one a live cluster would show (see docs/plan.md "Controllers").
"""

from __future__ import annotations

import struct

from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .naming import fnv32a, safe_encode
from .replicaset import replicaset_pods
from .hashing import defaulted_template, go_json
from .template import int_field, namespace_of, planned_replicas, pod_template, top_owner

KINDS = (("apps", "Deployment"), ("extensions", "Deployment"))
HASH_LABEL = "pod-template-hash"


def pod_template_hash(template: dict, collision_count: int | None = None) -> str:
    data = go_json(defaulted_template(template))
    h = fnv32a(data)
    if collision_count is not None:
        h = fnv32a(struct.pack("<I", collision_count & 0xFFFFFFFF), h)
    return safe_encode(str(h))


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    template = pod_template(obj)
    replicas = planned_replicas(obj, ctx)
    if obj.get(("spec", "paused")) is True:
        return []  # a paused Deployment creates no ReplicaSet until it is resumed
    collision_count = int_field(obj, ("status", "collisionCount"), None)
    template_hash = pod_template_hash(template, collision_count)
    return replicaset_pods(
        obj,
        ctx,
        rs_name=f"{obj.name}-{template_hash}",
        namespace=namespace_of(obj),
        template=template,
        replicas=replicas,
        owner=top_owner(obj),
        extra_labels={HASH_LABEL: template_hash},
    )
