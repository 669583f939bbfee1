"""DefaultStorageClass: a claim without ``storageClassName`` gets the default class (the
newest if several are marked default, then by name); ``storageClassName: ""`` means no
class and stays."""

from __future__ import annotations

from .common import name_of

DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


def default_class(cluster) -> str | None:
    defaults = [
        sc for sc in getattr(cluster, "storage_classes", [])
        if ((sc.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_ANNOTATION) == "true"
    ]
    if not defaults:
        return None

    def created(sc):
        return str((sc.get("metadata") or {}).get("creationTimestamp") or "")

    newest = max(created(sc) for sc in defaults)
    return min(name_of(sc) for sc in defaults if created(sc) == newest)


def apply(pvc: dict, cluster) -> None:
    spec = pvc["spec"]
    if "storageClassName" not in spec:
        default = default_class(cluster)
        if default:
            spec["storageClassName"] = default
