"""``kubeplan plan`` end to end: real files, the click command, exit codes, JSON shape."""

import json

import yaml
from click.testing import CliRunner

from kubeplan.commands.plan import plan as plan_command
from sched_helpers import node, pod


def run(tmp_path, pods, cluster=None, *args):
    pod_file = tmp_path / "pods.yaml"
    pod_file.write_text(yaml.safe_dump_all(pods))
    argv = [str(pod_file)]
    if cluster is not None:
        cluster_file = tmp_path / "cluster.yaml"
        # what `kubectl get ... -o yaml` prints: one List
        cluster_file.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": cluster}))
        argv += ["--cluster", str(cluster_file)]
    result = CliRunner().invoke(plan_command, argv + list(args), standalone_mode=False, catch_exceptions=True)
    return result


def test_json_report_shape_and_exit_0(tmp_path):
    result = run(tmp_path, [pod("x", cpu="1")], [node("a"), node("b")], "--format", "json", "--explain")
    assert result.exception is None and result.return_value == 0
    report = json.loads(result.output)
    assert report["version"] == 1
    (placement,) = report["placements"]
    assert placement["pod"] == {"namespace": "default", "name": "x"}
    assert placement["owner"] is None and placement["node"] in ("a", "b")
    assert placement["nominatedNode"] is None and placement["victims"] == [] and placement["message"] == ""
    assert set(placement["explain"]) == {"filter", "score", "finalScore"}
    assert placement["explain"]["finalScore"]["a"]["TaintToleration"] == 3 * placement["explain"]["score"]["a"]["TaintToleration"]
    assert {n["name"] for n in report["nodes"]} == {"a", "b"}
    used = next(n for n in report["nodes"] if n["name"] == placement["node"])
    assert used["requested"] == {"cpu": 1000, "memory": 0, "pods": 1}


def test_exit_1_when_a_pod_cannot_be_placed(tmp_path):
    result = run(tmp_path, [pod("x", cpu="8")], [node("a")], "--format", "json")
    assert result.return_value == 1
    (placement,) = json.loads(result.output)["placements"]
    assert placement["node"] is None
    assert placement["message"] == "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."


def test_output_is_deterministic(tmp_path):
    pods = [pod(f"x{i}", cpu="100m", labels={"app": "w"}) for i in range(20)]
    cluster = [node(f"n{i}", labels={"topology.kubernetes.io/zone": f"z{i % 3}"}) for i in range(9)]
    first = run(tmp_path, pods, cluster, "--format", "json", "--explain").output
    assert run(tmp_path, pods, cluster, "--format", "json", "--explain").output == first


def test_text_report(tmp_path):
    result = run(tmp_path, [pod("x", cpu="1")], [node("a")])
    assert result.return_value == 0
    assert "x" in result.output and "a" in result.output


def test_scheduler_config_file(tmp_path):
    cfg = tmp_path / "sched.yaml"
    cfg.write_text(yaml.safe_dump({
        "apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
        "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]}],
    }))
    cluster = [node("a"), node("b"), pod("e", node_name="b", cpu="2")]
    result = run(tmp_path, [pod("x", cpu="1")], cluster, "--format", "json", "--scheduler-config", str(cfg))
    assert json.loads(result.output)["placements"][0]["node"] == "b"  # bin packing


def test_bad_input_is_a_user_error(tmp_path):
    from kubeplan.errors import KubeplanError

    bad = pod("x")
    bad["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "lots"}}
    result = run(tmp_path, [bad], [node("a")])
    assert isinstance(result.exception, KubeplanError)
    assert "pods.yaml" in str(result.exception) and "lots" in str(result.exception)
    broken_node = node("a")
    broken_node["status"]["allocatable"]["memory"] = "12 GB"
    result = run(tmp_path, [pod("x")], [broken_node])
    assert isinstance(result.exception, KubeplanError)
    assert "cluster.yaml" in str(result.exception)


def test_other_scheduler_names_are_not_handled(tmp_path):
    other = pod("x")
    other["spec"]["schedulerName"] = "volcano"
    result = run(tmp_path, [other], [node("a")], "--format", "json")
    (placement,) = json.loads(result.output)["placements"]
    assert placement["node"] is None and "not handled" in placement["message"]
    assert result.return_value == 0


def test_hpa_headroom_is_reported_without_changing_the_plan(tmp_path):
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "api"}}, "template": {
            "metadata": {"labels": {"app": "api"}},
            "spec": {"containers": [{"name": "api", "image": "api:1", "resources": {"requests": {"cpu": "1"}}}]}}},
    }
    hpa = {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "api", "namespace": "default"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": 2, "maxReplicas": 5},
    }
    result = run(tmp_path, [deployment, hpa], [node("a", cpu="4")], "--format", "json")
    assert result.return_value == 0
    report = json.loads(result.output)
    assert len(report["placements"]) == 2
    assert report["nodes"][0]["requested"]["cpu"] == 2000  # usage before the what-if
    (scaling,) = report["autoscaling"]
    assert scaling["replicas"] == 2 and scaling["maxReplicas"] == 5
    assert scaling["fitsAtMax"] is False
    assert len(scaling["unplaced"]) == 1  # 4 cpu hold 4 replicas, the 5th does not fit
    assert scaling["unplaced"][0]["message"].startswith("0/1 nodes are available: 1 Insufficient cpu.")


def test_scheduling_gated_pods_wait(tmp_path):
    gated = pod("x")
    gated["spec"]["schedulingGates"] = [{"name": "example.com/quota"}]
    result = run(tmp_path, [gated], [node("a")], "--format", "json")
    (placement,) = json.loads(result.output)["placements"]
    assert placement["node"] is None and placement["message"] == "waiting for scheduling gates: [example.com/quota]"
    assert result.return_value == 0


def test_text_explain(tmp_path):
    taint = [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}]
    result = run(tmp_path, [pod("x", cpu="1")], [node("a"), node("b"), node("c", taints=taint)], "--explain")
    text = result.output
    assert "EXPLAIN" in text
    assert "  c: TaintToleration: node(s) had untolerated taint {dedicated: x}" in text
    assert "  a: score " in text
