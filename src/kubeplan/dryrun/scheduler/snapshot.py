"""The scheduler's view of the cluster during a dry run: one row per node in numpy arrays
(allocatable, requested, pod counts) plus the pods on each node, kept up to date as pods
are placed or preempted.

Nodes are ordered as kube-scheduler's node tree lists them (round robin over zones), which
is the order the filter search walks. Counters (pods matching a selector, per node) are
created on first use and then maintained incrementally, so spread and affinity checks cost
array operations instead of walks over every pod.
"""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.quantity import QuantityError, resource_value

from .podinfo import BASE_RESOURCES, PodInfo

ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")


class NodeSpecError(ValueError):
    def __init__(self, node: dict, message: str):
        super().__init__(message)
        self.node = node


def _zone_key(labels: dict) -> str:
    region = next((labels[k] for k in REGION_LABELS if k in labels), "")
    zone = next((labels[k] for k in ZONE_LABELS if k in labels), "")
    return f"{region}:\x00:{zone}"


def node_tree_order(nodes: list) -> list:
    """Nodes as kube-scheduler's nodeTree lists them: one node of each zone in turn."""
    zones: dict = {}
    for node in nodes:
        labels = (node.get("metadata") or {}).get("labels") or {}
        if not isinstance(labels, dict):
            labels = {}
        zones.setdefault(_zone_key(labels), []).append(node)
    out = []
    lists = list(zones.values())
    depth = 0
    while len(out) < len(nodes):
        for members in lists:
            if depth < len(members):
                out.append(members[depth])
        depth += 1
    return out


class Counter:
    """Pods matching ``predicate`` on each node."""

    __slots__ = ("predicate", "counts", "include_terminating", "memo")

    def __init__(self, predicate, n: int, include_terminating: bool):
        self.predicate = predicate  # PodTemplateInfo -> bool
        self.counts = np.zeros(n, dtype=np.int64)
        self.include_terminating = include_terminating
        self.memo: dict = {}

    def matches(self, pi: PodInfo) -> bool:
        if pi.terminating and not self.include_terminating:
            return False
        return self.matches_template(pi.template)

    def matches_template(self, t) -> bool:
        hit = self.memo.get(t.key)
        if hit is None:
            hit = self.memo[t.key] = bool(self.predicate(t))
        return hit


class TermGroup:
    """Existing pods' affinity terms of one kind and shape, counted per node."""

    __slots__ = ("term", "weight", "counts")

    def __init__(self, term, weight: int, n: int):
        self.term = term
        self.weight = weight
        self.counts = np.zeros(n, dtype=np.int64)


class Snapshot:
    def __init__(self, nodes: list, namespace_labels: dict | None = None):
        ordered = node_tree_order(nodes)
        self.nodes = ordered
        self.n = n = len(ordered)
        self.names = [str(node["metadata"]["name"]) for node in ordered]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.labels = []
        self.namespace_labels = namespace_labels or {}
        self.alloc: dict = {r: np.zeros(n, dtype=np.int64) for r in BASE_RESOURCES + ("pods",)}
        self.requested: dict = {r: np.zeros(n, dtype=np.int64) for r in BASE_RESOURCES}
        self.nonzero_cpu = np.zeros(n, dtype=np.int64)
        self.nonzero_memory = np.zeros(n, dtype=np.int64)
        self.pod_count = np.zeros(n, dtype=np.int64)
        self.unschedulable = np.zeros(n, dtype=bool)
        self.taints: list = []
        self.images: list = []  # per node: {image name: size}
        self.image_nodes: dict = {}  # image name -> number of nodes that have it
        self.pods: list = [[] for _ in range(n)]
        self.ports: dict = {}  # (protocol, port) -> list of (node, ip)
        self.counters: dict = {}
        self.counter_list: list = []  # append-only, so templates can remember which they matched
        self.anti_groups: dict = {}  # existing pods' required anti-affinity terms
        self.score_groups: dict = {}  # existing pods' terms that score the incoming pod
        self.group_list: list = []  # ((kind, ...), TermGroup), append-only
        self.templates: dict = {}  # pod template key -> PodTemplateInfo (see podinfo.pod_info)
        self.by_template: dict = {}  # (template key, terminating) -> [template, [node, ...]]
        self.label_index: dict = {}  # (label, value) -> by_template keys of templates with it
        self.shared: dict = {}  # per-node results shared by equal template parts (nodemasks.shared)
        self._label_ids: dict = {}
        self._image_counts: dict = {}
        for i, node in enumerate(ordered):
            try:
                self._load_node(i, node)
            except (TypeError, AttributeError, ValueError) as exc:
                if isinstance(exc, NodeSpecError):
                    raise
                raise NodeSpecError(node, f"node {self.names[i]}: a field has the wrong type ({exc})") from None
        for name, count in self._image_counts.items():
            self.image_nodes[name] = count

    def _load_node(self, i: int, node: dict) -> None:
        n = self.n
        meta = node.get("metadata") or {}
        labels = {str(k): ("" if v is None else str(v)) for k, v in (meta.get("labels") or {}).items()}
        self.labels.append(labels)
        spec = node.get("spec") or {}
        status = node.get("status") or {}
        self.unschedulable[i] = bool(spec.get("unschedulable"))
        self.taints.append([t for t in spec.get("taints") or [] if isinstance(t, dict)])
        allocatable = status.get("allocatable")
        if not isinstance(allocatable, dict) or not allocatable:
            allocatable = status.get("capacity") or {}  # a hand-written node: capacity stands in
        for name, value in allocatable.items():
            name = str(name)
            try:
                amount = resource_value(name, value)
            except QuantityError as exc:
                raise NodeSpecError(node, f"node {self.names[i]}: allocatable {name}: {exc}") from None
            if name not in self.alloc:
                self.alloc[name] = np.zeros(n, dtype=np.int64)
                self.requested[name] = np.zeros(n, dtype=np.int64)
            self.alloc[name][i] = amount
        images = {}
        for image in status.get("images") or []:
            if not isinstance(image, dict):
                continue
            size = int(image.get("sizeBytes") or 0)
            for name in image.get("names") or []:
                images[str(name)] = size
        self.images.append(images)
        for name in images:
            self._image_counts[name] = self._image_counts.get(name, 0) + 1

    # --- labels -----------------------------------------------------------------------

    def label_ids(self, key: str):
        """(ids, values): ``values[ids[i]]`` is node i's value for label ``key``; -1 if absent."""
        hit = self._label_ids.get(key)
        if hit is None:
            values: list = []
            seen: dict = {}
            ids = np.full(self.n, -1, dtype=np.int64)
            for i, labels in enumerate(self.labels):
                if key in labels:
                    v = labels[key]
                    j = seen.get(v)
                    if j is None:
                        j = seen[v] = len(values)
                        values.append(v)
                    ids[i] = j
            hit = self._label_ids[key] = (ids, values)
        return hit

    # --- pods -------------------------------------------------------------------------

    def requested_array(self, resource: str) -> np.ndarray:
        arr = self.requested.get(resource)
        if arr is None:
            arr = self.requested[resource] = np.zeros(self.n, dtype=np.int64)
            self.alloc.setdefault(resource, np.zeros(self.n, dtype=np.int64))
        return arr

    def add_pod(self, pi: PodInfo, node: int) -> None:
        self._account(pi, node, 1)
        pi.node = node
        self.pods[node].append(pi)
        self._index_template(pi, node)

    def add_pods(self, placed: list) -> None:
        """Add many (PodInfo, node) pairs at once (a cluster snapshot): the resource sums
        are added per node in bulk, the rest as add_pod does."""
        by_resource: dict = {}
        nodes = np.fromiter((node for _, node in placed), dtype=np.int64, count=len(placed))
        for i, (pi, node) in enumerate(placed):
            t = pi.template
            for resource, amount in t.requests.items():
                by_resource.setdefault(resource, ([], []))
                by_resource[resource][0].append(node)
                by_resource[resource][1].append(amount)
            if t.host_ports or t.has_affinity_terms or self.counter_list:
                # the rarer bookkeeping, one pod at a time (resources are summed below)
                self._account_terms(pi, node, 1)
            pi.node = node
            self.pods[node].append(pi)
            self._index_template(pi, node)
        for resource, (where, amounts) in by_resource.items():
            np.add.at(self.requested_array(resource), np.array(where, dtype=np.int64), np.array(amounts, dtype=np.int64))
        templates = [pi.template for pi, _ in placed]
        np.add.at(self.nonzero_cpu, nodes, np.fromiter((t.nonzero_cpu for t in templates), dtype=np.int64, count=len(placed)))
        np.add.at(self.nonzero_memory, nodes, np.fromiter((t.nonzero_memory for t in templates), dtype=np.int64, count=len(placed)))
        self.pod_count += np.bincount(nodes, minlength=self.n).astype(np.int64)

    def _index_template(self, pi: PodInfo, node: int) -> None:
        entry_key = (pi.template.key, pi.terminating)
        entry = self.by_template.get(entry_key)
        if entry is None:
            entry = self.by_template[entry_key] = [pi.template, []]
            for label in pi.template.labels.items():
                self.label_index.setdefault(label, []).append(entry_key)
        entry[1].append(node)

    def remove_pod(self, pi: PodInfo) -> None:
        node = pi.node
        self.pods[node].remove(pi)
        self._account(pi, node, -1)
        self.by_template[(pi.template.key, pi.terminating)][1].remove(node)
        pi.node = -1

    def _matching_counters(self, pi: PodInfo) -> list:
        """The counters ``pi`` counts in; each template checks every counter once."""
        key = ("counters", pi.terminating)
        seen, matched = pi.template.cache.get(key, (0, ()))
        if seen < len(self.counter_list):
            matched = list(matched) + [c for c in self.counter_list[seen:] if c.matches(pi)]
            pi.template.cache[key] = (len(self.counter_list), matched)
        return matched

    def matching_groups(self, template, predicate, cache_key: str) -> list:
        """Existing pods' term groups whose term ``predicate(group)`` accepts, remembered
        per template (groups are only ever added)."""
        seen, matched = template.cache.get(cache_key, (0, ()))
        if seen < len(self.group_list):
            matched = list(matched) + [item for item in self.group_list[seen:] if predicate(item)]
            template.cache[cache_key] = (len(self.group_list), matched)
        return matched

    def _account(self, pi: PodInfo, node: int, sign: int) -> None:
        t = pi.template
        for resource, amount in t.requests.items():
            self.requested_array(resource)[node] += sign * amount
        self.nonzero_cpu[node] += sign * t.nonzero_cpu
        self.nonzero_memory[node] += sign * t.nonzero_memory
        self.pod_count[node] += sign
        self._account_terms(pi, node, sign)

    def _account_terms(self, pi: PodInfo, node: int, sign: int) -> None:
        """Host ports, selector counters and affinity term groups of one pod."""
        t = pi.template
        for protocol, ip, port in t.host_ports:
            users = self.ports.setdefault((protocol, port), [])
            if sign > 0:
                users.append((node, ip))
            else:
                users.remove((node, ip))
        for counter in self._matching_counters(pi):
            counter.counts[node] += sign
        if t.has_affinity_terms:
            for term in t.required_anti_affinity:
                self._group(self.anti_groups, ("anti", term.key), term, 1).counts[node] += sign
            for term in t.required_affinity:
                self._group(self.score_groups, ("hard", term.key), term, 0).counts[node] += sign
            for weight, term in t.preferred_affinity:
                self._group(self.score_groups, ("pref", term.key, weight), term, weight).counts[node] += sign
            for weight, term in t.preferred_anti_affinity:
                self._group(self.score_groups, ("pref", term.key, -weight), term, -weight).counts[node] += sign

    def _group(self, groups: dict, key, term, weight: int) -> TermGroup:
        group = groups.get(key)
        if group is None:
            group = groups[key] = TermGroup(term, weight, self.n)
            self.group_list.append((key, group))
        return group

    def counter(self, key, predicate, include_terminating: bool = False, hint=None) -> np.ndarray:
        """Per-node count of pods whose template satisfies ``predicate`` (created on first use).

        ``hint`` (label, values): every template the predicate accepts has one of these
        label values, so only those templates are looked at."""
        full_key = (key, include_terminating)
        counter = self.counters.get(full_key)
        if counter is None:
            counter = Counter(predicate, self.n, include_terminating)
            if hint is None:
                candidates = self.by_template.keys()
            else:
                label, values = hint
                candidates = {k for v in values for k in self.label_index.get((label, v), ())}
            for entry_key in candidates:
                template, nodes = self.by_template[entry_key]
                if nodes and (include_terminating or not entry_key[1]) and counter.matches_template(template):
                    counter.counts += np.bincount(nodes, minlength=self.n)
            self.counters[full_key] = counter
            self.counter_list.append(counter)
        return counter.counts
