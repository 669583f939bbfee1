"""Builders for scheduler tests: nodes, pods and a one-call plan."""

from __future__ import annotations

from kubeplan.dryrun.cluster import Cluster
from kubeplan.dryrun.plan import make_plan
from kubeplan.model.objects import ManifestObject, SourceMap


def node(name, cpu="4", memory="8Gi", pods="110", labels=None, taints=None, unschedulable=False, images=None, **extra):
    alloc = {"cpu": cpu, "memory": memory, "pods": pods, **extra}
    out = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": {},
        "status": {"allocatable": dict(alloc), "capacity": dict(alloc), "conditions": [{"type": "Ready", "status": "True"}]},
    }
    if taints:
        out["spec"]["taints"] = taints
    if unschedulable:
        out["spec"]["unschedulable"] = True
    if images:
        out["status"]["images"] = images
    return out


def pod(name, cpu=None, memory=None, node_name=None, labels=None, priority=None, namespace="default", **spec):
    container = {"name": "app", "image": spec.pop("image", "registry.k8s.io/pause:3.9")}
    requests = {}
    if cpu is not None:
        requests["cpu"] = cpu
    if memory is not None:
        requests["memory"] = memory
    if requests:
        container["resources"] = {"requests": requests}
    ports = spec.pop("ports", None)
    if ports:
        container["ports"] = ports
    body = {"containers": [container], **spec}
    if node_name:
        body["nodeName"] = node_name
    if priority is not None:
        # bound pods carry the resolved value; new pods name a class (admission resolves it)
        if node_name:
            body["priority"] = priority
        body["priorityClassName"] = f"prio-{priority}"
    out = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels or {}}, "spec": body}
    if node_name:
        out["status"] = {"phase": "Running"}
    return out


def priority_classes(*values):
    return [
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": f"prio-{v}"}, "value": v}
        for v in values
    ]


def manifest(data: dict) -> ManifestObject:
    return ManifestObject(data, SourceMap("test.yaml"))


def plan(pods, cluster_objects, config=None, explain=True, seed=None):
    cluster = Cluster.from_objects(cluster_objects)
    return make_plan([manifest(p) for p in pods], cluster, config, seed=seed, explain=explain)


def placement(result, name):
    return next(p for p in result.placements if p.pod["metadata"]["name"] == name)
