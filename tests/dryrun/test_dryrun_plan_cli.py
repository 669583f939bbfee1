"""controllers + admission + the text report through the real ``kubeplan plan``."""

import os
import subprocess
import sys

from dryrun_fixtures import fixture_path


def run(*args):
    return subprocess.run([sys.executable, "-m", "kubeplan", "plan", "--no-color", *args],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="random"))


def test_default_cluster_places_every_workload():
    result = run(fixture_path("workloads.yaml"), fixture_path("daemonset.yaml"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("PODS\nNAMESPACE")
    for owner in ("Deployment/web", "ReplicaSet/cache", "ReplicationController/legacy", "StatefulSet/db",
                  "Job/migrate", "DaemonSet/agent", "DaemonSet/cp-agent", "DaemonSet/zone-b-only"):
        assert owner in out
    assert "control-plane-1" in out and "NODES\n" in out
    assert out.endswith("18 pods on 4 nodes: 18 placed\n")
    # same input, same bytes
    assert run(fixture_path("workloads.yaml"), fixture_path("daemonset.yaml")).stdout == out


def test_quota_rejection_fails_the_gate_with_the_api_server_message():
    result = run(fixture_path("quota-workloads.yaml"), "--cluster", fixture_path("quota-cluster.yaml"))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    # 750m of cpu quota left: three pods of 250m fit, the fourth is refused
    assert out.count("   node-a\n") == 3
    assert "REJECTED BY ADMISSION (1)\n" in out
    assert (
        "is forbidden: exceeded quota: compute, requested: requests.cpu=250m, "
        "used: requests.cpu=10, limited: requests.cpu=10\n"
    ) in out
    assert out.endswith("4 pods on 1 node: 3 placed, 1 rejected by admission\n")


def test_quota_requires_requests_from_every_container():
    result = run(fixture_path("workloads.yaml"), "--cluster", fixture_path("quota-cluster.yaml"))
    assert result.returncode == 1
    assert 'forbidden: failed quota: compute: must specify requests.cpu for: redis' in result.stdout


def test_bad_pool_is_exit_2():
    result = run(fixture_path("workloads.yaml"), "--node-pool", "3x cpu=lots")
    assert result.returncode == 2
    assert "'lots' is not a quantity" in result.stderr
    assert "Traceback" not in result.stderr
