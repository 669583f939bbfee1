"""The cluster a plan runs against when none is given, and synthetic node pools.

``default_cluster()``: three workers (4 vCPU / 16 GiB machines: 3920m cpu, 14848Mi memory,
95Gi ephemeral storage, 110 pods allocatable) in zones ``zone-a``, ``zone-b``,
``zone-c`` of ``region-1``, plus one control-plane node (2 vCPU / 8 GiB) in ``zone-a``
tainted ``node-role.kubernetes.io/control-plane:NoSchedule``; every node carries the
well-known labels (hostname, os, arch, zone, region, instance-type) and is Ready. The
namespaces every cluster has come with it, and a default StorageClass ``standard``
(WaitForFirstConsumer, dynamically provisioned).

``node_pool(spec)``: nodes described by the compact syntax of ``--node-pool``, documented
in docs/plan.md "Synthetic node pools"::

    3x cpu=4,memory=16Gi,pods=110 zone=a,b,c label=k=v taint=k=v:NoSchedule name=pool
"""

from __future__ import annotations

import re

from kubeplan.errors import KubeplanError

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LABEL_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_RESOURCE = re.compile(r"^(cpu|memory|pods|ephemeral-storage|hugepages-[A-Za-z0-9]+|[a-z0-9.-]+/[A-Za-z0-9._-]+)$")
_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_POOL_DEFAULTS = {"cpu": "4", "memory": "16Gi", "ephemeral-storage": "100Gi", "pods": "110"}
_MAX_POOL_NODES = 100_000
_KEYWORDS = ("zone", "region", "label", "taint", "name", "arch", "os", "instance-type", "unschedulable")

ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
CONTROL_PLANE_TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


def make_node(
    name: str,
    allocatable: dict,
    *,
    capacity: dict | None = None,
    labels: dict | None = None,
    taints: list | None = None,
    unschedulable: bool = False,
    arch: str = "amd64",
    os_name: str = "linux",
) -> dict:
    """A v1 Node as the kubelet registers it (Ready, with the well-known labels)."""
    all_labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": os_name,
        "kubernetes.io/arch": arch,
        "beta.kubernetes.io/os": os_name,
        "beta.kubernetes.io/arch": arch,
    }
    all_labels.update(labels or {})
    spec: dict = {}
    if taints:
        spec["taints"] = [dict(t) for t in taints]
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": all_labels},
        "spec": spec,
        "status": {
            "capacity": dict(capacity or allocatable),
            "allocatable": dict(allocatable),
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    }


def _namespace(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
    }


def default_cluster() -> list[dict]:
    worker_capacity = {"cpu": "4", "memory": "16384Mi", "ephemeral-storage": "100Gi", "pods": "110"}
    worker_allocatable = {"cpu": "3920m", "memory": "14848Mi", "ephemeral-storage": "95Gi", "pods": "110"}
    objects = []
    for i, zone in enumerate(("zone-a", "zone-b", "zone-c"), start=1):
        objects.append(
            make_node(
                f"worker-{i}",
                worker_allocatable,
                capacity=worker_capacity,
                labels={ZONE_LABEL: zone, REGION_LABEL: "region-1", "node.kubernetes.io/instance-type": "standard-4"},
            )
        )
    objects.append(
        make_node(
            "control-plane-1",
            {"cpu": "1930m", "memory": "6912Mi", "ephemeral-storage": "45Gi", "pods": "110"},
            capacity={"cpu": "2", "memory": "8192Mi", "ephemeral-storage": "50Gi", "pods": "110"},
            labels={
                ZONE_LABEL: "zone-a",
                REGION_LABEL: "region-1",
                "node.kubernetes.io/instance-type": "standard-2",
                "node-role.kubernetes.io/control-plane": "",
            },
            taints=[CONTROL_PLANE_TAINT],
        )
    )
    objects.extend(_namespace(n) for n in ("default", "kube-system", "kube-public", "kube-node-lease"))
    objects.append(
        {  # clusters ship a default class; claims without storageClassName get it on create
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
        }
    )
    return objects


# --- synthetic pools -----------------------------------------------------------------------


def _pool_error(spec: str, message: str) -> KubeplanError:
    return KubeplanError(f"--node-pool {spec!r}: {message} (see docs/plan.md, 'Synthetic node pools')")


def _check_label(spec: str, key: str, value: str) -> None:
    prefix, _, name = key.rpartition("/")
    if (prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix))) or len(name) > 63 or not _LABEL_NAME.match(name):
        raise _pool_error(spec, f"{key!r} is not a valid label key")
    if value and (len(value) > 63 or not _LABEL_NAME.match(value)):
        raise _pool_error(spec, f"{value!r} is not a valid label value")


def _parse_taint(spec: str, text: str) -> dict:
    body, sep, effect = text.rpartition(":")
    if not sep or effect not in _EFFECTS:
        raise _pool_error(spec, f"taint {text!r} must be key[=value]:Effect with Effect one of {', '.join(_EFFECTS)}")
    key, _, value = body.partition("=")
    if not key:
        raise _pool_error(spec, f"taint {text!r} has no key")
    _check_label(spec, key, value)
    taint = {"key": key, "effect": effect}
    if value:
        taint["value"] = value
    return taint


def _parse_resources(spec: str, token: str) -> dict:
    from kubeplan.dryrun.quantity import QuantityError, parse_quantity

    out = {}
    for item in token.split(","):
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise _pool_error(spec, f"{item!r} must be resource=quantity")
        if not _RESOURCE.match(name):
            raise _pool_error(
                spec,
                f"{name!r} is neither an option ({', '.join(_KEYWORDS)}) nor a resource name "
                "(cpu, memory, pods, ephemeral-storage, hugepages-<size>, <domain>/<name>)",
            )
        try:
            amount = parse_quantity(value)
        except QuantityError:
            raise _pool_error(spec, f"{name}={value}: {value!r} is not a quantity") from None
        if amount < 0:
            raise _pool_error(spec, f"{name}={value}: must not be negative")
        if name == "pods" and amount.denominator != 1:
            raise _pool_error(spec, f"pods={value}: must be a whole number")
        out[name] = value
    return out


def node_pool(spec: str) -> list[dict]:
    """Nodes described by one ``--node-pool`` value (see the module doc)."""
    if not isinstance(spec, str) or not spec.strip():
        raise _pool_error(str(spec), "is empty")
    tokens = spec.split()
    count = 1
    if re.fullmatch(r"\d+x?", tokens[0]):
        count = int(tokens[0].rstrip("x"))
        tokens = tokens[1:]
        if not 1 <= count <= _MAX_POOL_NODES:
            raise _pool_error(spec, f"node count must be between 1 and {_MAX_POOL_NODES}")
    resources = dict(_POOL_DEFAULTS)
    labels: dict = {}
    taints: list = []
    zones: list = []
    name = "pool"
    unschedulable = False
    arch, os_name = "amd64", "linux"
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            raise _pool_error(spec, f"{token!r} is not key=value (or a leading node count like 3x)")
        if key not in _KEYWORDS:
            resources.update(_parse_resources(spec, token))
            continue
        if not value:
            raise _pool_error(spec, f"{key}= needs a value")
        if key == "zone":
            zones = value.split(",")
            for zone in zones:
                _check_label(spec, ZONE_LABEL, zone)
        elif key == "region":
            _check_label(spec, REGION_LABEL, value)
            labels[REGION_LABEL] = value
        elif key == "label":
            for item in value.split(","):
                label_key, _, label_value = item.partition("=")
                _check_label(spec, label_key, label_value)
                labels[label_key] = label_value
        elif key == "taint":
            taints.extend(_parse_taint(spec, item) for item in value.split(","))
        elif key == "name":
            if len(value) > 50 or not _DNS_LABEL.match(value):
                raise _pool_error(spec, f"name {value!r} must be a DNS label of at most 50 characters")
            name = value
        elif key == "instance-type":
            _check_label(spec, "node.kubernetes.io/instance-type", value)
            labels["node.kubernetes.io/instance-type"] = value
        elif key == "arch":
            _check_label(spec, "kubernetes.io/arch", value)
            arch = value
        elif key == "os":
            _check_label(spec, "kubernetes.io/os", value)
            os_name = value
        elif key == "unschedulable":
            if value not in ("true", "false"):
                raise _pool_error(spec, "unschedulable must be true or false")
            unschedulable = value == "true"
    nodes = []
    for i in range(count):
        node_labels = dict(labels)
        if zones:
            node_labels[ZONE_LABEL] = zones[i % len(zones)]
        nodes.append(
            make_node(
                f"{name}-{i + 1}", resources, labels=node_labels, taints=taints,
                unschedulable=unschedulable, arch=arch, os_name=os_name,
            )
        )
    return nodes
