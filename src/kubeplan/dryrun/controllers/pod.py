"""Bare Pods: scheduled as written (the API server only fills in the name of a
``generateName`` pod and the namespace)."""

from __future__ import annotations


from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .template import clone, namespace_of
from .validation import check_pod_spec, fail

KINDS = (("", "Pod"),)


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    spec = obj.get(("spec",))
    if not isinstance(spec, dict):
        raise fail(obj, ("spec",), "is required (a PodSpec)")
    if not isinstance(obj.data.get("metadata"), dict):
        raise fail(obj, ("metadata",), "is required (a mapping with name or generateName)")
    check_pod_spec(obj, ("spec",), spec)
    pod = clone(obj.data)
    meta = pod.setdefault("metadata", {})
    namespace = namespace_of(obj)
    meta["namespace"] = namespace
    if not meta.get("name"):
        base = meta.get("generateName")
        if not isinstance(base, str) or not base:
            raise fail(obj, ("metadata",), "needs a name or generateName")
        meta["name"] = ctx.names.generate(namespace, base)
    return [PodToSchedule(pod, None, obj)]
