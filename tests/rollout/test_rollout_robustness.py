"""Bad input is normal input: strategy fields of the wrong shape and odd snapshots are
user errors with a file and line, never tracebacks."""

import pytest
from click.testing import CliRunner

from kubeplan.commands.plan import plan as plan_command
from kubeplan.errors import KubeplanError
from rollout_helpers import daemonset, deployment, node, running_daemonset, running_deployment, running_statefulset, statefulset, write

BAD = {
    "strategy-string": deployment("web", 2, image="x:2", strategy="fast"),
    "rolling-list": deployment("web", 2, image="x:2", strategy={"type": "RollingUpdate", "rollingUpdate": [1]}),
    "surge-float": deployment("web", 2, image="x:2", strategy={"rollingUpdate": {"maxSurge": 1.5}}),
    "surge-no-percent": deployment("web", 2, image="x:2", strategy={"rollingUpdate": {"maxSurge": "1"}}),
    "min-ready-string": deployment("web", 2, image="x:2", minReadySeconds="x"),
    "sts-strategy-int": statefulset("db", 2, image="x:2", strategy=7),
    "sts-partition-string": statefulset("db", 2, image="x:2", strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": "1"}}),
    "sts-type": statefulset("db", 2, image="x:2", strategy={"type": "Sometimes"}),
    "ds-rolling-string": daemonset("ag", image="x:2", strategy={"type": "RollingUpdate", "rollingUpdate": "x"}),
}


@pytest.fixture()
def cluster_file(tmp_path):
    docs = [node("a"), node("b")] + running_deployment("web", 2, ["a"]) + running_statefulset("db", 2, ["a"])
    docs += running_daemonset("ag", ["a", "b"])
    return write(tmp_path / "cluster.yaml", docs)


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_strategy_fields_are_user_errors(tmp_path, cluster_file, case):
    app = write(tmp_path / "app.yaml", [BAD[case]])
    result = CliRunner().invoke(plan_command, [app, "--cluster", cluster_file], standalone_mode=False, catch_exceptions=True)
    assert isinstance(result.exception, KubeplanError), repr(result.exception)
    assert result.exception.file == app and result.exception.line


def test_odd_snapshot_template_falls_back_to_revision_labels(tmp_path):
    docs = [node("a")] + running_deployment("web", 2, ["a"])
    docs[1]["spec"]["template"] = {"spec": {"containers": "not a list"}}
    docs[2]["metadata"]["ownerReferences"] = 5  # the API would refuse it; we do not trip over it
    cluster = write(tmp_path / "cluster.yaml", docs)
    app = write(tmp_path / "app.yaml", [deployment("web", 2, image="x:2")])
    result = CliRunner().invoke(plan_command, [app, "--cluster", cluster, "--format", "json"], standalone_mode=False, catch_exceptions=True)
    assert result.exception is None, repr(result.exception)


@pytest.mark.parametrize("flags", [["--drain", "zz"], ["--fail", "zone"], ["--fail", "node=zz"], ["--add-nodes", "cpu=lots"]])
def test_bad_whatif_flags_are_user_errors(tmp_path, cluster_file, flags):
    app = write(tmp_path / "app.yaml", [deployment("web", 2, image="x:2")])
    result = CliRunner().invoke(plan_command, [app, "--cluster", cluster_file] + flags, standalone_mode=False, catch_exceptions=True)
    assert isinstance(result.exception, KubeplanError), repr(result.exception)
