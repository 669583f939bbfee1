"""Small builders for rollout and what-if fixtures: real YAML files, loaded by the real loader."""

import yaml

from kubeplan.dryrun.cluster import Cluster
from kubeplan.model.loading import load_paths


def node(name, cpu="4", memory="16Gi", pods="110", zone=None, labels=None, unschedulable=False):
    node_labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if zone:
        node_labels["topology.kubernetes.io/zone"] = zone
    node_labels.update(labels or {})
    alloc = {"cpu": cpu, "memory": memory, "pods": pods}
    out = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": node_labels},
           "status": {"allocatable": alloc, "capacity": alloc}}
    if unschedulable:
        out["spec"] = {"unschedulable": True}
    return out


def container(image="app:1", cpu="100m", memory="128Mi"):
    return {"name": "app", "image": image, "resources": {"requests": {"cpu": cpu, "memory": memory}}}


def template(app, image="app:1", cpu="100m", memory="128Mi"):
    return {"metadata": {"labels": {"app": app}}, "spec": {"containers": [container(image, cpu, memory)]}}


def deployment(name, replicas=3, image="app:1", cpu="100m", memory="128Mi", strategy=None, **spec):
    body = {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "template": template(name, image, cpu, memory)}
    if strategy is not None:
        body["strategy"] = strategy
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"}, "spec": body}


def statefulset(name, replicas=3, image="app:1", cpu="100m", memory="128Mi", strategy=None, **spec):
    body = {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
            "template": template(name, image, cpu, memory)}
    if strategy is not None:
        body["updateStrategy"] = strategy
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": "default"}, "spec": body}


def daemonset(name, image="app:1", cpu="100m", memory="128Mi", strategy=None):
    body = {"selector": {"matchLabels": {"app": name}}, "template": template(name, image, cpu, memory)}
    if strategy is not None:
        body["updateStrategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": "default"}, "spec": body}


def pdb(name, app, min_available=None, max_unavailable=None):
    spec = {"selector": {"matchLabels": {"app": app}}}
    if min_available is not None:
        spec["minAvailable"] = min_available
    if max_unavailable is not None:
        spec["maxUnavailable"] = max_unavailable
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def write(path, docs) -> str:
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(path)


def load(path, docs) -> list:
    result = load_paths([write(path, docs)])
    assert not result.findings, result.findings
    return result.objects


def cluster_of(tmp_path, docs, name="cluster.yaml"):
    objects = load(tmp_path / name, docs)
    return Cluster.from_objects(objects), objects


def running_deployment(name, replicas, nodes, image="app:0", cpu="100m", memory="128Mi", rs_hash="old1", **kwargs):
    """A Deployment as a snapshot shows it: the object, its ReplicaSet and its pods bound
    round robin to ``nodes``."""
    dep = deployment(name, replicas, image, cpu, memory, **kwargs)
    rs_name = f"{name}-{rs_hash}"
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": rs_name, "namespace": "default",
                       "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "controller": True, "uid": "u1"}]},
          "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name, "pod-template-hash": rs_hash}},
                   "template": template(name, image, cpu, memory)},
          "status": {"replicas": replicas}}
    pods = []
    for i in range(replicas):
        pods.append(bound_pod(f"{rs_name}-p{i}", name, nodes[i % len(nodes)], cpu, memory, image,
                              owner=("ReplicaSet", rs_name), extra_labels={"pod-template-hash": rs_hash}))
    return [dep, rs] + pods


def bound_pod(name, app, node_name, cpu="100m", memory="128Mi", image="app:0", owner=None, extra_labels=None):
    labels = {"app": app}
    labels.update(extra_labels or {})
    meta = {"name": name, "namespace": "default", "labels": labels}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "controller": True, "uid": "u2"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": node_name, "containers": [container(image, cpu, memory)]},
            "status": {"phase": "Running"}}


def running_statefulset(name, replicas, nodes, image="app:0", cpu="100m", memory="128Mi", **kwargs):
    sts = statefulset(name, replicas, image, cpu, memory, **kwargs)
    pods = [bound_pod(f"{name}-{i}", name, nodes[i % len(nodes)], cpu, memory, image, owner=("StatefulSet", name),
                      extra_labels={"controller-revision-hash": f"{name}-old"}) for i in range(replicas)]
    return [sts] + pods


def running_daemonset(name, nodes, image="app:0", cpu="100m", memory="128Mi", **kwargs):
    ds = daemonset(name, image, cpu, memory, **kwargs)
    pods = [bound_pod(f"{name}-old-{n}", name, n, cpu, memory, image, owner=("DaemonSet", name),
                      extra_labels={"controller-revision-hash": "old"}) for n in nodes]
    return [ds] + pods


def rollouts(tmp_path, cluster_docs, manifests):
    from kubeplan.dryrun.plan import make_plan
    from kubeplan.dryrun.rollout import plan_rollouts

    cluster, current = cluster_of(tmp_path, cluster_docs)
    objects = load(tmp_path / "app.yaml", manifests)
    plan = make_plan(objects, cluster)
    return plan, plan_rollouts(objects, cluster, current)
