"""DaemonSet: one pod per eligible node, named ``<daemonset>-<5 generated characters>``.

A node is eligible as the DaemonSet controller decides it (``NodeShouldRunDaemonPod``):
the template's nodeName (if any) names it, its labels satisfy nodeSelector and the
required node affinity, and every NoSchedule/NoExecute taint is tolerated by the pod
*with* the tolerations the controller adds to every daemon pod (``DAEMON_TOLERATIONS``,
plus network-unavailable for hostNetwork pods). Each pod is pinned to its node with the
node affinity the controller sets (``matchFields metadata.name In [node]``), replacing
the template's required node affinity terms, and the default scheduler places it.
"""

from __future__ import annotations

from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .deployment import pod_template_hash
from .nodematch import required_affinity_matches, untolerated_taint
from .template import int_field, namespace_of, new_pod, owner_reference, pod_template, top_owner

KINDS = (("apps", "DaemonSet"), ("extensions", "DaemonSet"))

DAEMON_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)
HOST_NETWORK_TOLERATION = {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"}


def _same_toleration(a: dict, b: dict) -> bool:
    return all((a.get(k) or "") == (b.get(k) or "") for k in ("key", "operator", "value", "effect"))


def add_daemon_tolerations(spec: dict) -> None:
    """AddOrUpdateDaemonPodTolerations: append each unless an identical one is there."""
    tolerations = [t for t in spec.get("tolerations") or [] if isinstance(t, dict)]
    wanted = list(DAEMON_TOLERATIONS)
    if spec.get("hostNetwork") is True:
        wanted.append(HOST_NETWORK_TOLERATION)
    for toleration in wanted:
        if not any(_same_toleration(t, toleration) for t in tolerations):
            tolerations.append(dict(toleration))
    spec["tolerations"] = tolerations


def pin_to_node(spec: dict, node_name: str) -> None:
    affinity = spec.get("affinity") if isinstance(spec.get("affinity"), dict) else {}
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity.get("nodeAffinity"), dict) else {}
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
        "nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
        ]
    }
    affinity["nodeAffinity"] = node_affinity
    spec["affinity"] = affinity


def should_run(spec: dict, node: dict) -> bool:
    """``spec`` already carries the daemon tolerations."""
    name = (node.get("metadata") or {}).get("name")
    if spec.get("nodeName") and spec.get("nodeName") != name:
        return False
    if not required_affinity_matches(spec, node):
        return False
    taints = (node.get("spec") or {}).get("taints") or []
    return untolerated_taint(taints, spec.get("tolerations") or []) is None


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    template = pod_template(obj)
    namespace = namespace_of(obj)
    collision_count = int_field(obj, ("status", "collisionCount"), None)
    labels = {
        "controller-revision-hash": pod_template_hash(template, collision_count),
        "pod-template-generation": str(int_field(obj, ("metadata", "generation"), 1)),
    }
    ref = owner_reference("apps/v1", "DaemonSet", namespace, obj.name)
    # the fields eligibility reads, with the controller's tolerations: built once, not per node
    probe = {k: template["spec"][k] for k in ("nodeName", "nodeSelector", "affinity", "tolerations", "hostNetwork")
             if k in template["spec"]}
    add_daemon_tolerations(probe)
    out = []
    for node in ctx.nodes:
        if not should_run(probe, node):
            continue
        node_name = node["metadata"]["name"]
        name = ctx.names.generate(namespace, obj.name + "-")
        pod = new_pod(template, namespace, name=name, generate_name=obj.name + "-", extra_labels=labels, owner=ref)
        add_daemon_tolerations(pod["spec"])
        pin_to_node(pod["spec"], node_name)
        out.append(PodToSchedule(pod, top_owner(obj), obj))
    return out
