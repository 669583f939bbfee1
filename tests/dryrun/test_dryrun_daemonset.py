from kubeplan.dryrun.controllers import expand
from kubeplan.dryrun.controllers.daemonset import DAEMON_TOLERATIONS, add_daemon_tolerations, should_run
from kubeplan.dryrun.defaults import default_cluster, make_node, node_pool

from dryrun_fixtures import load_fixture


def _node_of(p):
    terms = p.pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert len(terms) == 1 and list(terms[0]) == ["matchFields"]
    [field] = terms[0]["matchFields"]
    assert (field["key"], field["operator"]) == ("metadata.name", "In")
    return field["values"][0]


def _pods(cluster):
    out = {}
    for p in expand(load_fixture("daemonset.yaml"), cluster):
        out.setdefault(p.owner["name"], []).append(p)
    return out


def test_one_pod_per_eligible_node_of_the_default_cluster():
    pods = _pods(default_cluster())
    # the control-plane taint is not tolerated by a plain DaemonSet
    assert [_node_of(p) for p in pods["agent"]] == ["worker-1", "worker-2", "worker-3"]
    # tolerates the taint and requires the control-plane label
    assert [_node_of(p) for p in pods["cp-agent"]] == ["control-plane-1"]
    # nodeSelector on the zone label
    assert [_node_of(p) for p in pods["zone-b-only"]] == ["worker-2"]


def test_daemon_pods_carry_the_controller_tolerations_and_labels():
    pods = _pods(default_cluster())
    p = pods["agent"][0]
    assert p.pod["spec"]["tolerations"] == list(DAEMON_TOLERATIONS)
    labels = p.pod["metadata"]["labels"]
    assert labels["app"] == "agent" and labels["pod-template-generation"] == "1"
    assert set(labels["controller-revision-hash"]) <= set("456789bcdf")
    assert p.pod["metadata"]["generateName"] == "agent-"
    assert p.pod["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"
    # hostNetwork pods also tolerate network-unavailable; the template's own toleration comes first
    cp = pods["cp-agent"][0].pod["spec"]
    keys = [t["key"] for t in cp["tolerations"]]
    assert keys[0] == "node-role.kubernetes.io/control-plane"
    assert keys[-1] == "node.kubernetes.io/network-unavailable"
    # the pinning affinity replaces required terms but keeps preferred ones
    assert cp["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["weight"] == 1


def test_unschedulable_and_condition_tainted_nodes_still_get_daemon_pods():
    nodes = node_pool("2x name=n unschedulable=true taint=node.kubernetes.io/unschedulable:NoSchedule")
    nodes += node_pool("1x name=sick taint=node.kubernetes.io/not-ready:NoExecute,node.kubernetes.io/disk-pressure:NoSchedule")
    assert [_node_of(p) for p in _pods(nodes)["agent"]] == ["n-1", "n-2", "sick-1"]


def test_other_taints_exclude_nodes_but_prefer_no_schedule_does_not():
    nodes = node_pool("1x name=gpu taint=gpu=true:NoSchedule") + node_pool("1x name=soft taint=x:PreferNoSchedule")
    nodes += node_pool("1x name=evict taint=x=y:NoExecute")
    assert [_node_of(p) for p in _pods(nodes)["agent"]] == ["soft-1"]


def test_should_run_node_name_and_affinity_operators():
    node = make_node("n1", {"cpu": "1"}, labels={"tier": "3", "disk": "ssd"})
    spec = {"containers": [{"name": "a"}]}
    add_daemon_tolerations(spec)
    assert should_run(spec, node)
    assert not should_run({**spec, "nodeName": "other"}, node)
    for op, values, expected in (
        ("In", ["ssd"], True), ("NotIn", ["ssd"], False), ("Exists", None, True),
        ("DoesNotExist", None, False),
    ):
        term = {"matchExpressions": [{"key": "disk", "operator": op, **({"values": values} if values else {})}]}
        affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}
        assert should_run({**spec, "affinity": affinity}, node) is expected, op
    for op, value, expected in (("Gt", "2", True), ("Gt", "3", False), ("Lt", "4", True), ("Lt", "x", False)):
        term = {"matchExpressions": [{"key": "tier", "operator": op, "values": [value]}]}
        affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]}}}
        assert should_run({**spec, "affinity": affinity}, node) is expected, (op, value)
    # an empty term selects nothing; terms are ORed
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {}, {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}
    assert should_run({**spec, "affinity": affinity}, node)


def test_add_daemon_tolerations_does_not_duplicate():
    spec = {"tolerations": [dict(DAEMON_TOLERATIONS[0])]}
    add_daemon_tolerations(spec)
    assert len(spec["tolerations"]) == len(DAEMON_TOLERATIONS)


def test_no_nodes_no_daemon_pods():
    assert expand(load_fixture("daemonset.yaml"), None) == []
