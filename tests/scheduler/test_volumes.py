from sched_helpers import node, placement, plan, pod

ZONE = "topology.kubernetes.io/zone"


def pvc(name, storage_class=None, volume=None, size="1Gi", modes=("ReadWriteOnce",)):
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def pv(name, host=None, zone=None, storage_class="local", size="10Gi", claim=None):
    spec = {"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"], "storageClassName": storage_class}
    if host:
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [host]}]}]}}
    if claim:
        spec["claimRef"] = {"namespace": "default", "name": claim}
    meta = {"name": name}
    if zone:
        meta["labels"] = {ZONE: zone}
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": meta, "spec": spec}


def storage_class(name, provisioner="kubernetes.io/no-provisioner", mode="WaitForFirstConsumer", **extra):
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name}, "provisioner": provisioner, "volumeBindingMode": mode, **extra}


def with_claim(name, claim, **kw):
    return pod(name, cpu="0", memory="0", volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": claim}}], **kw)


def nodes():
    return [node("n1", labels={ZONE: "a"}), node("n2", labels={ZONE: "b"})]


def test_missing_claim_fails_prefilter():
    p = placement(plan([with_claim("x", "data")], nodes()), "x")
    assert p.message == (
        '0/2 nodes are available: persistentvolumeclaim "data" not found. '
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    )


def test_bound_claim_follows_pv_node_affinity_and_zone():
    objs = nodes() + [pvc("data", "local", volume="pv1"), pv("pv1", host="n2", claim="data"), storage_class("local")]
    p = placement(plan([with_claim("x", "data")], objs), "x")
    assert p.node == "n2"
    assert p.explain["filter"]["n1"]["VolumeBinding"] == "node(s) had volume node affinity conflict"
    objs = nodes() + [pvc("data", "local", volume="pv1"), pv("pv1", zone="a", claim="data"), storage_class("local")]
    p = placement(plan([with_claim("x", "data")], objs), "x")
    assert p.node == "n1"
    assert p.explain["filter"]["n2"]["VolumeZone"] == "node(s) had no available volume zone"


def test_wait_for_first_consumer_binds_local_volumes_once():
    objs = nodes() + [storage_class("local"), pvc("d1", "local"), pvc("d2", "local"), pvc("d3", "local"),
                      pv("pv-n1", host="n1"), pv("pv-n2", host="n2")]
    result = plan([with_claim("x1", "d1"), with_claim("x2", "d2"), with_claim("x3", "d3")], objs)
    assert sorted([placement(result, "x1").node, placement(result, "x2").node]) == ["n1", "n2"]
    x3 = placement(result, "x3")
    assert x3.node is None
    assert "2 node(s) didn't find available persistent volumes to bind" in x3.message


def test_immediate_unbound_claim_waits():
    objs = nodes() + [storage_class("fast", provisioner="ebs.csi.aws.com", mode="Immediate"), pvc("data", "fast")]
    p = placement(plan([with_claim("x", "data")], objs), "x")
    assert p.message.startswith("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.")


def test_dynamic_provisioning_respects_allowed_topologies():
    sc = storage_class("zonal", provisioner="pd.csi.storage.gke.io",
                       allowedTopologies=[{"matchLabelExpressions": [{"key": ZONE, "values": ["b"]}]}])
    p = placement(plan([with_claim("x", "data")], nodes() + [sc, pvc("data", "zonal")]), "x")
    assert p.node == "n2"


def test_disk_conflict_and_read_only_sharing():
    disk = {"name": "d", "gcePersistentDisk": {"pdName": "disk-1"}}
    ro = {"name": "d", "gcePersistentDisk": {"pdName": "disk-1", "readOnly": True}}
    objs = nodes() + [pod("e", cpu="0", memory="0", node_name="n1", volumes=[ro])]
    p = placement(plan([pod("x", cpu="0", memory="0", volumes=[disk])], objs), "x")
    assert p.explain["filter"]["n1"]["VolumeRestrictions"] == "node(s) had no available disk"
    p = placement(plan([pod("y", cpu="0", memory="0", volumes=[ro])], objs), "y")
    assert all(v == "passed" for v in p.explain["filter"]["n1"].values())


def test_csi_volume_limits():
    csinode = {"apiVersion": "storage.k8s.io/v1", "kind": "CSINode", "metadata": {"name": "n1"},
               "spec": {"drivers": [{"name": "ebs.csi.aws.com", "nodeID": "i-1", "allocatable": {"count": 1}}]}}
    def csi_pv(name, claim):
        out = pv(name, storage_class="ebs", claim=claim)
        out["spec"]["csi"] = {"driver": "ebs.csi.aws.com", "volumeHandle": name}
        return out
    objs = [node("n1"), csinode, storage_class("ebs", provisioner="ebs.csi.aws.com"),
            pvc("a", "ebs", volume="pv-a"), pvc("b", "ebs", volume="pv-b"), csi_pv("pv-a", "a"), csi_pv("pv-b", "b"),
            with_claim("e", "a", node_name="n1")]
    p = placement(plan([with_claim("x", "b")], objs), "x")
    assert p.explain["filter"]["n1"]["NodeVolumeLimits"] == "node(s) exceed max volume count"
