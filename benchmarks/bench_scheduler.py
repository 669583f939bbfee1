"""Scheduler throughput at the Kubernetes scalability limits.

A cluster of 5,000 nodes (3 zones) already running 150,000 pods, then 10,000 new pods of
one template scheduled one after another (each placement changes what the next pod
sees), for three kinds of pods: plain (requests only), topology spread (zone + hostname,
DoNotSchedule) and pod anti-affinity (required, hostname, 10-replica apps). Reports pods
per second for the scheduling loop alone and for the whole ``make_plan`` (admission
included), and the peak resident memory.

    python benchmarks/bench_scheduler.py [--nodes 5000] [--existing 150000] [--pods 10000] [--kind plain,spread,anti]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time


def make_nodes(n: int) -> list:
    zones = ["zone-a", "zone-b", "zone-c"]
    out = []
    for i in range(n):
        name = f"node-{i:05d}"
        alloc = {"cpu": "32", "memory": "128Gi", "pods": "110", "ephemeral-storage": "500Gi"}
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "labels": {
                        "kubernetes.io/hostname": name,
                        "topology.kubernetes.io/zone": zones[i % 3],
                        "topology.kubernetes.io/region": "region-1",
                        "node.kubernetes.io/instance-type": "m5.8xlarge",
                    },
                },
                "spec": {},
                "status": {"allocatable": alloc, "capacity": dict(alloc), "conditions": [{"type": "Ready", "status": "True"}]},
            }
        )
    return out


def make_existing(n_pods: int, nodes: list) -> list:
    out = []
    for i in range(n_pods):
        app = f"existing-{i % 500}"
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"{app}-{i}", "namespace": "default", "labels": {"app": app}},
                "spec": {
                    "nodeName": nodes[i % len(nodes)]["metadata"]["name"],
                    "priority": 0,
                    "containers": [{"name": "app", "image": f"registry.example/{app}:1", "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}}],
                },
                "status": {"phase": "Running"},
            }
        )
    return out


def make_pods(kind: str, n: int) -> list:
    out = []
    for i in range(n):
        labels = {"app": "web"}
        spec = {"containers": [{"name": "app", "image": "registry.example/web:1", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}
        if kind == "spread":
            spec["topologySpreadConstraints"] = [
                {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": labels}},
                {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": labels}},
            ]
        elif kind == "anti":
            labels = {"app": f"web-{i // 10}"}
            spec["affinity"] = {
                "podAntiAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {"matchLabels": labels}, "topologyKey": "kubernetes.io/hostname"}
                    ]
                }
            }
        out.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"{kind}-{i}", "namespace": "default", "labels": labels}, "spec": spec})
    return out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_loop(kind: str, nodes: list, existing: list, n: int) -> dict:
    """The scheduling loop alone: pod parsing, filter, score, bind."""
    from kubeplan.dryrun.cluster import Cluster
    from kubeplan.dryrun.scheduler.config import build_profile, default_config
    from kubeplan.dryrun.scheduler.handle import Handle
    from kubeplan.dryrun.scheduler.podinfo import pod_info
    from kubeplan.dryrun.scheduler.scheduler import Scheduler
    from kubeplan.dryrun.scheduler.snapshot import Snapshot

    t0 = time.perf_counter()
    cluster = Cluster.from_objects(nodes + existing)
    snapshot = Snapshot(cluster.nodes, cluster.namespace_labels())
    snapshot.add_pods(
        [(pod_info(pod, {}, seq, snapshot.templates, bound=True), snapshot.index[pod["spec"]["nodeName"]]) for seq, pod in enumerate(cluster.pods)]
    )
    handle = Handle(cluster, snapshot)
    config = default_config()
    scheduler = Scheduler(build_profile(config.profiles[0], handle, None), handle)
    setup = time.perf_counter() - t0
    pods = make_pods(kind, n)
    placed = 0
    t0 = time.perf_counter()
    for seq, pod in enumerate(pods):
        pi = pod_info(pod, {}, seq, snapshot.templates)
        outcome = scheduler.schedule(pi)
        if outcome.node is not None:
            snapshot.add_pod(pi, snapshot.index[outcome.node])
            placed += 1
    elapsed = time.perf_counter() - t0
    return {"setup_s": setup, "pods": n, "placed": placed, "seconds": elapsed, "pods_per_s": n / elapsed}


def bench_plan(kind: str, nodes: list, existing: list, n: int) -> dict:
    """The whole plan: controllers, admission, scheduler, report data. The snapshot build
    (parsing the 150,000 running pods) is timed once with a single pod and subtracted."""
    from kubeplan.dryrun.cluster import Cluster
    from kubeplan.dryrun.plan import make_plan
    from kubeplan.model.objects import ManifestObject, SourceMap

    def timed(count):
        cluster = Cluster.from_objects(nodes + existing)
        objects = [ManifestObject(p, SourceMap("bench.yaml")) for p in make_pods(kind, count)]
        t0 = time.perf_counter()
        plan = make_plan(objects, cluster)
        return time.perf_counter() - t0, sum(1 for p in plan.placements if p.node)

    setup, _ = timed(1)
    elapsed, placed = timed(n)
    return {"pods": n, "placed": placed, "seconds": elapsed - setup, "setup_s": setup, "pods_per_s": n / (elapsed - setup)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--existing", type=int, default=150_000)
    ap.add_argument("--pods", type=int, default=10_000)
    ap.add_argument("--kind", default="plain,spread,anti")
    ap.add_argument("--plan", action="store_true", help="also time the whole make_plan (admission included)")
    a = ap.parse_args(argv)
    nodes = make_nodes(a.nodes)
    existing = make_existing(a.existing, nodes)
    print(f"cluster: {a.nodes} nodes, {a.existing} running pods; scheduling {a.pods} pods per kind (one core)")
    for kind in a.kind.split(","):
        r = bench_loop(kind, nodes, existing, a.pods)
        print(
            f"{kind:7s} scheduler loop: {r['pods_per_s']:8.0f} pods/s  ({r['placed']}/{r['pods']} placed in {r['seconds']:.2f} s; "
            f"snapshot build {r['setup_s']:.2f} s)"
        )
        if a.plan:
            r = bench_plan(kind, nodes, existing, a.pods)
            print(
                f"{kind:7s} make_plan:      {r['pods_per_s']:8.0f} pods/s  ({r['placed']}/{r['pods']} placed in {r['seconds']:.2f} s "
                f"after {r['setup_s']:.2f} s of snapshot build)"
            )
        sys.stdout.flush()
    print(f"peak memory: {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
