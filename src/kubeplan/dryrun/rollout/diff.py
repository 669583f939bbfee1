"""What applying the manifests changes per workload: created, unchanged, scaled or
updated, and for an update which fields of the pod template changed.

The current state comes from the cluster snapshot: the workload object itself when the
snapshot has it (``kubectl get deploy,sts,ds -o yaml``), else its ReplicaSets, else the
revision labels of its pods. A workload's current pods are found as its controller finds
them: through ``ownerReferences`` (Deployment -> ReplicaSet -> Pod), or for pods without
owners by the workload's selector in its namespace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
_REVISION_LABEL = {"Deployment": "pod-template-hash", "StatefulSet": "controller-revision-hash", "DaemonSet": "controller-revision-hash"}


@dataclass
class Current:
    obj: dict | None = None  # the workload object of the snapshot
    template: dict | None = None  # its pod template (or its newest ReplicaSet's)
    replicas: int | None = None
    pods: list = field(default_factory=list)  # pod dicts on the cluster


def _meta(data: dict) -> dict:
    meta = data.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _controller(data: dict) -> dict | None:
    refs = _meta(data).get("ownerReferences")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("controller"):
            return ref
    return None


def _selector(spec: dict):
    from kubeplan.dryrun.scheduler.labels import LabelSelector, SelectorError

    try:
        selector = LabelSelector.parse(spec.get("selector")) if isinstance(spec.get("selector"), dict) else None
    except SelectorError:
        return None
    return None if selector is None or selector.empty() else selector


def current_state(kind: str, namespace: str, name: str, spec: dict, cluster, current_objects: list) -> Current:
    out = Current()
    for data in current_objects:
        meta = _meta(data)
        if data.get("kind") == kind and meta.get("name") == name and (meta.get("namespace") or "default") == namespace:
            out.obj = data
            obj_spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
            out.template = obj_spec.get("template")
            replicas = obj_spec.get("replicas", 1 if kind != "DaemonSet" else None)
            out.replicas = replicas if isinstance(replicas, int) else None
    owners = {(kind, name)}
    if kind == "Deployment":
        for rs in cluster.replica_sets:
            ref = _controller(rs)
            meta = _meta(rs)
            if (meta.get("namespace") or "default") == namespace and ref and ref.get("kind") == "Deployment" and ref.get("name") == name:
                owners.add(("ReplicaSet", meta.get("name")))
                if out.template is None and ((rs.get("status") or {}).get("replicas") or (rs.get("spec") or {}).get("replicas")):
                    out.template = (rs.get("spec") or {}).get("template")
    selector = _selector(spec)
    for pod in cluster.pods:
        meta = _meta(pod)
        if (meta.get("namespace") or "default") != namespace:
            continue
        ref = _controller(pod)
        if ref is not None:
            if (ref.get("kind"), ref.get("name")) in owners:
                out.pods.append(pod)
            elif kind == "Deployment" and ref.get("kind") == "ReplicaSet" and ref.get("name") == f"{name}-{(meta.get('labels') or {}).get('pod-template-hash')}":
                out.pods.append(pod)  # a ReplicaSet the snapshot does not list
        elif selector is not None and selector.matches(meta.get("labels") or {}):
            out.pods.append(pod)
    out.pods.sort(key=lambda p: _meta(p).get("name") or "")
    if out.replicas is None and kind != "DaemonSet" and out.pods:
        out.replicas = len(out.pods)
    return out


def template_changes(old: dict, new: dict) -> list:
    """Paths of the pod template fields that differ (defaults applied to both sides), e.g.
    ``spec.containers[app].image``."""
    from kubeplan.dryrun.controllers.hashing import defaulted_template

    out: list = []
    _compare(_strip(defaulted_template(old)), _strip(defaulted_template(new)), "", out)
    return out


def _strip(template: dict) -> dict:
    # labels the controllers add themselves are not part of what the user changed
    labels = dict(_meta(template).get("labels") or {})
    for key in ("pod-template-hash", "controller-revision-hash", "pod-template-generation"):
        labels.pop(key, None)
    return {**template, "metadata": {**_meta(template), "labels": labels}}


def _compare(a, b, path: str, out: list) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            _compare(a.get(key), b.get(key), f"{path}.{key}" if path else str(key), out)
        return
    if isinstance(a, list) and isinstance(b, list) and _named(a) and _named(b):
        names_a = {item["name"]: item for item in a}
        names_b = {item["name"]: item for item in b}
        for name in sorted(set(names_a) | set(names_b)):
            _compare(names_a.get(name), names_b.get(name), f"{path}[{name}]", out)
        return
    if a != b:
        out.append(path)


def _named(items: list) -> bool:
    return all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items)


def classify(kind: str, current: Current, new_template: dict, new_replicas: int | None, new_revision: str | None) -> tuple:
    """(change, template_changed, changed_fields, old_revision_names)."""
    if current.obj is None and not current.pods:
        return "created", False, [], set()
    label = _REVISION_LABEL[kind]
    fields = None
    if isinstance(current.template, dict):
        try:
            fields = template_changes(current.template, new_template)
        except (TypeError, AttributeError, ValueError, KeyError):
            fields = None  # a snapshot template of odd shape: fall back to the revision labels
    if fields is not None:
        changed = bool(fields)
    else:
        revisions = {(_meta(p).get("labels") or {}).get(label) for p in current.pods}
        changed = revisions != {new_revision}
        fields = ["(unknown: the snapshot has no workload or ReplicaSet object, only its pods)"] if changed else []
    if changed:
        old = {_meta(p).get("name") for p in current.pods if (_meta(p).get("labels") or {}).get(label) != new_revision}
        return "updated", True, fields, old
    if kind != "DaemonSet" and new_replicas is not None and current.replicas != new_replicas:
        return "scaled", False, [], set()
    return "unchanged", False, [], set()
