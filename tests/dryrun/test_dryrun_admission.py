from fractions import Fraction

import pytest

from kubeplan.dryrun.admission import LIMIT_RANGER_ANNOTATION, admit, format_quantity, pod_usage
from kubeplan.dryrun.admission.quantities import qty as _qty
from kubeplan.dryrun.cluster import Cluster
from kubeplan.errors import KubeplanError

from dryrun_fixtures import load_fixture


@pytest.fixture
def cluster():
    return Cluster.from_objects(load_fixture("admission-cluster.yaml"))


def pod(name, namespace="team", containers=None, **spec):
    containers = containers if containers is not None else [{"name": "app", "image": "app:1"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": containers, **spec}}


def container(name="app", requests=None, limits=None):
    resources = {}
    if requests is not None:
        resources["requests"] = requests
    if limits is not None:
        resources["limits"] = limits
    return {"name": name, "image": "app:1", "resources": resources}


@pytest.mark.parametrize(
    "text, canonical",
    [("1000", "1k"), ("1500", "1500"), ("0.5", "500m"), ("1.5", "1500m"), ("2", "2"), ("100m", "100m"),
     ("1.5Gi", "1536Mi"), ("1024Mi", "1Gi"), ("2000Mi", "2000Mi"), ("512", "512"), ("1e3", "1e3"),
     ("1G", "1G"), ("0", "0"), ("250000000n", "250m"), (3, "3")],
)
def test_quantities_print_as_the_api_server_prints_them(text, canonical):
    assert format_quantity(_qty(text)) == canonical


def test_defaults_fill_missing_requests_and_limits_and_annotate(cluster):
    p = pod("a", containers=[container(requests={"cpu": "200m"})], initContainers=[container("init")])
    result = admit(p, cluster)
    assert result.rejected is None
    app = p["spec"]["containers"][0]["resources"]
    assert app == {"requests": {"cpu": "200m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}
    assert p["spec"]["initContainers"][0]["resources"]["requests"] == {"cpu": "100m", "memory": "128Mi"}
    assert p["metadata"]["annotations"][LIMIT_RANGER_ANNOTATION] == (
        "LimitRanger plugin set: memory request for container app; cpu, memory limit for container app; "
        "cpu, memory request for init container init; cpu, memory limit for init container init"
    )


def test_limits_become_requests_before_limit_range_defaults(cluster):
    p = pod("a", containers=[container(limits={"cpu": "300m"})])
    assert admit(p, cluster).rejected is None
    assert p["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "300m"


def test_api_defaults(cluster):
    p = pod("a", namespace="elsewhere")
    assert admit(p, cluster).rejected is None
    spec = p["spec"]
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["serviceAccountName"] == "default"
    assert spec["tolerations"] == [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    ]
    custom = pod("b", namespace="elsewhere", schedulerName="my-scheduler", serviceAccountName="robot",
                 tolerations=[{"operator": "Exists"}])
    admit(custom, cluster)
    assert custom["spec"]["schedulerName"] == "my-scheduler"
    assert custom["spec"]["serviceAccountName"] == "robot"
    assert custom["spec"]["tolerations"] == [{"operator": "Exists"}]  # already tolerates everything


@pytest.mark.parametrize(
    "resources, message",
    [
        ({"requests": {"cpu": "10m"}, "limits": {"cpu": "100m"}}, "minimum cpu usage per Container is 50m, but request is 10m"),
        ({"requests": {"cpu": "100m", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
         "maximum memory usage per Container is 1Gi, but limit is 2Gi"),
        ({"requests": {"cpu": "100m"}, "limits": {"cpu": "1500m"}},
         "cpu max limit to request ratio per Container is 10, but provided ratio is 15.000000"),
        ({"requests": {"cpu": "5"}, "limits": {"cpu": "5"}}, "maximum cpu usage per Pod is 4, but limit is 5"),
    ],
)
def test_limit_range_violations(cluster, resources, message):
    p = pod("web-1", containers=[{"name": "app", "image": "x", "resources": resources}])
    result = admit(p, cluster)
    assert result.rejected == f'pods "web-1" is forbidden: {message}'
    assert result.plugin == "LimitRanger"


def test_several_limit_range_violations_are_listed_like_an_aggregate(cluster):
    p = pod("web-1", containers=[container(requests={"cpu": "10m"}, limits={"cpu": "1", "memory": "2Gi"})])
    assert admit(p, cluster).rejected == (
        'pods "web-1" is forbidden: [minimum cpu usage per Container is 50m, but request is 10m, '
        "maximum memory usage per Container is 1Gi, but limit is 2Gi, "
        "cpu max limit to request ratio per Container is 10, but provided ratio is 100.000000]"
    )


def test_quota_message_is_the_api_servers(cluster):
    ok = pod("first", containers=[container(requests={"cpu": "1"}, limits={"cpu": "1"})])
    assert admit(ok, cluster).rejected is None  # 9 + 1 = 10 fits exactly
    over = pod("second", containers=[container(requests={"cpu": "2"}, limits={"cpu": "2"})])
    result = admit(over, cluster)
    assert result.rejected == (
        'pods "second" is forbidden: exceeded quota: compute, requested: requests.cpu=2, '
        "used: requests.cpu=10, limited: requests.cpu=10"
    )
    assert result.plugin == "ResourceQuota"


def test_quota_usage_accumulates_and_is_seeded_from_snapshot_pods(cluster):
    # "memory" quota has no status: usage starts from the running pod's 512Mi limit
    results = [admit(pod(f"p{i}", "batch", [container(limits={"memory": "256Mi"})]), cluster) for i in range(3)]
    assert [r.rejected for r in results[:2]] == [None, None]
    assert results[2].rejected == (
        'pods "p2" is forbidden: exceeded quota: memory, requested: limits.memory=256Mi, '
        "used: limits.memory=1Gi, limited: limits.memory=1Gi"
    )


def test_usage_from_zero_takes_the_format_of_what_is_added():
    cluster = Cluster.from_objects([{
        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "mem", "namespace": "m"},
        "spec": {"hard": {"requests.memory": "1Gi"}},
    }])
    assert admit(pod("a", "m", [container(requests={"memory": "768Mi"})]), cluster).rejected is None
    assert admit(pod("b", "m", [container(requests={"memory": "512Mi"})]), cluster).rejected == (
        'pods "b" is forbidden: exceeded quota: mem, requested: requests.memory=512Mi, '
        "used: requests.memory=768Mi, limited: requests.memory=1Gi"
    )


def test_rejected_pods_do_not_use_quota(cluster):
    big = pod("big", containers=[container(requests={"cpu": "3"}, limits={"cpu": "3"})])
    assert admit(big, cluster).rejected
    small = pod("small", containers=[container(requests={"cpu": "1"}, limits={"cpu": "1"})])
    assert admit(small, cluster).rejected is None


def test_quota_scopes(cluster):
    # BestEffort quota (pods: 2) counts only pods without cpu/memory requests or limits
    best_effort = [admit(pod(f"be{i}", "jobs", [container()], priorityClassName="normal"), cluster) for i in range(3)]
    assert [r.rejected is None for r in best_effort] == [True, True, False]
    assert "exceeded quota: best-effort, requested: pods=1, used: pods=2, limited: pods=2" in best_effort[2].rejected
    # PriorityClass scope: one "high" pod allowed
    high = [admit(pod(f"h{i}", "jobs", [container(limits={"memory": "1Mi"})], priorityClassName="high"), cluster)
            for i in range(2)]
    assert high[0].rejected is None
    assert "exceeded quota: critical, requested: pods=1, used: pods=1, limited: pods=1" in high[1].rejected


def test_unscoped_memory_quota_requires_limits_from_every_pod(cluster):
    result = admit(pod("be", "batch", [container()]), cluster)
    assert result.rejected == 'pods "be" is forbidden: failed quota: memory: must specify limits.memory for: app'


def test_quota_requires_explicit_requests_and_limits():
    cluster = Cluster.from_objects([{
        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "strict", "namespace": "q"},
        "spec": {"hard": {"limits.cpu": "4", "requests.memory": "4Gi", "pods": "10"}},
    }])
    p = pod("x", "q", [container("a", requests={"memory": "1Gi"}), container("b")])
    assert admit(p, cluster).rejected == (
        'pods "x" is forbidden: failed quota: strict: must specify limits.cpu for: a,b; requests.memory for: b'
    )


def test_pod_usage_counts_init_containers_sidecars_and_overhead():
    spec = {
        "containers": [container(requests={"cpu": "1", "memory": "1Gi"})],
        "initContainers": [
            container("setup", requests={"cpu": "3"}),
            {**container("proxy", requests={"cpu": "500m"}), "restartPolicy": "Always"},
        ],
        "overhead": {"cpu": "100m"},
    }
    usage = pod_usage(spec)
    # max(1 + 0.5 sidecar, 3 init) + 0.1 overhead
    assert usage["requests.cpu"][0] == Fraction(31, 10)
    assert format_quantity(usage["requests.memory"]) == "1Gi"
    assert usage["pods"][0] == 1


def test_priority_resolution(cluster):
    named = pod("n", "x", priorityClassName="high")
    admit(named, cluster)
    assert (named["spec"]["priority"], named["spec"]["preemptionPolicy"]) == (1000, "Never")
    # without a class the global default applies; of two defaults the lowest value wins
    default = pod("d", "x")
    admit(default, cluster)
    assert (default["spec"]["priorityClassName"], default["spec"]["priority"]) == ("low-default", 10)
    system = pod("s", "kube-system", priorityClassName="system-node-critical")
    admit(system, cluster)
    assert system["spec"]["priority"] == 2000001000


def test_priority_without_classes_is_zero():
    p = pod("p", "x")
    admit(p, Cluster())
    assert p["spec"]["priority"] == 0 and "priorityClassName" not in p["spec"]
    assert p["spec"]["preemptionPolicy"] == "PreemptLowerPriority"


def test_stated_priority_without_a_class_is_kept(cluster):
    # lenient on purpose: exported pods and scheduler test cases carry a resolved priority
    p = pod("p", "x", priority=500, preemptionPolicy="Never")
    assert admit(p, cluster).rejected is None
    assert (p["spec"]["priority"], p["spec"]["preemptionPolicy"]) == (500, "Never")
    assert "priorityClassName" not in p["spec"]


def test_priority_errors(cluster):
    assert admit(pod("u", "x", priorityClassName="nope"), cluster).rejected == (
        'pods "u" is forbidden: no PriorityClass with name nope was found'
    )
    assert admit(pod("m", "x", priorityClassName="high", priority=5), cluster).rejected == (
        'pods "m" is forbidden: the integer value of priority (5) must not be provided in pod spec; '
        "priority admission controller computed 1000 from the given PriorityClass name"
    )
    # a priority equal to the resolved one is accepted (pods of a snapshot carry it)
    assert admit(pod("ok", "x", priorityClassName="high", priority=1000), cluster).rejected is None


def test_bad_quantity_in_a_limit_range_points_at_it():
    from dryrun_fixtures import fixture_path
    from kubeplan.model.loading import load_paths

    cluster = Cluster.from_objects(load_paths([fixture_path("bad-limitrange.yaml")]).objects)
    with pytest.raises(KubeplanError) as err:
        admit(pod("a"), cluster)
    assert err.value.file.endswith("bad-limitrange.yaml") and err.value.line == 1
    assert "spec.limits[].default.cpu" in err.value.message


def test_bad_quantity_in_a_pod_is_a_user_error(cluster):
    with pytest.raises(KubeplanError) as err:
        admit(pod("a", containers=[container(requests={"cpu": "lots"})]), cluster)
    assert "pod team/a" in err.value.message


def _claim(name, storage="10Gi", **spec):
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}, **spec}}


def _storage_cluster():
    def storage_class(name, created, default):
        meta = {"name": name, "creationTimestamp": created}
        if default:
            meta["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
        return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta, "provisioner": "x"}

    return Cluster.from_objects([
        storage_class("old-default", "2024-01-01T00:00:00Z", True),
        storage_class("new-default", "2025-01-01T00:00:00Z", True),
        storage_class("fast", "2025-06-01T00:00:00Z", False),
        {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "pvc", "namespace": "data"},
         "spec": {"limits": [{"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "50Gi"}}]}},
        {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "storage", "namespace": "data"},
         "spec": {"hard": {"persistentvolumeclaims": "3", "fast.storageclass.storage.k8s.io/requests.storage": "15Gi"}}},
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "existing", "namespace": "data"},
         "spec": {"storageClassName": "fast", "resources": {"requests": {"storage": "10Gi"}}}},
    ])


def test_claims_get_the_default_storage_class():
    from kubeplan.dryrun.admission import admit_claim

    cluster = _storage_cluster()
    claim = _claim("a")
    assert admit_claim(claim, cluster).rejected is None
    assert claim["spec"]["storageClassName"] == "new-default"  # the newest default wins
    explicit_none = _claim("b", storageClassName="")
    admit_claim(explicit_none, cluster)
    assert explicit_none["spec"]["storageClassName"] == ""


def test_claim_limit_range_and_quota():
    from kubeplan.dryrun.admission import admit_claim

    cluster = _storage_cluster()
    assert admit_claim(_claim("big", "100Gi"), cluster).rejected == (
        'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 50Gi, but request is 100Gi'
    )
    assert admit_claim(_claim("tiny", "100Mi"), cluster).rejected == (
        'persistentvolumeclaims "tiny" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 100Mi'
    )
    # the existing fast claim uses 10Gi of the 15Gi for class "fast"
    result = admit_claim(_claim("f1", "10Gi", storageClassName="fast"), cluster)
    assert result.rejected == (
        'persistentvolumeclaims "f1" is forbidden: exceeded quota: storage, '
        "requested: fast.storageclass.storage.k8s.io/requests.storage=10Gi, "
        "used: fast.storageclass.storage.k8s.io/requests.storage=10Gi, "
        "limited: fast.storageclass.storage.k8s.io/requests.storage=15Gi"
    )
    assert admit_claim(_claim("c1"), cluster).rejected is None
    assert admit_claim(_claim("c2"), cluster).rejected is None
    assert "requested: persistentvolumeclaims=1, used: persistentvolumeclaims=3, limited: persistentvolumeclaims=3" in (
        admit_claim(_claim("c3"), cluster).rejected
    )


def test_pod_level_limits_default_pod_level_requests():
    p = pod("a", "x", resources={"limits": {"cpu": "2", "memory": "1Gi", "hugepages-2Mi": "2Mi"}})
    admit(p, Cluster())
    assert p["spec"]["resources"]["requests"] == {"cpu": "2", "memory": "1Gi"}
