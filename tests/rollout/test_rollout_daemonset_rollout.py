"""DaemonSet rollouts: per-node surge, maxUnavailable, OnDelete."""

from rollout_helpers import daemonset, node, rollouts, running_daemonset

RU = "RollingUpdate"


def _nodes(cpus):
    return [node(f"n{i}", cpu=c) for i, c in enumerate(cpus)]


def test_max_unavailable_replaces_node_by_node(tmp_path):
    nodes = _nodes(["2", "2", "2"])
    cluster = nodes + running_daemonset("agent", ["n0", "n1", "n2"])
    _, (r,) = rollouts(tmp_path, cluster, [daemonset("agent", image="app:1")])
    assert r.settings == {"maxSurge": 0, "maxUnavailable": 1}
    assert len(r.steps) == 3 and all(len(s.deleted) == 1 and len(s.created) == 1 for s in r.steps)
    assert not r.stalled and r.steps[-1].new_ready == 3


def test_surge_needs_room_beside_the_old_pod_on_the_same_node(tmp_path):
    # n1 has no room for a second daemon pod: the surge pod for n1 stays pending
    nodes = _nodes(["2", "1", "2"])
    cluster = nodes + running_daemonset("agent", ["n0", "n1", "n2"], cpu="600m")
    strategy = {"type": RU, "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    _, (r,) = rollouts(tmp_path, cluster, [daemonset("agent", image="app:1", cpu="600m", strategy=strategy)])
    assert r.settings == {"maxSurge": 1, "maxUnavailable": 0}
    assert r.steps[0].surging == 1 and r.steps[0].deleted  # n0: new beside old, then old goes
    assert r.stalled and r.stalled_at == 2
    assert "Insufficient cpu" in r.message
    assert r.peak_extra["cpu"] == 600 and r.peak_extra["pods"] == 1


def test_surge_percentage_rounds_up(tmp_path):
    nodes = _nodes(["4"] * 4)
    cluster = nodes + running_daemonset("agent", [n["metadata"]["name"] for n in nodes])
    strategy = {"type": RU, "rollingUpdate": {"maxSurge": "30%", "maxUnavailable": 0}}
    _, (r,) = rollouts(tmp_path, cluster, [daemonset("agent", image="app:1", strategy=strategy)])
    assert r.settings["maxSurge"] == 2  # 1.2 -> 2
    assert [len(s.created) for s in r.steps] == [2, 2]


def test_on_delete(tmp_path):
    cluster = _nodes(["2", "2"]) + running_daemonset("agent", ["n0", "n1"])
    _, (r,) = rollouts(tmp_path, cluster, [daemonset("agent", image="app:1", strategy={"type": "OnDelete"})])
    assert r.steps == [] and any("OnDelete" in n for n in r.notes)
