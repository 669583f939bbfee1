import os
import subprocess
import sys

import pytest

from kubeplan.dryrun.cluster import Cluster
from kubeplan.dryrun.controllers import REFERENCE_TIME, autoscaling, expand, headroom_pods
from kubeplan.dryrun.controllers import kinds
from kubeplan.dryrun.controllers.deployment import pod_template_hash
from kubeplan.dryrun.controllers.statefulset import revision_name
from kubeplan.dryrun.defaults import default_cluster
from kubeplan.errors import KubeplanError

from dryrun_fixtures import FIXTURES, load_fixture


def _by_owner(pods):
    out = {}
    for p in pods:
        key = (p.owner or {}).get("name", "<bare>")
        out.setdefault(key, []).append(p)
    return out


def _names(pods):
    return [p.pod["metadata"]["name"] for p in pods]


@pytest.fixture(scope="module")
def workloads():
    return _by_owner(expand(load_fixture("workloads.yaml"), None))


def test_counts_per_workload(workloads):
    assert {k: len(v) for k, v in workloads.items()} == {
        "web": 3, "cache": 2, "legacy": 2, "db": 3, "migrate": 2, "<bare>": 1,
    }


def test_deployment_pods_belong_to_a_hashed_replicaset(workloads):
    pods = workloads["web"]
    template_hash = pods[0].pod["metadata"]["labels"]["pod-template-hash"]
    assert len(template_hash) == 10 and set(template_hash) <= set("456789bcdf")
    for p in pods:
        meta = p.pod["metadata"]
        assert meta["namespace"] == "shop"
        assert meta["generateName"] == f"web-{template_hash}-"
        assert meta["name"].startswith(meta["generateName"]) and len(meta["name"]) == len(meta["generateName"]) + 5
        assert meta["labels"] == {"app": "web", "pod-template-hash": template_hash}
        ref = meta["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["controller"]) == ("ReplicaSet", f"web-{template_hash}", True)
        assert p.owner == {"kind": "Deployment", "name": "web"}
        assert p.pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "250m", "memory": "256Mi"}
    assert len(set(_names(pods))) == 3


def test_pod_template_hash_follows_the_template_and_collision_count():
    template = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "a", "image": "a:1"}]}}
    same = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"image": "a:1", "name": "a"}]}}
    changed = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "a", "image": "a:2"}]}}
    # the API server's defaults are part of what is hashed, so spelling one out changes nothing
    defaulted = {"metadata": {"labels": {"app": "a"}}, "spec": {"restartPolicy": "Always", "containers": [{"name": "a", "image": "a:1"}]}}
    assert pod_template_hash(template) == pod_template_hash(same) == pod_template_hash(defaulted)
    assert pod_template_hash(template) != pod_template_hash(changed)
    assert pod_template_hash(template) != pod_template_hash(template, 1)


def test_replicaset_and_replicationcontroller_pods(workloads):
    for name, kind, api in (("cache", "ReplicaSet", "apps/v1"), ("legacy", "ReplicationController", "v1")):
        for p in workloads[name]:
            meta = p.pod["metadata"]
            assert meta["generateName"] == f"{name}-"
            assert meta["ownerReferences"][0]["kind"] == kind
            assert meta["ownerReferences"][0]["apiVersion"] == api
            assert p.owner == {"kind": kind, "name": name}
    assert workloads["legacy"][0].pod["metadata"]["namespace"] == "default"


def test_statefulset_ordinals_labels_and_claims(workloads):
    pods = workloads["db"]
    assert _names(pods) == ["db-0", "db-1", "db-2"]
    revision = pods[0].pod["metadata"]["labels"]["controller-revision-hash"]
    assert revision.startswith("db-")
    for ordinal, p in enumerate(pods):
        labels = p.pod["metadata"]["labels"]
        assert labels["statefulset.kubernetes.io/pod-name"] == f"db-{ordinal}"
        assert labels["apps.kubernetes.io/pod-index"] == str(ordinal)
        assert labels["controller-revision-hash"] == revision
        spec = p.pod["spec"]
        assert spec["hostname"] == f"db-{ordinal}" and spec["subdomain"] == "db"
        # the claim replaces the template's volume of the same name; other volumes stay
        assert spec["volumes"] == [
            {"name": "data", "persistentVolumeClaim": {"claimName": f"data-db-{ordinal}"}},
            {"name": "config", "configMap": {"name": "db-config"}},
        ]
        [claim] = p.claims
        assert claim["metadata"] == {"name": f"data-db-{ordinal}", "namespace": "shop", "labels": {"tier": "storage", "app": "db"}}
        assert claim["spec"]["storageClassName"] == "fast"
        assert claim["spec"]["resources"] == {"requests": {"storage": "10Gi"}}


def test_statefulset_ordered_ready_pods_wait_for_their_predecessor(workloads):
    assert [p.waits_for for p in workloads["db"]] == [None, "db-0", "db-1"]
    [obj] = [o for o in load_fixture("workloads.yaml") if o.kind == "StatefulSet"]
    obj.data["spec"]["podManagementPolicy"] = "Parallel"
    assert [p.waits_for for p in expand([obj], None)] == [None, None, None]
    assert all(p.waits_for is None for name, pods in workloads.items() if name != "db" for p in pods)


def test_statefulset_ordinals_start():
    [obj] = [o for o in load_fixture("workloads.yaml") if o.kind == "StatefulSet"]
    obj.data["spec"]["ordinals"] = {"start": 5}
    assert _names(expand([obj], None)) == ["db-5", "db-6", "db-7"]


def test_statefulset_revision_name_depends_on_template():
    a = {"spec": {"containers": [{"name": "a", "image": "a:1"}]}}
    b = {"spec": {"containers": [{"name": "a", "image": "a:2"}]}}
    assert revision_name("s", a) != revision_name("s", b)
    assert revision_name("s", a) == revision_name("s", a)
    assert revision_name("s", a) != revision_name("s", a, 1)


def test_job_starts_min_of_parallelism_and_completions(workloads):
    pods = workloads["migrate"]
    for p in pods:
        meta = p.pod["metadata"]
        assert meta["generateName"] == "migrate-"
        assert meta["labels"]["batch.kubernetes.io/job-name"] == "migrate"
        assert meta["labels"]["job-name"] == "migrate"
        assert meta["labels"]["controller-uid"] == meta["labels"]["batch.kubernetes.io/controller-uid"]
        assert meta["ownerReferences"][0]["kind"] == "Job"
        assert "batch.kubernetes.io/job-tracking" in meta["finalizers"]


def _job(spec_extra):
    from kubeplan.model.objects import ManifestObject, SourceMap

    spec = {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "x", "image": "x"}]}}}
    spec.update(spec_extra)
    return ManifestObject({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": spec}, SourceMap("job.yaml"))


@pytest.mark.parametrize(
    "spec, count",
    [
        ({}, 1),
        ({"completions": 5}, 1),
        ({"parallelism": 4}, 4),
        ({"parallelism": 4, "completions": 10}, 4),
        ({"parallelism": 0}, 0),
        ({"parallelism": 3, "suspend": True}, 0),
    ],
)
def test_job_defaults(spec, count):
    assert len(expand([_job(spec)], None)) == count


def test_indexed_job_names_and_index():
    pods = expand([_job({"completionMode": "Indexed", "completions": 3, "parallelism": 3})], None)
    for index, p in enumerate(pods):
        meta = p.pod["metadata"]
        assert meta["generateName"] == f"j-{index}-"
        assert meta["labels"]["batch.kubernetes.io/job-completion-index"] == str(index)
        assert meta["annotations"]["batch.kubernetes.io/job-completion-index"] == str(index)
        assert p.pod["spec"]["hostname"] == f"j-{index}"


def test_cronjob_creates_the_next_scheduled_job():
    pods = expand(load_fixture("cronjobs.yaml"), None)
    assert len(pods) == 2  # parallelism 2 of an Indexed job; the suspended CronJob makes none
    # first 02:30 UTC after the reference instant 2026-01-01T00:00Z
    minutes = int(REFERENCE_TIME.timestamp()) // 60 + 150
    job = f"nightly-{minutes}"
    for index, p in enumerate(pods):
        meta = p.pod["metadata"]
        assert meta["generateName"] == f"{job}-{index}-"
        assert meta["labels"]["batch.kubernetes.io/job-name"] == job
        assert meta["ownerReferences"][0] == {**meta["ownerReferences"][0], "kind": "Job", "name": job}
        assert p.owner == {"kind": "CronJob", "name": "nightly"}


def test_cronjob_time_zone():
    from datetime import datetime, timezone

    [obj] = [o for o in load_fixture("cronjobs.yaml") if o.name == "nightly"]
    obj.data["spec"]["timeZone"] = "Asia/Tokyo"  # 02:30 JST is 17:30 UTC the day before
    now = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    pods = expand([obj], None, now=now)
    expected = int(datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc).timestamp()) // 60
    assert pods[0].pod["metadata"]["labels"]["job-name"] == f"nightly-{expected}"


def test_bare_pod_is_kept_with_its_namespace(workloads):
    [p] = workloads["<bare>"]
    assert p.owner is None
    assert p.pod["metadata"] == {"name": "debug", "namespace": "default"}
    assert "ownerReferences" not in p.pod["metadata"]


def test_bare_pod_with_generate_name():
    from kubeplan.model.objects import ManifestObject, SourceMap

    obj = ManifestObject(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "probe-"},
         "spec": {"containers": [{"name": "x", "image": "x"}]}},
        SourceMap("p.yaml"),
    )
    [p] = expand([obj], None)
    assert p.pod["metadata"]["name"].startswith("probe-") and len(p.pod["metadata"]["name"]) == 11


def test_source_objects_are_not_modified():
    objects = load_fixture("workloads.yaml")
    import copy

    before = copy.deepcopy([o.data for o in objects])
    for p in expand(objects, None):
        p.pod["spec"]["containers"][0]["image"] = "changed"
    assert [o.data for o in objects] == before


def test_hpa_plans_at_min_replicas_and_reports_max():
    objects = load_fixture("autoscaled.yaml")
    counts = {k: len(v) for k, v in _by_owner(expand(objects, None)).items()}
    # api: max(2, minReplicas 3) = 3; queue: replicas 5 capped at maxReplicas 4
    assert counts == {"api": 3, "queue": 4}
    scalings = {s.target: s for s in autoscaling(objects)}
    api = scalings[("Deployment", "default", "api")]
    assert (api.spec_replicas, api.min_replicas, api.max_replicas, api.replicas, api.headroom) == (2, 3, 8, 3, 5)
    assert api.target_source is not None and api.hpa.name == "api"
    extra = headroom_pods(objects, None)
    assert {k: len(v) for k, v in _by_owner(extra).items()} == {"api": 5}
    at_max = _by_owner(expand(objects, None, at_max=True))
    planned = _by_owner(expand(objects, None))
    # planned pods are a prefix of the pods at maxReplicas: same names
    assert _names(at_max["api"])[:3] == _names(planned["api"])


def test_hpa_without_max_replicas_is_an_error():
    objects = load_fixture("autoscaled.yaml")
    del objects[1].data["spec"]["maxReplicas"]
    with pytest.raises(KubeplanError) as err:
        expand(objects, None)
    assert "maxReplicas" in str(err.value) and err.value.file.endswith("autoscaled.yaml")


def test_expansion_is_deterministic_across_hash_seeds():
    script = (
        "import json,sys; from kubeplan.model.loading import load_paths; "
        "from kubeplan.dryrun.controllers import expand; from kubeplan.dryrun.defaults import default_cluster; "
        "objs = load_paths([sys.argv[1], sys.argv[2]]).objects; "
        "print(json.dumps([p.pod for p in expand(objs, default_cluster())], sort_keys=True))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", script, os.path.join(FIXTURES, "workloads.yaml"), os.path.join(FIXTURES, "daemonset.yaml")],
            env=env, capture_output=True, text=True, check=True,
        ).stdout
        outputs.add(out)
    assert len(outputs) == 1


def test_seed_changes_generated_names_only():
    objects = load_fixture("workloads.yaml")
    a = expand(objects, None, seed=0)
    b = expand(objects, None, seed=7)
    assert _names(a) != _names(b)
    assert [n for n in _names(a) if n.startswith("db-")] == [n for n in _names(b) if n.startswith("db-")]


def test_kind_index_matches_the_modules():
    import importlib

    for (group, kind), module in kinds.INDEX.items():
        assert (group, kind) in importlib.import_module(f"kubeplan.dryrun.controllers.{module}").KINDS


@pytest.mark.parametrize(
    "name, line, words",
    [
        ("broken", 6, "spec.replicas must be an integer, not 'many'"),
        ("no-template", 21, "spec.template is required"),
        ("bad-schedule", 31, "minute: '61' is outside 0-59"),
        ("always", 48, "restartPolicy must be Never or OnFailure"),
    ],
)
def test_bad_workloads_are_user_errors_with_a_location(name, line, words):
    [obj] = [o for o in load_fixture("broken.yaml") if o.name == name]
    with pytest.raises(KubeplanError) as err:
        expand([obj], None)
    assert words in err.value.message
    assert err.value.file.endswith("broken.yaml")
    assert err.value.line == line


def test_cluster_object_and_plain_node_list_both_work():
    objects = load_fixture("daemonset.yaml")
    from_list = expand(objects, default_cluster())
    from_cluster = expand(objects, Cluster.from_objects(default_cluster()))
    assert [p.pod for p in from_list] == [p.pod for p in from_cluster]


def test_headroom_pods_match_a_full_expansion_at_max():
    objects = load_fixture("workloads.yaml") + load_fixture("autoscaled.yaml")
    planned = {p.pod["metadata"]["name"] for p in expand(objects, None)}
    full = [p.pod["metadata"]["name"] for p in expand(objects, None, at_max=True) if p.pod["metadata"]["name"] not in planned]
    assert [p.pod["metadata"]["name"] for p in headroom_pods(objects, None)] == full
    assert len(full) == 5
    assert headroom_pods(load_fixture("workloads.yaml"), None) == []


def test_hashed_template_carries_the_api_defaults():
    from kubeplan.dryrun.controllers.hashing import defaulted_template, go_json

    template = {"spec": {
        "containers": [{"name": "a", "image": "a", "ports": [{"containerPort": 80}],
                        "readinessProbe": {"httpGet": {"port": 80}},
                        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]}],
        "volumes": [{"name": "c", "configMap": {"name": "c"}}, {"name": "h", "hostPath": {"path": "/x"}}],
    }}
    out = defaulted_template(template)
    container = out["spec"]["containers"][0]
    assert container["imagePullPolicy"] == "Always"  # no tag means latest
    assert container["ports"][0]["protocol"] == "TCP"
    assert container["readinessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                           "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert container["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert out["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420
    assert out["spec"]["volumes"][1]["hostPath"]["type"] == ""
    assert out["metadata"] == {"creationTimestamp": None}
    assert "apiVersion" not in template["spec"]["containers"][0]["env"][0]["valueFrom"]["fieldRef"]  # input untouched
    assert go_json({"b": "<&>", "a": 1}) == b'{"a":1,"b":"\\u003c\\u0026\\u003e"}'
