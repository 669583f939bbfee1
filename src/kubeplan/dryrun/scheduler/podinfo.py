"""What the scheduler reads from a pod, parsed once: resource requests (as the
NodeResourcesFit filter and the scorers count them), host ports, tolerations, affinity
terms and spread constraints.

Pods from one template share a ``PodTemplateInfo`` (the equivalence class): everything
here but the name depends only on the template, so plugins cache per-class results in
``template.cache``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kubeplan.dryrun.quantity import QuantityError, resource_value

from .labels import LabelSelector, RequiredNodeAffinity, SelectorError

# scoring defaults for containers that do not say what they request (not for explicit 0)
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
BASE_RESOURCES = ("cpu", "memory", "ephemeral-storage")


class PodSpecError(ValueError):
    """Something in a pod spec the API server would reject; the message says what."""


@dataclass(eq=False)
class AffinityTerm:
    """A PodAffinityTerm with its namespaces resolved (pod's own namespace by default)."""

    namespaces: frozenset
    namespace_selector: LabelSelector | None
    selector: LabelSelector
    topology_key: str
    key: str = ""

    def matches(self, namespace: str, labels: dict, ns_labels: dict) -> bool:
        if namespace not in self.namespaces:
            ns_selector = self.namespace_selector
            if ns_selector is None:
                return False
            # an empty selector means every namespace; otherwise only namespaces that
            # exist are candidates (upstream lists them through the namespace lister)
            if not ns_selector.empty() and (namespace not in ns_labels or not ns_selector.matches(ns_labels[namespace])):
                return False
        return self.selector.matches(labels)


@dataclass(eq=False)
class PodTemplateInfo:
    namespace: str
    labels: dict
    priority: int
    preemption_policy: str
    requests: dict  # resource -> int (cpu in milli), what the Fit filter compares; zeros dropped
    nonzero_cpu: int  # requests with the scoring defaults for missing cpu/memory requests
    nonzero_memory: int
    host_ports: list  # [(protocol, ip, port)]
    tolerations: list
    node_affinity: RequiredNodeAffinity
    preferred_node_terms: list  # [(weight, NodeSelectorTerm)]
    required_affinity: list  # [AffinityTerm]
    required_anti_affinity: list
    preferred_affinity: list  # [(weight, AffinityTerm)]
    preferred_anti_affinity: list
    spread_constraints: list  # raw dicts, validated
    images: list  # container images (init first), as written
    num_containers: int
    volumes: list
    node_name: str
    scheduler_name: str
    owner_ref: dict | None  # the controller ownerReference
    raw_spec: dict
    key: str
    cache: dict = field(default_factory=dict)

    @property
    def has_affinity_terms(self) -> bool:
        return bool(self.required_affinity or self.required_anti_affinity or self.preferred_affinity or self.preferred_anti_affinity)


@dataclass(eq=False)
class PodInfo:
    """One pod: its name and state plus its (shared) template."""

    name: str
    template: PodTemplateInfo
    pod: dict
    terminating: bool = False
    start_time: str = ""
    node: int = -1  # index of the node it is bound to, -1 while pending
    seq: int = 0  # arrival order, for stable sorting

    @property
    def namespace(self) -> str:
        return self.template.namespace

    @property
    def labels(self) -> dict:
        return self.template.labels

    @property
    def priority(self) -> int:
        return self.template.priority


def pod_info(pod: dict, priority_classes: dict | None = None, seq: int = 0, templates: dict | None = None, bound: bool = False) -> PodInfo:
    """Parse ``pod`` (a v1 Pod dict); raises PodSpecError for specs the API would reject.

    ``templates`` is the run's table of equivalence classes (one per Snapshot: cached
    per-template results describe that snapshot's nodes). ``bound``: a pod already on a
    node, whose spec.nodeName is where it runs rather than a scheduling constraint, so
    replicas on different nodes share one class."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    if not isinstance(meta, dict) or not isinstance(spec, dict):
        raise PodSpecError("metadata and spec must be mappings")
    if not isinstance(status, dict):
        status = {}
    if not isinstance(meta.get("labels") or {}, dict) or not isinstance(meta.get("ownerReferences") or [], list):
        raise PodSpecError("metadata.labels must be a mapping and metadata.ownerReferences a list")
    key_doc = {
        "ns": meta.get("namespace") or "default",
        "labels": meta.get("labels") or {},
        "owner": _controller_ref(meta),
        "spec": {k: v for k, v in spec.items() if k != "nodeName"},
        "node": "" if bound else spec.get("nodeName") or "",
        "pc": None if "priority" in spec else (priority_classes or {}).get(spec.get("priorityClassName") or ""),
    }
    # repr is twice as fast as sorted JSON; two equal specs written with their keys in a
    # different order merely become two classes
    key = repr(key_doc)
    template = templates.get(key) if templates is not None else None
    if template is None:
        try:
            template = _parse_template(meta, spec, key, priority_classes or {})
        except (TypeError, AttributeError, KeyError) as exc:
            # a field of the wrong shape (a string where a mapping belongs, ...)
            raise PodSpecError(f"malformed pod spec: a field has the wrong type ({exc})") from None
        if bound:
            template.node_name = ""
        if templates is not None:
            templates[key] = template
    return PodInfo(
        name=str(meta.get("name") or meta.get("generateName") or ""),
        template=template,
        pod=pod,
        terminating=bool(meta.get("deletionTimestamp")),
        start_time=str(status.get("startTime") or ""),  # none yet: counts as "now" (latest)
        seq=seq,
    )


def _controller_ref(meta: dict):
    for ref in meta.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller"):
            return {"apiVersion": ref.get("apiVersion"), "kind": ref.get("kind"), "name": ref.get("name")}
    return None


def _str_labels(labels) -> dict:
    if not isinstance(labels, dict):
        return {}
    return {str(k): ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in labels.items()}


def _parse_template(meta: dict, spec: dict, key: str, priority_classes: dict) -> PodTemplateInfo:
    namespace = str(meta.get("namespace") or "default")
    labels = _str_labels(meta.get("labels"))
    containers = _list(spec, "containers")
    init_containers = _list(spec, "initContainers")
    try:
        requests, nonzero_cpu, nonzero_memory = pod_requests(spec, containers, init_containers)
    except QuantityError as exc:
        raise PodSpecError(f"invalid resource quantity: {exc}") from None
    priority = spec.get("priority")
    if not isinstance(priority, int) or isinstance(priority, bool):
        priority = priority_classes.get(spec.get("priorityClassName") or "", 0)
    affinity = spec.get("affinity") or {}
    if not isinstance(affinity, dict):
        raise PodSpecError("spec.affinity must be a mapping")
    node_aff = affinity.get("nodeAffinity") or {}
    pod_aff = affinity.get("podAffinity") or {}
    anti_aff = affinity.get("podAntiAffinity") or {}
    try:
        node_affinity = RequiredNodeAffinity(
            spec.get("nodeSelector") if isinstance(spec.get("nodeSelector"), dict) else None,
            node_aff.get("requiredDuringSchedulingIgnoredDuringExecution"),
        )
        from .labels import NodeSelectorTerm

        preferred_node_terms = []
        for term in node_aff.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            weight = int(term.get("weight") or 0)
            parsed = NodeSelectorTerm(term.get("preference") or {})
            if weight and not parsed.empty():
                preferred_node_terms.append((weight, parsed))
        required_affinity = [_term(t, namespace, labels) for t in pod_aff.get("requiredDuringSchedulingIgnoredDuringExecution") or []]
        required_anti = [_term(t, namespace, labels) for t in anti_aff.get("requiredDuringSchedulingIgnoredDuringExecution") or []]
        preferred_affinity = [
            (int(t.get("weight") or 0), _term(t.get("podAffinityTerm") or {}, namespace, labels))
            for t in pod_aff.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]
        preferred_anti = [
            (int(t.get("weight") or 0), _term(t.get("podAffinityTerm") or {}, namespace, labels))
            for t in anti_aff.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]
    except (SelectorError, AttributeError, TypeError, ValueError) as exc:
        raise PodSpecError(f"invalid affinity: {exc}") from None
    constraints = _list(spec, "topologySpreadConstraints")
    for c in constraints:
        if not isinstance(c.get("topologyKey"), str) or not c["topologyKey"] or c.get("whenUnsatisfiable") not in ("DoNotSchedule", "ScheduleAnyway"):
            raise PodSpecError("each topologySpreadConstraint needs topologyKey and whenUnsatisfiable (DoNotSchedule or ScheduleAnyway)")
        if not isinstance(c.get("maxSkew"), int) or isinstance(c["maxSkew"], bool) or c["maxSkew"] <= 0:
            raise PodSpecError("topologySpreadConstraints maxSkew must be a positive integer")
        min_domains = c.get("minDomains")
        if min_domains is not None and (not isinstance(min_domains, int) or isinstance(min_domains, bool) or min_domains <= 0):
            raise PodSpecError("topologySpreadConstraints minDomains must be a positive integer")
        if not isinstance(c.get("matchLabelKeys") or [], list):
            raise PodSpecError("topologySpreadConstraints matchLabelKeys must be a list")
        try:
            LabelSelector.parse(c.get("labelSelector"))
        except SelectorError as exc:
            raise PodSpecError(f"topologySpreadConstraints labelSelector: {exc}") from None
    host_ports = []
    for container in containers + [c for c in init_containers if c.get("restartPolicy") == "Always"]:
        for port in container.get("ports") or []:
            if not isinstance(port, dict):
                continue
            host_port = port.get("hostPort") or 0
            if isinstance(host_port, int) and host_port > 0:
                host_ports.append((str(port.get("protocol") or "TCP"), str(port.get("hostIP") or "0.0.0.0"), host_port))
    tolerations = [t for t in _list(spec, "tolerations") if isinstance(t, dict)]
    images = [str(c.get("image") or "") for c in init_containers + containers]
    return PodTemplateInfo(
        namespace=namespace,
        labels=labels,
        priority=priority,
        preemption_policy=str(spec.get("preemptionPolicy") or "PreemptLowerPriority"),
        requests=requests,
        nonzero_cpu=nonzero_cpu,
        nonzero_memory=nonzero_memory,
        host_ports=host_ports,
        tolerations=tolerations,
        node_affinity=node_affinity,
        preferred_node_terms=preferred_node_terms,
        required_affinity=required_affinity,
        required_anti_affinity=required_anti,
        preferred_affinity=[(w, t) for w, t in preferred_affinity if w],
        preferred_anti_affinity=[(w, t) for w, t in preferred_anti if w],
        spread_constraints=constraints,
        images=images,
        num_containers=len(containers) + len(init_containers),
        volumes=[v for v in _list(spec, "volumes") if isinstance(v, dict)],
        node_name=str(spec.get("nodeName") or ""),
        scheduler_name=str(spec.get("schedulerName") or "default-scheduler"),
        owner_ref=_controller_ref(meta),
        raw_spec=spec,
        key=key,
    )


def _list(spec: dict, name: str) -> list:
    value = spec.get(name) or []
    if not isinstance(value, list):
        raise PodSpecError(f"spec.{name} must be a list")
    return [v for v in value if isinstance(v, dict)]


def _term(term: dict, namespace: str, pod_labels: dict) -> AffinityTerm:
    if not isinstance(term, dict):
        raise SelectorError("a pod affinity term must be a mapping")
    extra = []
    for k in term.get("matchLabelKeys") or []:
        if k in pod_labels:
            extra.append((k, "In", frozenset([pod_labels[k]])))
    for k in term.get("mismatchLabelKeys") or []:
        if k in pod_labels:
            extra.append((k, "NotIn", frozenset([pod_labels[k]])))
    # a nil labelSelector matches nothing, whatever matchLabelKeys add
    selector = LabelSelector.parse(term.get("labelSelector"), extra)
    namespaces = frozenset(str(n) for n in term.get("namespaces") or [])
    ns_selector = term.get("namespaceSelector")
    parsed_ns_selector = LabelSelector.parse(ns_selector) if ns_selector is not None else None
    if not namespaces and parsed_ns_selector is None:
        namespaces = frozenset([namespace])
    topology_key = term.get("topologyKey")
    if not isinstance(topology_key, str) or not topology_key:
        raise SelectorError("a pod affinity term needs a topologyKey")
    key = json.dumps([sorted(namespaces), parsed_ns_selector.key if parsed_ns_selector else None, selector.key, topology_key])
    return AffinityTerm(namespaces, parsed_ns_selector, selector, topology_key, key)


def _add(total: dict, res: dict) -> None:
    for k, v in res.items():
        total[k] = total.get(k, 0) + v


def _max(total: dict, res: dict) -> None:
    for k, v in res.items():
        if v > total.get(k, 0):
            total[k] = v


def _container_requests(container: dict) -> dict:
    resources = container.get("resources") or {}
    if not isinstance(resources, dict):
        return {}
    requests = resources.get("requests") or {}
    limits = resources.get("limits") or {}
    out = {}
    # the API server defaults a missing request to the limit
    for name, value in list(limits.items()) + list(requests.items()):
        out[str(name)] = resource_value(str(name), value)
    return out


def _nonzero(container: dict, reqs: dict) -> dict:
    out = dict(reqs)
    if "cpu" not in out:
        out["cpu"] = DEFAULT_MILLI_CPU_REQUEST
    if "memory" not in out:
        out["memory"] = DEFAULT_MEMORY_REQUEST
    return out


def pod_requests(spec: dict, containers: list, init_containers: list):
    """resourcehelper.PodRequests: containers summed, init containers as a floor (sidecars
    added on), overhead added; also the same with the scoring defaults (cpu, memory)."""
    results = []
    for nonzero in (False, True):
        reqs: dict = {}
        for c in containers:
            r = _container_requests(c)
            _add(reqs, _nonzero(c, r) if nonzero else r)
        restartable: dict = {}
        init_max: dict = {}
        for c in init_containers:
            r = _container_requests(c)
            if nonzero:
                r = _nonzero(c, r)
            if c.get("restartPolicy") == "Always":
                _add(reqs, r)
                _add(restartable, r)
                current = dict(restartable)
            else:
                current = dict(r)
                _add(current, restartable)
            _max(init_max, current)
        _max(reqs, init_max)
        pod_resources = spec.get("resources")
        if isinstance(pod_resources, dict) and isinstance(pod_resources.get("requests"), dict):
            # pod-level resources replace the container sum for the resources they name
            for name, value in pod_resources["requests"].items():
                if name in ("cpu", "memory") or str(name).startswith("hugepages-"):
                    reqs[str(name)] = resource_value(str(name), value)
        overhead = spec.get("overhead")
        if isinstance(overhead, dict):
            _add(reqs, {str(k): resource_value(str(k), v) for k, v in overhead.items()})
        results.append(reqs)
    filter_reqs = {k: v for k, v in results[0].items() if v}
    return filter_reqs, results[1].get("cpu", 0), results[1].get("memory", 0)
