"""What-ifs on the planned cluster: drains with PDBs, zone loss, HPA max, node estimates."""

import pytest

from kubeplan.dryrun import whatif
from kubeplan.dryrun.plan import make_plan
from kubeplan.errors import KubeplanError
from rollout_helpers import bound_pod, cluster_of, deployment, load, node, pdb, write


def _run(tmp_path, cluster_docs, manifests, **flags):
    cluster, _ = cluster_of(tmp_path, cluster_docs)
    objects = load(tmp_path / "app.yaml", manifests)
    plan = make_plan(objects, cluster)
    return plan, whatif.run(plan, objects, cluster, **flags)


def _three_zones(cpu="2"):
    return [node("a", cpu=cpu, zone="z1"), node("b", cpu=cpu, zone="z2"), node("c", cpu=cpu, zone="z3")]


def test_drain_moves_pods_and_ignores_daemonset_pods(tmp_path):
    cluster = _three_zones() + [bound_pod("agent-x", "agent", "a", owner=("DaemonSet", "agent"))]
    _, (result,) = _run(tmp_path, cluster, [deployment("web", 3, cpu="500m")], drains=["a"])
    assert result.kind == "drain" and not result.failed
    assert {"pod": "default/agent-x", "reason": "DaemonSet pod: ignored (--ignore-daemonsets)"} in result.ignored
    assert result.moved and all(m["from"] == "a" and m["to"] in ("b", "c") for m in result.moved)
    after = {n["name"]: n for n in result.after}
    assert after["a"]["requested"]["pods"] == 1  # only the daemon pod stays


def test_drain_respects_pod_disruption_budgets(tmp_path):
    # two nodes, the other one too full to take the evicted pod: the first eviction is
    # allowed (maxUnavailable 1) but its pod no longer fits; the second is refused
    cluster = [node("a", cpu="1"), node("b", cpu="1")]
    cluster += [bound_pod(f"web-{i}", "web", "a" if i < 2 else "b", cpu="400m", owner=("ReplicaSet", "web-1")) for i in range(4)]
    cluster.append(pdb("web", "web", max_unavailable=1))
    _, (result,) = _run(tmp_path, cluster, [], drains=["a"])
    assert [b["pdb"] for b in result.blocked] == ["web"]
    assert result.blocked[0]["message"] == "Cannot evict pod as it would violate the pod's disruption budget."
    assert len(result.unplaced) == 1 and "node(s) were unschedulable" in result.unplaced[0]["message"]
    assert result.failed


def test_drain_of_an_unknown_node_is_a_user_error(tmp_path):
    with pytest.raises(KubeplanError):
        _run(tmp_path, _three_zones(), [], drains=["nope"])


def test_zone_loss_reschedules_and_reports_what_does_not_fit(tmp_path):
    _, (result,) = _run(tmp_path, _three_zones(cpu="1"), [deployment("web", 3, cpu="600m")], fails=["zone=z1"])
    assert result.kind == "fail" and result.target == "zone=z1"
    # 3 pods x 600m on 3 nodes of 1 cpu: the pod of z1 fits nowhere else
    assert len(result.unplaced) == 1 and "Insufficient cpu" in result.unplaced[0]["message"]
    assert [n["name"] for n in result.before] != [n["name"] for n in result.after]


def test_node_loss_with_room_to_spare(tmp_path):
    _, (result,) = _run(tmp_path, _three_zones(), [deployment("web", 3, cpu="100m")], fails=["node=b"])
    assert not result.failed and len(result.moved) == 1 and result.moved[0]["from"] == "b"


def test_fail_spec_errors(tmp_path):
    with pytest.raises(KubeplanError, match="expected zone=VALUE or node=NAME"):
        _run(tmp_path, _three_zones(), [], fails=["rack=1"])
    with pytest.raises(KubeplanError, match="no such zone"):
        _run(tmp_path, _three_zones(), [], fails=["zone=z9"])


def _hpa(target, minimum, maximum):
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": target, "namespace": "default"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                     "minReplicas": minimum, "maxReplicas": maximum}}


def test_scale_to_max_reports_the_replicas_that_do_not_fit(tmp_path):
    manifests = [deployment("web", 2, cpu="1"), _hpa("web", 2, 8)]
    _, (result,) = _run(tmp_path, [node("a", cpu="2"), node("b", cpu="2")], manifests, scale_to_max_=True)
    assert result.kind == "scale-to-max"
    assert len(result.moved) == 2 and len(result.unplaced) == 4


def test_add_nodes_estimates_with_first_fit_decreasing(tmp_path):
    # 1 cpu cluster; 4 pods of 1500m and 2 of 500m pending; 4-cpu template nodes:
    # FFD packs 2 big + 2 small... big first: n1 = 1500+1500 (+500+500) , n2 = 1500+1500
    manifests = [deployment("big", 4, cpu="1500m"), deployment("small", 2, cpu="500m")]
    plan, (result,) = _run(tmp_path, [node("a", cpu="100m")], manifests, add_nodes="cpu=4,memory=16Gi")
    assert len(plan.unplaced) == 6
    assert result.nodes_needed == 2 and result.still_unfit == []


def test_add_nodes_names_pods_that_fit_no_such_node(tmp_path):
    manifests = [deployment("huge", 2, cpu="8")]
    _, (result,) = _run(tmp_path, [node("a", cpu="100m")], manifests, add_nodes="cpu=4,memory=16Gi")
    assert result.nodes_needed == 0
    assert len(result.still_unfit) == 2
    assert result.still_unfit[0]["message"].startswith("0/1 nodes are available: 1 Insufficient cpu.")


def test_add_nodes_from_a_node_manifest(tmp_path):
    template = write(tmp_path / "node.yaml", [node("big-node", cpu="16", memory="64Gi")])
    manifests = [deployment("web", 10, cpu="3")]
    _, (result,) = _run(tmp_path, [node("a", cpu="100m")], manifests, add_nodes=template)
    assert result.nodes_needed == 2  # 5 pods of 3 cpu per 16-cpu node
