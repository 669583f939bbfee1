"""StatefulSet: pods ``<set>-<ordinal>`` (ordinals from ``spec.ordinals.start``), each
with its PersistentVolumeClaims ``<claim>-<set>-<ordinal>`` from volumeClaimTemplates.
With the default podManagementPolicy OrderedReady each pod ``waits_for`` the one before
it: the controller creates ordinal n only once n-1 is Running and Ready.

The ``controller-revision-hash`` label is the name of the set's ControllerRevision,
``<set>-<hash>``, where the hash is FNV-1 over the revision's patch (the defaulted
template under ``{"spec": {"template": ..., "$patch": "replace"}}``, as Go's JSON encoder
writes it) followed by the collision count in decimal, through SafeEncodeString.
"""

from __future__ import annotations


from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .hashing import defaulted_template, go_json
from .naming import fnv32, safe_encode
from .template import (
    clone,
    int_field,
    namespace_of,
    new_pod,
    owner_reference,
    planned_replicas,
    pod_template,
    selector_labels,
    top_owner,
)
from .validation import expect, fail

KINDS = (("apps", "StatefulSet"),)


def revision_name(name: str, template: dict, collision_count: int = 0) -> str:
    patch_template = defaulted_template(template)
    patch_template["$patch"] = "replace"
    data = go_json({"spec": {"template": patch_template}})
    h = fnv32(str(collision_count).encode(), fnv32(data))
    return f"{name[:223]}-{safe_encode(str(h))}"


def _claim_templates(obj: ManifestObject) -> list[dict]:
    claims = obj.get(("spec", "volumeClaimTemplates")) or []
    if not isinstance(claims, list):
        raise fail(obj, ("spec", "volumeClaimTemplates"), "must be a list")
    for i, claim in enumerate(claims):
        where = ("spec", "volumeClaimTemplates", i)
        expect(obj, where, claim, dict)
        expect(obj, where + ("metadata",), (claim or {}).get("metadata"), dict)
        expect(obj, where + ("spec",), (claim or {}).get("spec"), dict)
        meta = (claim or {}).get("metadata") or {}
        for key in ("labels", "annotations"):
            expect(obj, where + ("metadata", key), meta.get(key), dict)
        name = meta.get("name")
        if not isinstance(name, str) or not name:
            raise fail(obj, where + ("metadata", "name"), "is required")
    return claims


def _claim(obj: ManifestObject, template: dict, namespace: str, claim_name: str) -> dict:
    meta = template.get("metadata") or {}
    labels = dict(meta.get("labels") or {})
    labels.update(selector_labels(obj))
    metadata = {"name": claim_name, "namespace": namespace}
    if labels:
        metadata["labels"] = labels
    if meta.get("annotations"):
        metadata["annotations"] = dict(meta["annotations"])
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": metadata,
        "spec": clone(template.get("spec") or {}),
    }


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    template = pod_template(obj)
    namespace = namespace_of(obj)
    start = int_field(obj, ("spec", "ordinals", "start"), 0)
    collision_count = int_field(obj, ("status", "collisionCount"), 0)
    revision = revision_name(obj.name, template, collision_count)
    claim_templates = _claim_templates(obj)
    service = obj.get(("spec", "serviceName"))
    ref = owner_reference("apps/v1", "StatefulSet", namespace, obj.name)
    policy = obj.get(("spec", "podManagementPolicy")) or "OrderedReady"
    if policy not in ("OrderedReady", "Parallel"):
        raise fail(obj, ("spec", "podManagementPolicy"), f"must be OrderedReady or Parallel, not {policy!r}")
    ordered = policy == "OrderedReady"
    out = []
    for ordinal in range(start, start + planned_replicas(obj, ctx)):
        name = f"{obj.name}-{ordinal}"
        labels = {
            "controller-revision-hash": revision,
            "statefulset.kubernetes.io/pod-name": name,
            "apps.kubernetes.io/pod-index": str(ordinal),
        }
        pod = new_pod(template, namespace, name=name, extra_labels=labels, owner=ref)
        spec = pod["spec"]
        spec["hostname"] = name
        if isinstance(service, str) and service:
            spec["subdomain"] = service
        claims = []
        claim_volumes = []
        for claim_template in claim_templates:
            volume_name = claim_template["metadata"]["name"]
            claim_name = f"{volume_name}-{obj.name}-{ordinal}"
            claims.append(_claim(obj, claim_template, namespace, claim_name))
            claim_volumes.append({"name": volume_name, "persistentVolumeClaim": {"claimName": claim_name}})
        if claim_volumes:
            taken = {v["name"] for v in claim_volumes}
            others = [v for v in spec.get("volumes") or [] if not (isinstance(v, dict) and v.get("name") in taken)]
            spec["volumes"] = claim_volumes + others
        waits_for = f"{obj.name}-{ordinal - 1}" if ordered and ordinal > start else None
        out.append(PodToSchedule(pod, top_owner(obj), obj, claims, waits_for))
    return out
