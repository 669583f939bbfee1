"""Deployment rollouts on real clusters: steps, stalls, capacity."""

from rollout_helpers import deployment, node, pdb, rollouts, running_deployment

RU = "RollingUpdate"


def _tight(tmp_path, strategy, replicas=4, cpu="400m"):
    cluster = [node("a", cpu="1"), node("b", cpu="1")] + running_deployment("web", replicas, ["a", "b"], cpu=cpu)
    return rollouts(tmp_path, cluster, [deployment("web", replicas, image="app:1", cpu=cpu, strategy=strategy)])


def test_tight_cluster_surge_only_stalls_at_step_1_with_the_capacity_it_lacks(tmp_path):
    _, (r,) = _tight(tmp_path, {"type": RU, "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}})
    assert r.change == "updated" and r.changed_fields == ["spec.containers[app].image"]
    assert r.settings["maxSurge"] == 1 and r.settings["maxUnavailable"] == 0
    assert r.stalled and r.stalled_at == 1
    assert r.message.startswith("0/2 nodes are available: 2 Insufficient cpu.")
    # each node has 200m free; the 400m surge pod needs 200m more on one of them
    assert r.lacks == {"cpu": 200}
    (step,) = r.steps
    assert (step.old_ready, step.new_ready, step.surging, step.unavailable) == (4, 0, 1, 0)
    assert len(step.pending) == 1


def test_unavailable_budget_lets_the_same_rollout_complete(tmp_path):
    _, (r,) = _tight(tmp_path, None)  # defaults 25 %/25 %: surge 1, unavailable 1
    assert not r.stalled
    last = r.steps[-1]
    assert (last.old_ready, last.new_ready, last.unavailable) == (0, 4, 0)
    # never more than maxUnavailable down, never more than replicas + maxSurge pods
    for step in r.steps:
        assert step.unavailable <= 1 and step.old_ready + step.new_ready + len(step.pending) <= 5


def test_roomy_cluster_surges_and_needs_peak_extra(tmp_path):
    cluster = [node("a", cpu="8"), node("b", cpu="8")] + running_deployment("web", 10, ["a", "b"], cpu="500m")
    _, (r,) = rollouts(tmp_path, cluster, [deployment("web", 10, image="app:1", cpu="500m")])
    assert r.settings == {"maxSurge": 3, "maxUnavailable": 2}
    first = r.steps[0]
    # step 1: 3 surge pods created, 2 old deleted (minAvailable 8 of 10)
    assert (len(first.created), len(first.deleted)) == (3, 2)
    assert (first.old_ready, first.new_ready, first.surging, first.unavailable) == (8, 3, 1, 0)
    assert not r.stalled and r.steps[-1].new_ready == 10
    assert r.peak_extra["cpu"] == 1500 and r.peak_extra["pods"] == 3


def test_recreate_deletes_everything_first(tmp_path):
    _, (r,) = _tight(tmp_path, {"type": "Recreate"})
    assert [s.action for s in r.steps] == ["scale old ReplicaSets to 0", "scale new ReplicaSet to 4"]
    assert r.steps[0].unavailable == 4 and len(r.steps[0].deleted) == 4
    assert r.steps[1].new_ready == 4 and not r.stalled
    assert r.peak_extra["cpu"] == 0


def test_scaled_and_unchanged(tmp_path):
    cluster = [node("a")] + running_deployment("web", 2, ["a"], image="app:1")
    _, (r,) = rollouts(tmp_path, cluster, [deployment("web", 3, image="app:1")])
    assert r.change == "scaled" and not r.template_changed
    assert r.replicas == {"from": 2, "to": 3} and len(r.steps[0].created) == 1
    _, (same,) = rollouts(tmp_path, cluster, [deployment("web", 2, image="app:1")])
    assert same.change == "unchanged" and same.steps == []


def test_min_ready_and_progress_deadline_are_noted(tmp_path):
    cluster = [node("a")] + running_deployment("web", 2, ["a"])
    _, (r,) = rollouts(tmp_path, cluster, [deployment("web", 2, image="app:1", minReadySeconds=30, progressDeadlineSeconds=120)])
    assert r.settings["minReadySeconds"] == 30 and r.settings["progressDeadlineSeconds"] == 120
    assert any("minReadySeconds 30" in n for n in r.notes)


def test_pdb_notes_steps_below_its_floor(tmp_path):
    cluster = [node("a", cpu="1"), node("b", cpu="1")] + running_deployment("web", 4, ["a", "b"], cpu="400m")
    cluster.append(pdb("web", "web", min_available=4))
    _, (r,) = rollouts(tmp_path, cluster, [deployment("web", 4, image="app:1", cpu="400m")])
    assert any(s.pdb_blocked == ["web"] for s in r.steps)
    assert any("PodDisruptionBudget" in n for n in r.notes)


def test_created_workload_next_to_an_existing_one(tmp_path):
    cluster = [node("a")] + running_deployment("web", 1, ["a"])
    _, found = rollouts(tmp_path, cluster, [deployment("web", 1, image="app:1"), deployment("api", 2)])
    by_name = {r.name: r for r in found}
    assert by_name["api"].change == "created" and len(by_name["api"].steps[0].created) == 2


def test_no_rollouts_when_nothing_exists_yet(tmp_path):
    _, found = rollouts(tmp_path, [node("a")], [deployment("web", 2)])
    assert found == []


def test_paused_deployment_does_not_roll_out(tmp_path):
    cluster = [node("a")] + running_deployment("web", 2, ["a"])
    _, (r,) = rollouts(tmp_path, cluster, [deployment("web", 2, image="app:1", paused=True)])
    assert r.change == "updated" and r.steps == [] and not r.stalled
    assert any(n.startswith("paused") for n in r.notes)


def test_placement_plan_keeps_the_pods_of_a_paused_deployment(tmp_path):
    cluster = [node("a", cpu="1")] + running_deployment("web", 2, ["a"], cpu="400m")
    plan, _ = rollouts(tmp_path, cluster, [deployment("web", 2, image="app:1", paused=True), deployment("api", 1, cpu="400m")])
    # the paused Deployment's 800m still run: the new 400m pod does not fit
    assert [p.node for p in plan.placements] == [None]


def test_placement_plan_replaces_the_pods_of_an_updated_deployment(tmp_path):
    cluster = [node("a", cpu="1")] + running_deployment("web", 2, ["a"], cpu="400m")
    plan, _ = rollouts(tmp_path, cluster, [deployment("web", 2, image="app:1", cpu="400m")])
    assert [p.node for p in plan.placements] == ["a", "a"]  # the end state: the old pods are gone
