"""Bad input is normal input: every field of the fixtures, replaced by values of the wrong
type, gives either a plan or a KubeplanError, never a crash."""

import copy

import pytest

from kubeplan.dryrun.admission import admit, admit_claim
from kubeplan.dryrun.cluster import Cluster
from kubeplan.dryrun.controllers import expand
from kubeplan.dryrun.defaults import default_cluster
from kubeplan.errors import KubeplanError

from dryrun_fixtures import load_fixture

JUNK = (None, "x", 7, [1], {"a": 1}, True)


def _paths(data, prefix=()):
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return
    for key, value in items:
        yield prefix + (key,)
        yield from _paths(value, prefix + (key,))


def _replaced(data, path, value):
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def _workload_cases():
    for name in ("workloads.yaml", "daemonset.yaml", "cronjobs.yaml", "autoscaled.yaml"):
        for index, obj in enumerate(load_fixture(name)):
            for path in _paths(obj.data):
                yield pytest.param(name, index, path, id=f"{name}:{obj.kind}/{obj.name}:{'.'.join(map(str, path))}")


@pytest.mark.parametrize("fixture, index, path", list(_workload_cases()))
def test_workload_fields_of_the_wrong_type(fixture, index, path):
    for junk in JUNK:
        obj = load_fixture(fixture)[index]
        obj.data = _replaced(obj.data, path, junk)
        cluster = Cluster.from_objects(default_cluster())
        try:
            for planned in expand([obj], cluster):
                admit(planned.pod, cluster)
        except KubeplanError:
            pass


def _policy_cases():
    for index, obj in enumerate(load_fixture("admission-cluster.yaml")):
        for path in _paths(obj.data):
            if path[0] not in ("apiVersion", "kind") and path[:2] != ("metadata", "name"):
                yield pytest.param(index, path, id=f"{obj.kind}/{obj.name}:{'.'.join(map(str, path))}")


@pytest.mark.parametrize("index, path", list(_policy_cases()))
def test_policy_fields_of_the_wrong_type(index, path):
    for junk in JUNK:
        objects = [o.data for o in load_fixture("admission-cluster.yaml")]
        objects[index] = _replaced(objects[index], path, junk)
        try:
            cluster = Cluster.from_objects(objects)
            for namespace in ("team", "batch", "jobs"):
                admit({"metadata": {"name": "p", "namespace": namespace}, "spec": {
                    "priorityClassName": "high",
                    "containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}, "limits": {"memory": "1Mi"}}}],
                }}, cluster)
                admit({"metadata": {"name": "q", "namespace": namespace}, "spec": {"containers": [{"name": "a"}]}}, cluster)
            admit_claim({"metadata": {"name": "c", "namespace": "team"},
                         "spec": {"resources": {"requests": {"storage": "1Gi"}}}}, cluster)
        except KubeplanError:
            pass
