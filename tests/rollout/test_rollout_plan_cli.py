"""``kubeplan plan`` with rollouts and what-ifs, end to end through the click command."""

import json

from click.testing import CliRunner

from kubeplan.commands.plan import plan as plan_command
from rollout_helpers import deployment, node, running_deployment, write


def _invoke(argv):
    return CliRunner().invoke(plan_command, argv, standalone_mode=False, catch_exceptions=True)


def _files(tmp_path, strategy):
    cluster = write(tmp_path / "cluster.yaml", [node("a", cpu="1"), node("b", cpu="1")]
                    + running_deployment("web", 4, ["a", "b"], cpu="400m"))
    app = write(tmp_path / "app.yaml", [deployment("web", 4, image="app:1", cpu="400m", strategy=strategy)])
    return app, cluster


def test_stalled_rollout_exits_1_with_rollouts_in_json(tmp_path):
    app, cluster = _files(tmp_path, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    result = _invoke([app, "--cluster", cluster, "--format", "json"])
    assert result.exception is None and result.return_value == 1
    report = json.loads(result.output)
    assert report["version"] == 1
    assert all(p["node"] for p in report["placements"])  # the end state fits: old pods are replaced
    (rollout,) = report["rollouts"]
    assert rollout["workload"] == {"kind": "Deployment", "namespace": "default", "name": "web"}
    assert rollout["change"] == "updated" and rollout["changedFields"] == ["spec.containers[app].image"]
    assert rollout["verdict"]["result"] == "stalls" and rollout["verdict"]["stalledAtStep"] == 1
    assert rollout["verdict"]["lacks"] == {"cpu": 200}
    step = rollout["steps"][0]
    assert {k: step[k] for k in ("oldReady", "newReady", "surging", "unavailable")} == {
        "oldReady": 4, "newReady": 0, "surging": 1, "unavailable": 0}


def test_completing_rollout_exits_0_and_prints_the_step_table(tmp_path):
    app, cluster = _files(tmp_path, None)
    result = _invoke([app, "--cluster", cluster, "--no-color"])
    assert result.return_value == 0, result.output
    assert "ROLLOUTS (1)" in result.output
    assert "STEP   PODS" in result.output and "completes" in result.output
    assert "; 1 rollout, all complete" in result.output


def test_output_is_deterministic(tmp_path):
    app, cluster = _files(tmp_path, None)
    argv = [app, "--cluster", cluster, "--format", "json", "--drain", "a", "--add-nodes", "cpu=2"]
    assert _invoke(argv).output == _invoke(argv).output


def test_bad_strategy_is_a_user_error(tmp_path):
    app, cluster = _files(tmp_path, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "1x"}})
    result = _invoke([app, "--cluster", cluster])
    assert result.exception is not None and type(result.exception).__name__ == "KubeplanError"
    assert "maxSurge" in str(result.exception)


def test_whatif_text(tmp_path):
    app, cluster = _files(tmp_path, None)
    result = _invoke([app, "--cluster", cluster, "--no-color", "--fail", "node=b"])
    assert result.return_value == 1
    assert "WHAT IF: fail node=b" in result.output and "no longer fits" in result.output
    assert "CPU BEFORE -> AFTER" in result.output and "-> gone" in result.output


def test_whatifs_in_json(tmp_path):
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "api", "namespace": "default"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, "minReplicas": 1, "maxReplicas": 6}}
    cluster = write(tmp_path / "cluster.yaml", [node("a", cpu="2", zone="z1"), node("b", cpu="2", zone="z2")])
    app = write(tmp_path / "app.yaml", [deployment("api", 2, cpu="600m"), hpa])
    result = _invoke([app, "--cluster", cluster, "--format", "json", "--fail", "zone=z2", "--scale-to-max",
                      "--add-nodes", "cpu=2,memory=8Gi"])
    assert result.exception is None and result.return_value == 1
    report = json.loads(result.output)
    assert "rollouts" not in report  # nothing of the manifests runs yet
    kinds = [w["kind"] for w in report["whatIfs"]]
    assert kinds == ["fail", "scale-to-max", "add-nodes"]
    failed, scaled, estimate = report["whatIfs"]
    assert [n["name"] for n in failed["nodesAfter"]] == ["a"]
    assert len(failed["moved"]) == 1 and failed["unplaced"] == []
    # a keeps 3 x 600m after the zone loss; 3 more replicas at max do not fit on it
    assert len(scaled["unplaced"]) == 3
    assert estimate["nodesNeeded"] == 1 and estimate["stillUnfit"] == []
