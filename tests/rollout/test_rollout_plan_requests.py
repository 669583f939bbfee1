"""Requests of the controllers helper, done in plan.py: OrderedReady waits, LimitRange and
ResourceQuota from the manifests."""

from kubeplan.dryrun.plan import make_plan
from rollout_helpers import cluster_of, load, node, statefulset


def test_ordered_ready_pod_is_not_created_while_its_predecessor_is_pending(tmp_path):
    cluster, _ = cluster_of(tmp_path, [node("a", cpu="1")])
    # 600m each: web-0 fits, web-1 does not, web-2 is never created
    objects = load(tmp_path / "app.yaml", [statefulset("web", replicas=3, cpu="600m")])
    plan = make_plan(objects, cluster)
    by_name = {p.pod["metadata"]["name"]: p for p in plan.placements}
    assert by_name["web-0"].node == "a"
    assert by_name["web-1"].node is None and "Insufficient cpu" in by_name["web-1"].message
    assert by_name["web-2"].node is None
    assert by_name["web-2"].message.startswith("not created: waits for pod web-1")


def test_parallel_pods_do_not_wait(tmp_path):
    cluster, _ = cluster_of(tmp_path, [node("a", cpu="1")])
    objects = load(tmp_path / "app.yaml", [statefulset("web", replicas=3, cpu="600m", podManagementPolicy="Parallel")])
    plan = make_plan(objects, cluster)
    assert all("not created" not in p.message for p in plan.placements)


def test_limit_range_and_quota_from_the_manifests_take_effect(tmp_path):
    cluster, _ = cluster_of(tmp_path, [node("a"), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}])
    limits = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "default"},
              "spec": {"limits": [{"type": "Container", "max": {"cpu": "500m"}}]}}
    quota = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "default"},
             "spec": {"hard": {"pods": "1"}}}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "1"}}}]}}
    small = [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"s{i}", "namespace": "default"},
              "spec": {"containers": [{"name": "c", "image": "x", "resources": {"limits": {"cpu": "100m", "memory": "10Mi"}}}]}}
             for i in range(2)]
    plan = make_plan(load(tmp_path / "app.yaml", [limits, quota, pod] + small), cluster)
    by_name = {p.pod["metadata"]["name"]: p for p in plan.placements}
    assert by_name["big"].rejected and "maximum cpu usage per Container is 500m" in by_name["big"].message
    assert by_name["s0"].node == "a"
    assert by_name["s1"].rejected and "exceeded quota: q" in by_name["s1"].message
