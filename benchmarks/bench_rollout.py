"""Rollout and what-if speed: a 5,000-replica Deployment updated on 500 nodes
(RollingUpdate 25 %/25 %), then 10 nodes drained and a node estimate for what is left.

    .venv/bin/python benchmarks/bench_rollout.py [NODES] [REPLICAS]
"""

import resource
import sys
import time

from kubeplan.dryrun.cluster import Cluster
from kubeplan.dryrun.plan import make_plan
from kubeplan.dryrun.rollout import plan_rollouts
from kubeplan.dryrun.whatif import run
from kubeplan.model.objects import ManifestObject, SourceMap


def _node(i):
    labels = {"kubernetes.io/hostname": f"n{i}", "topology.kubernetes.io/zone": f"z{i % 3}"}
    alloc = {"cpu": "8", "memory": "32Gi", "pods": "110"}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"n{i}", "labels": labels}, "status": {"allocatable": alloc}}


def _template(image, cpu):
    return {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": image, "resources": {"requests": {"cpu": cpu, "memory": "256Mi"}}}]}}


def main(nodes=500, replicas=5000):
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-old", "controller": True, "uid": "u"}]
    docs = [_node(i) for i in range(nodes)]
    docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
                 "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": _template("app:1", "500m")}})
    docs.append({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-old", "namespace": "default",
                 "ownerReferences": [{**owner[0], "kind": "Deployment", "name": "web"}]},
                 "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": _template("app:1", "500m")},
                 "status": {"replicas": replicas}})
    for i in range(replicas):
        docs.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": f"web-old-{i}", "namespace": "default", "labels": {"app": "web"}, "ownerReferences": owner},
                     "spec": {"nodeName": f"n{i % nodes}", "containers": _template("app:1", "500m")["spec"]["containers"]},
                     "status": {"phase": "Running"}})
    manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": _template("app:2", "600m")}}
    objects = [ManifestObject(manifest, SourceMap("app.yaml"))]
    cluster = Cluster.from_objects(docs)
    start = time.perf_counter()
    plan = make_plan(objects, cluster)
    planned = time.perf_counter()
    (rollout,) = plan_rollouts(objects, cluster, docs)
    rolled = time.perf_counter()
    whatifs = run(plan, objects, cluster, drains=[f"n{i}" for i in range(10)], add_nodes="cpu=8,memory=32Gi")
    done = time.perf_counter()
    created = sum(len(s.created) for s in rollout.steps)
    print(f"{nodes} nodes, {replicas} replicas: plan {planned - start:.2f} s; rollout {len(rollout.steps)} steps, "
          f"{created} pods scheduled, {rolled - planned:.2f} s ({created / (rolled - planned):.0f} pods/s), {rollout.result}; "
          f"10 drains + estimate {done - rolled:.2f} s (nodes to add: {whatifs[-1].nodes_needed}); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
