"""Which workload may reach which, on which ports, under the NetworkPolicies of the input.

The NetworkPolicy API semantics (networking.k8s.io/v1):
- A pod is isolated for ingress (egress) when some policy in its namespace selects it and
  that policy's ``policyTypes`` include Ingress (Egress). ``policyTypes`` defaults to
  ``[Ingress]``, plus ``Egress`` when the policy has an ``egress`` section.
- Traffic A -> B is allowed when A's egress allows it (A not egress-isolated, or some rule
  of a policy selecting A lets it out to B) AND B's ingress allows it. Rules are unions.
- A peer with only ``podSelector`` selects pods in the policy's namespace; with only
  ``namespaceSelector``, every pod of the matching namespaces; with both, pods matching the
  pod selector in matching namespaces. An empty ``from``/``to`` list matches everything.
- Ports: an empty list means all ports; ``protocol`` defaults to TCP; a named port matches
  the destination container port of that name; ``endPort`` makes a range.
- Namespaces carry the automatic ``kubernetes.io/metadata.name`` label.

Offline, pod IPs are unknown: an ``ipBlock`` matches the pseudo-workload *external*
(traffic from or to outside the cluster) when its CIDR, less its excepts, is not empty,
and matches in-cluster pods only when it is a whole address family (``0.0.0.0/0``,
``::/0``) without excepts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from kubeplan.analysis.selectors import label_selector_matches

WORKLOAD_TEMPLATES = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
ALL = "all"


@dataclass
class Workload:
    namespace: str
    kind: str
    name: str
    labels: dict
    ports: dict = field(default_factory=dict)  # container port name -> (protocol, number)
    numbered: set = field(default_factory=set)  # (protocol, number) declared
    external: bool = False

    def ref(self) -> dict:
        return {"namespace": self.namespace, "kind": self.kind, "name": self.name}

    def label(self) -> str:
        if self.external:
            return "external"
        return f"{self.namespace}/{self.kind}/{self.name}"


EXTERNAL = Workload("", "External", "external", {}, external=True)


def workloads_of(objects) -> list:
    out = []
    for obj in objects:
        path = WORKLOAD_TEMPLATES.get(obj.kind)
        if path is None or obj.group not in ("", "apps", "batch"):
            continue
        template = obj.get(path, {}) if path else obj.data
        if not isinstance(template, dict):
            continue
        meta = template.get("metadata") if isinstance(template.get("metadata"), dict) else {}
        spec = template.get("spec") if isinstance(template.get("spec"), dict) else {}
        labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
        workload = Workload(obj.namespace or "default", obj.kind, obj.name, labels)
        for group in ("initContainers", "containers"):
            for container in spec.get(group) or []:
                if not isinstance(container, dict):
                    continue
                for port in container.get("ports") or []:
                    if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
                        proto = port.get("protocol") or "TCP"
                        workload.numbered.add((proto, port["containerPort"]))
                        if isinstance(port.get("name"), str):
                            workload.ports[port["name"]] = (proto, port["containerPort"])
        out.append(workload)
    out.sort(key=lambda w: (w.namespace, w.kind, w.name))
    return out


def namespace_labels(objects, workloads) -> dict:
    labels: dict = {}
    for obj in objects:
        if obj.kind == "Namespace" and obj.group == "":
            labels[obj.name] = dict(obj.labels)
    for w in workloads:
        labels.setdefault(w.namespace, {})
    for name, value in labels.items():
        value["kubernetes.io/metadata.name"] = name
    return labels


@dataclass
class Policy:
    namespace: str
    name: str
    pod_selector: dict
    types: tuple
    ingress: list
    egress: list


def policies_of(objects) -> list:
    out = []
    for obj in objects:
        if obj.kind != "NetworkPolicy" or obj.group != "networking.k8s.io":
            continue
        spec = obj.data.get("spec") if isinstance(obj.data.get("spec"), dict) else {}
        types = spec.get("policyTypes")
        if not isinstance(types, list) or not types:
            types = ["Ingress"] + (["Egress"] if "egress" in spec else [])
        out.append(
            Policy(
                obj.namespace or "default",
                obj.name,
                spec.get("podSelector") if isinstance(spec.get("podSelector"), dict) else {},
                tuple(types),
                [r for r in spec.get("ingress") or [] if isinstance(r, dict)],
                [r for r in spec.get("egress") or [] if isinstance(r, dict)],
            )
        )
    return out


# --- port sets: ALL, or a frozenset of (protocol, first, last) ranges -----------------

def _port_set(ports, destination: Workload):
    if not ports:
        return ALL
    out = set()
    for port in ports:
        if not isinstance(port, dict):
            continue
        proto = port.get("protocol") or "TCP"
        value = port.get("port")
        if value is None:
            out.add((proto, 1, 65535))
        elif isinstance(value, int):
            end = port.get("endPort") if isinstance(port.get("endPort"), int) else value
            out.add((proto, value, end))
        elif isinstance(value, str):
            if value.isdigit():
                out.add((proto, int(value), int(value)))
            elif destination.external:
                continue  # a named port means nothing outside the cluster
            else:
                named = destination.ports.get(value)
                if named and named[0] == proto:
                    out.add((proto, named[1], named[1]))
    return frozenset(out)


def _union(a, b):
    if a == ALL or b == ALL:
        return ALL
    return a | b


def _intersect(a, b):
    if a == ALL:
        return b
    if b == ALL:
        return a
    out = set()
    for proto, lo, hi in a:
        for proto2, lo2, hi2 in b:
            if proto == proto2 and max(lo, lo2) <= min(hi, hi2):
                out.add((proto, max(lo, lo2), min(hi, hi2)))
    return frozenset(out)


# --- peers -------------------------------------------------------------------------

def _ip_block_matches(block: dict, peer: Workload) -> bool:
    try:
        network = ipaddress.ip_network(str(block.get("cidr")), strict=False)
    except ValueError:
        return False
    excepts = []
    for text in block.get("except") or []:
        try:
            excepts.append(ipaddress.ip_network(str(text), strict=False))
        except ValueError:
            continue
    if peer.external:
        return not any(network.subnet_of(e) for e in excepts if e.version == network.version)
    return network.prefixlen == 0 and not excepts


def _peer_matches(peer: dict, policy_ns: str, other: Workload, ns_labels: dict) -> bool:
    if "ipBlock" in peer:
        return isinstance(peer["ipBlock"], dict) and _ip_block_matches(peer["ipBlock"], other)
    if other.external:
        return False
    pod_sel = peer.get("podSelector")
    ns_sel = peer.get("namespaceSelector")
    if ns_sel is None:
        if other.namespace != policy_ns:
            return False
    elif not label_selector_matches(ns_sel, ns_labels.get(other.namespace, {})):
        return False
    if pod_sel is not None and not label_selector_matches(pod_sel, other.labels):
        return False
    return pod_sel is not None or ns_sel is not None


def _selected(policy: Policy, w: Workload) -> bool:
    return not w.external and policy.namespace == w.namespace and label_selector_matches(policy.pod_selector, w.labels)


def allowed_ports(src: Workload, dst: Workload, policies: list, ns_labels: dict):
    """ALL, a frozenset of port ranges, or an empty frozenset (no traffic)."""
    # egress side
    egress = ALL
    if not src.external:
        selecting = [p for p in policies if "Egress" in p.types and _selected(p, src)]
        if selecting:
            egress = frozenset()
            for policy in selecting:
                for rule in policy.egress:
                    peers = rule.get("to")
                    if not peers or any(isinstance(p, dict) and _peer_matches(p, policy.namespace, dst, ns_labels) for p in peers):
                        egress = _union(egress, _port_set(rule.get("ports"), dst))
    if egress != ALL and not egress:
        return frozenset()
    ingress = ALL
    if not dst.external:
        selecting = [p for p in policies if "Ingress" in p.types and _selected(p, dst)]
        if selecting:
            ingress = frozenset()
            for policy in selecting:
                for rule in policy.ingress:
                    peers = rule.get("from")
                    if not peers or any(isinstance(p, dict) and _peer_matches(p, policy.namespace, src, ns_labels) for p in peers):
                        ingress = _union(ingress, _port_set(rule.get("ports"), dst))
    return _intersect(egress, ingress)


def matrix(objects) -> list:
    """[(src, dst, ports)] for every pair of workloads (plus external) with some traffic allowed."""
    workloads = workloads_of(objects)
    ns_labels = namespace_labels(objects, workloads)
    policies = policies_of(objects)
    everyone = workloads + [EXTERNAL]
    out = []
    for src in everyone:
        for dst in everyone:
            if src.external and dst.external:
                continue
            ports = allowed_ports(src, dst, policies, ns_labels)
            if ports == ALL or ports:
                out.append((src, dst, ports))
    return out


def ports_json(ports):
    if ports == ALL:
        return ALL
    out = []
    for proto, lo, hi in sorted(ports):
        entry = {"protocol": proto, "port": lo}
        if hi != lo:
            entry["endPort"] = hi
        out.append(entry)
    return out


def ports_text(ports) -> str:
    if ports == ALL:
        return "all ports"
    return ", ".join(f"{lo}/{proto}" if lo == hi else f"{lo}-{hi}/{proto}" for proto, lo, hi in sorted(ports))
