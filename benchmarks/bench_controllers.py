"""Controllers and admission at the Kubernetes scalability limits.

150,000 pods from workloads of every kind (Deployments, StatefulSets with claims, Jobs,
DaemonSets over 5,000 nodes from a synthetic pool) expanded by ``controllers.expand``,
then each pod admitted against a namespace with a LimitRange and a ResourceQuota.
Reports pods per second for expansion and for admission, and the peak resident memory.

    python benchmarks/bench_controllers.py [--pods 150000] [--nodes 5000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time


def workloads(total: int) -> list:
    from kubeplan.model.objects import ManifestObject, SourceMap

    def obj(data):
        return ManifestObject(data, SourceMap("bench.yaml"))

    def template(app):
        return {
            "metadata": {"labels": {"app": app}},
            "spec": {"containers": [{"name": app, "image": f"{app}:1", "ports": [{"containerPort": 8080}],
                                     "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "256Mi"}}}]},
        }

    out = []
    per_kind = total // 4
    deployments = 100
    for i in range(deployments):
        app = f"web-{i}"
        out.append(obj({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app, "namespace": "apps"},
                        "spec": {"replicas": per_kind * 2 // deployments, "selector": {"matchLabels": {"app": app}},
                                 "template": template(app)}}))
    for i in range(50):
        app = f"db-{i}"
        out.append(obj({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": app, "namespace": "apps"},
                        "spec": {"replicas": per_kind // 50, "serviceName": app, "selector": {"matchLabels": {"app": app}},
                                 "template": template(app),
                                 "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                                           "spec": {"resources": {"requests": {"storage": "1Gi"}}}}]}}))
    for i in range(50):
        app = f"job-{i}"
        spec = template(app)
        spec["spec"]["restartPolicy"] = "Never"
        out.append(obj({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": app, "namespace": "apps"},
                        "spec": {"parallelism": per_kind // 50, "completions": per_kind // 50, "template": spec}}))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=150_000)
    parser.add_argument("--nodes", type=int, default=5_000)
    args = parser.parse_args()

    from kubeplan.dryrun.admission import admit
    from kubeplan.dryrun.cluster import Cluster
    from kubeplan.dryrun.controllers import expand
    from kubeplan.dryrun.defaults import node_pool

    objects = workloads(args.pods)
    nodes = node_pool(f"{args.nodes}x cpu=32,memory=128Gi zone=a,b,c name=node")
    policies = [
        {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "apps"},
         "spec": {"limits": [{"type": "Container", "defaultRequest": {"memory": "128Mi"}, "max": {"memory": "1Gi"}}]}},
        {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "compute", "namespace": "apps"},
         "spec": {"hard": {"requests.cpu": "100k", "pods": "1M"}}},
    ]
    cluster = Cluster.from_objects(nodes + policies)
    # the DaemonSet brings the total to --pods: one pod per node
    daemon_template = {"metadata": {"labels": {"app": "agent"}},
                       "spec": {"containers": [{"name": "agent", "image": "agent:1"}]}}
    from kubeplan.model.objects import ManifestObject, SourceMap

    objects.append(ManifestObject({"apiVersion": "apps/v1", "kind": "DaemonSet",
                                   "metadata": {"name": "agent", "namespace": "kube-system"},
                                   "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": daemon_template}},
                                  SourceMap("bench.yaml")))

    start = time.perf_counter()
    pods = expand(objects, cluster)
    expanded = time.perf_counter()
    rejected = sum(1 for p in pods if admit(p.pod, cluster).rejected)
    admitted = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pods: {len(pods)} ({sum(len(p.claims) for p in pods)} claims), rejected: {rejected}")
    print(f"expand: {expanded - start:.2f} s, {len(pods) / (expanded - start):,.0f} pods/s")
    print(f"admit:  {admitted - expanded:.2f} s, {len(pods) / (admitted - expanded):,.0f} pods/s")
    print(f"peak RSS: {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
