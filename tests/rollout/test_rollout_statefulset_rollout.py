"""StatefulSet rollouts: reverse ordinal order, partition, maxUnavailable, OnDelete, stalls."""

from rollout_helpers import bound_pod, node, rollouts, running_statefulset, statefulset

RU = "RollingUpdate"


def _roll(tmp_path, strategy=None, replicas=4, nodes=None, cpu="100m", **spec):
    nodes = nodes or [node("a"), node("b")]
    cluster = nodes + running_statefulset("db", replicas, [n["metadata"]["name"] for n in nodes], cpu=cpu)
    _, (r,) = rollouts(tmp_path, cluster, [statefulset("db", replicas, image="app:1", cpu=cpu, strategy=strategy, **spec)])
    return r


def test_reverse_ordinal_order_one_at_a_time(tmp_path):
    r = _roll(tmp_path)
    assert r.change == "updated" and r.settings["maxUnavailable"] == 1 and r.settings["partition"] == 0
    assert [s.deleted for s in r.steps] == [["db-3"], ["db-2"], ["db-1"], ["db-0"]]
    assert [s.created for s in r.steps] == [["db-3"], ["db-2"], ["db-1"], ["db-0"]]
    assert [(s.old_ready, s.new_ready) for s in r.steps] == [(3, 1), (2, 2), (1, 3), (0, 4)]
    assert not r.stalled


def test_partition_keeps_lower_ordinals(tmp_path):
    r = _roll(tmp_path, {"type": RU, "rollingUpdate": {"partition": 2}})
    assert [s.deleted for s in r.steps] == [["db-3"], ["db-2"]]
    assert (r.steps[-1].old_ready, r.steps[-1].new_ready) == (2, 2)
    assert any("partition 2" in n for n in r.notes)


def test_max_unavailable_batches(tmp_path):
    r = _roll(tmp_path, {"type": RU, "rollingUpdate": {"maxUnavailable": "50%"}}, replicas=5)
    assert r.settings["maxUnavailable"] == 3  # 2.5 rounds up
    assert [s.deleted for s in r.steps] == [["db-4", "db-3", "db-2"], ["db-1", "db-0"]]


def test_on_delete_replaces_nothing(tmp_path):
    r = _roll(tmp_path, {"type": "OnDelete"})
    assert r.strategy == "OnDelete" and r.steps == []
    assert any("OnDelete: 4 pod(s) keep the current revision" in n for n in r.notes)


def test_recreated_pod_that_no_longer_fits_stalls(tmp_path):
    # the new revision asks for more cpu than a node has left once its old pod is gone
    nodes = [node("a", cpu="1"), node("b", cpu="1")]
    cluster = nodes + running_statefulset("db", 2, ["a", "b"], cpu="500m")
    _, (r,) = rollouts(tmp_path, cluster, [statefulset("db", 2, image="app:1", cpu="1500m")])
    assert r.stalled and r.stalled_at == 1
    assert r.steps[0].deleted == ["db-1"] and r.steps[0].pending[0]["pod"] == "db-1"
    # 1500m never fits a 1-cpu node: no amount of free room there helps
    assert "Insufficient cpu" in r.message and r.lacks == {}
    assert any("more than a whole node has" in n for n in r.notes)


def test_stall_names_the_capacity_missing(tmp_path):
    nodes = [node("a", cpu="2"), node("b", cpu="2")]
    cluster = nodes + running_statefulset("db", 2, ["a", "b"], cpu="500m")
    cluster += [bound_pod("filler-a", "filler", "a", cpu="1200m"), bound_pod("filler-b", "filler", "b", cpu="1200m")]
    _, (r,) = rollouts(tmp_path, cluster, [statefulset("db", 2, image="app:1", cpu="1")])
    # db-1 on b: 800m free once the old pod is gone, 1 cpu asked: 200m short
    assert r.stalled and r.lacks == {"cpu": 200}


def test_ordered_ready_scale_up_stops_at_the_first_pending(tmp_path):
    nodes = [node("a", cpu="1")]
    cluster = nodes + running_statefulset("db", 1, ["a"], cpu="400m", image="app:1")
    _, (r,) = rollouts(tmp_path, cluster, [statefulset("db", 4, image="app:1", cpu="400m")])
    assert r.change == "scaled"
    (step,) = r.steps
    assert step.created == ["db-1", "db-2"]
    assert [p["pod"] for p in step.pending] == ["db-2", "db-3"]
    assert step.pending[1]["message"].startswith("not created: waits for pod db-2")
