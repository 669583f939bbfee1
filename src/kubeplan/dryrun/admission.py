"""What the API server does to a pod between the controller's create call and the
scheduler: defaulting and the admission plugins that matter for placement, in the API
server's order.

1. API defaulting: a container's limits become its requests where no request is given;
   ``schedulerName`` defaults to ``default-scheduler``.
2. LimitRanger (mutating): LimitRange ``defaultRequest``/``default`` fill missing
   requests/limits of every container and init container, and the pod is annotated
   ``kubernetes.io/limit-ranger`` as upstream.
3. ServiceAccount: ``serviceAccountName`` defaults to ``default``.
4. Priority: ``priorityClassName`` resolves to ``spec.priority`` (and preemptionPolicy);
   without a name the ``globalDefault`` class applies (the lowest if several), else 0;
   the built-in ``system-cluster-critical``/``system-node-critical`` always exist. A pod
   with a ``spec.priority`` but no class keeps it (taken as already admitted).
5. DefaultTolerationSeconds: not-ready/unreachable NoExecute tolerations for 300 s.
6. LimitRanger (validating): min / max / maxLimitRequestRatio per Container and per Pod.
7. ResourceQuota: every quota of the namespace whose scopes match the pod must have room;
   usage starts at the quota's ``status.used`` (or what the snapshot's pods use) and
   grows with every pod admitted in the run.

A rejected pod carries the API server's message, e.g.
``pods "web-6ffb5b9cb4-c267l" is forbidden: exceeded quota: compute, requested:
requests.cpu=2, used: requests.cpu=9, limited: requests.cpu=10``.

``admit`` mutates the pod it is given (controllers hand over fresh pods) and keeps the
run's quota usage on the cluster object, so one plan = one cluster object.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kubeplan.dryrun import quantity as q
from kubeplan.errors import KubeplanError

LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger"
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
DEFAULT_TOLERATION_SECONDS = 300
_VALIDATION_SET = {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}
_STATE_ATTR = "_kubeplan_admission"


@dataclass
class AdmissionResult:
    pod: dict
    rejected: str | None = None  # the API server's error message when the pod is not created
    plugin: str | None = None  # which admission step rejected it (LimitRanger, Priority, ResourceQuota)


class _Rejected(Exception):
    def __init__(self, plugin: str, message: str):
        super().__init__(message)
        self.plugin = plugin
        self.message = message


# --- quantities as the API server prints them --------------------------------------------
# Quantity.String(): the canonical form in the format the value was written in (binary
# suffixes, decimal suffixes or an exponent); sums keep the format of their first nonzero
# term.

Qty = tuple  # (Fraction value, format: "BinarySI" | "DecimalSI" | "DecimalExponent")


_QTY_CACHE: dict = {}


def _qty(value) -> Qty:
    if isinstance(value, str):
        hit = _QTY_CACHE.get(value)
        if hit is not None:
            return hit
        if len(_QTY_CACHE) < 100_000:
            hit = _QTY_CACHE[value] = _parse_qty(value)
            return hit
    return _parse_qty(value)


def _parse_qty(value) -> Qty:
    number = q.parse_quantity(value)
    fmt = "DecimalSI"
    if isinstance(value, str):
        if value.rstrip()[-2:] in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"):
            fmt = "BinarySI"
        elif "e" in value.lower() and not value.endswith("E"):
            fmt = "DecimalExponent"
    return number, fmt


def _add(a: Qty | None, b: Qty) -> Qty:
    if a is None:
        return b
    # Quantity.Add: a zero receiver takes the format of what is added to it
    return (a[0] + b[0], a[1] if a[0] != 0 else b[1])


_DECIMAL_SUFFIX = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BINARY_SUFFIX = {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}


def format_quantity(value: Qty) -> str:
    number, fmt = value
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    number = abs(number)
    if fmt == "BinarySI" and number >= 1024 and number.denominator == 1:
        n, power = int(number), 0
        while power < 6 and n % 1024 == 0:
            n //= 1024
            power += 1
        return f"{sign}{n}{_BINARY_SUFFIX[power]}"
    # decimal: round up to nano units, then the largest exponent (a multiple of 3) that
    # leaves an integer mantissa
    nanos = -((-number.numerator * 10**9) // number.denominator)
    exponent = -9
    while exponent < 18 and nanos % 1000 == 0:
        nanos //= 1000
        exponent += 3
    if fmt == "DecimalExponent":
        return f"{sign}{nanos}" + (f"e{exponent}" if exponent else "")
    return f"{sign}{nanos}{_DECIMAL_SUFFIX[exponent]}"


# --- pod resources -------------------------------------------------------------------------


def _resource_list(container: dict, key: str) -> dict:
    resources = container.get("resources")
    if not isinstance(resources, dict):
        return {}
    values = resources.get(key)
    return values if isinstance(values, dict) else {}


def _containers(spec: dict, key: str) -> list:
    items = spec.get(key)
    return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []


def _sum_into(total: dict, values: dict) -> None:
    for name, value in values.items():
        total[name] = _add(total.get(name), _qty(value))


def _pod_totals(spec: dict, key: str) -> dict:
    """PodRequests / PodLimits: containers and sidecars add up, other init containers
    count at their peak, then pod overhead (requests only), pod-level resources override."""
    total: dict = {}
    for c in _containers(spec, "containers"):
        _sum_into(total, _resource_list(c, key))
    sidecars: dict = {}
    init_peak: dict = {}
    for c in _containers(spec, "initContainers"):
        values = _resource_list(c, key)
        if c.get("restartPolicy") == "Always":
            _sum_into(total, values)
            _sum_into(sidecars, values)
            current = dict(sidecars)
        else:
            current = dict(sidecars)
            _sum_into(current, values)
        for name, value in current.items():
            if name not in init_peak or value[0] > init_peak[name][0]:
                init_peak[name] = value
    for name, value in init_peak.items():
        if name not in total or value[0] > total[name][0]:
            total[name] = value
    pod_level = (spec.get("resources") or {}).get(key) if isinstance(spec.get("resources"), dict) else None
    if isinstance(pod_level, dict):
        for name in ("cpu", "memory"):
            if name in pod_level:
                total[name] = _qty(pod_level[name])
    if key == "requests" and isinstance(spec.get("overhead"), dict):
        _sum_into(total, spec["overhead"])
    return total


# --- admission steps -----------------------------------------------------------------------


def _default_requests_from_limits(spec: dict) -> None:
    for c in _containers(spec, "containers") + _containers(spec, "initContainers"):
        limits = _resource_list(c, "limits")
        if not limits:
            continue
        resources = c["resources"]
        requests = resources.get("requests")
        if not isinstance(requests, dict):
            requests = resources["requests"] = {}
        for name, value in limits.items():
            requests.setdefault(name, value)
    pod_level = spec.get("resources")
    if isinstance(pod_level, dict) and isinstance(pod_level.get("limits"), dict):
        requests = pod_level.get("requests")
        if not isinstance(requests, dict):
            requests = pod_level["requests"] = {}
        for name in ("cpu", "memory"):  # the resources pod-level limits default requests for
            if name in pod_level["limits"]:
                requests.setdefault(name, pod_level["limits"][name])


class Admission:
    """Admission state for one run: the cluster's policies by namespace and quota usage."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.limit_ranges: dict = {}
        for lr in sorted(getattr(cluster, "limit_ranges", []), key=_name):
            self.limit_ranges.setdefault(_namespace(lr), []).append(lr)
        self.quotas: dict = {}
        for rq in sorted(getattr(cluster, "resource_quotas", []), key=_name):
            self._check_quota_shape(rq)
            try:
                state = _QuotaState(rq)
            except q.QuantityError as exc:
                raise _cluster_error(cluster, rq, f"ResourceQuota {_name(rq)}: {exc}") from None
            self.quotas.setdefault(_namespace(rq), []).append(state)
        self.priority_classes = {_name(pc): pc for pc in getattr(cluster, "priority_classes", [])}
        self._quota_seeded: set = set()
        for lr in getattr(cluster, "limit_ranges", []):
            limits = (lr.get("spec") or {}).get("limits") if isinstance(lr.get("spec"), dict) else None
            if limits is not None and not isinstance(limits, list):
                raise _cluster_error(cluster, lr, f"LimitRange {_name(lr)}: spec.limits must be a list")
            for item in _limit_items(lr):
                for key in ("default", "defaultRequest", "min", "max", "maxLimitRequestRatio"):
                    self._check_quantities(lr, item.get(key), f"spec.limits[].{key}")

    def _check_quota_shape(self, rq: dict) -> None:
        """The fields admission reads, with the types it needs (a bad snapshot is exit 2)."""
        def bad(where, what):
            return _cluster_error(self.cluster, rq, f"ResourceQuota {_name(rq)}: {where} must be {what}")

        spec = rq.get("spec") if rq.get("spec") is not None else {}
        status = rq.get("status") if rq.get("status") is not None else {}
        if not isinstance(spec, dict) or not isinstance(status, dict):
            raise bad("spec and status", "mappings")
        for where, value in (("spec.hard", spec.get("hard")), ("status.hard", status.get("hard")), ("status.used", status.get("used"))):
            self._check_quantities(rq, value, where)
        scopes = spec.get("scopes")
        if scopes is not None and (not isinstance(scopes, list) or not all(isinstance(x, str) for x in scopes)):
            raise bad("spec.scopes", "a list of scope names")
        selector = spec.get("scopeSelector")
        if selector is not None:
            expressions = selector.get("matchExpressions") if isinstance(selector, dict) else None
            if not isinstance(selector, dict) or (expressions is not None and not isinstance(expressions, list)):
                raise bad("spec.scopeSelector", "a mapping with a matchExpressions list")
            for e in expressions or []:
                values = e.get("values") if isinstance(e, dict) else None
                if not isinstance(e, dict) or (values is not None and not isinstance(values, list)):
                    raise bad("spec.scopeSelector.matchExpressions[]", "mappings with a values list")

    def _check_quantities(self, obj: dict, values, where: str) -> None:
        if values is None:
            return
        if not isinstance(values, dict):
            raise _cluster_error(self.cluster, obj, f"{where} must be a map of resource quantities")
        for name, value in values.items():
            try:
                q.parse_quantity(value)
            except q.QuantityError as exc:
                raise _cluster_error(self.cluster, obj, f"{where}.{name}: {exc}") from None

    # step 4
    def _priority(self, spec: dict) -> None:
        name = spec.get("priorityClassName") or ""
        policy = None
        given = spec.get("priority")
        if not name and isinstance(given, int) and not isinstance(given, bool):
            # Deliberately lenient: a pod without a class that states its priority is taken
            # as already admitted (a pod exported from a cluster, a scheduler test case);
            # the API server would reject it on create.
            spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
            return
        if not name:
            defaults = [pc for pc in self.priority_classes.values() if pc.get("globalDefault") is True]
            if defaults:
                default = min(defaults, key=lambda pc: (_int(pc.get("value")), _name(pc)))
                name, value = _name(default), _int(default.get("value"))
                policy = default.get("preemptionPolicy") or "PreemptLowerPriority"
                spec["priorityClassName"] = name
            else:
                value, policy = 0, "PreemptLowerPriority"
        elif name in self.priority_classes:
            pc = self.priority_classes[name]
            value = _int(pc.get("value"))
            policy = pc.get("preemptionPolicy") or "PreemptLowerPriority"
        elif name in SYSTEM_PRIORITY_CLASSES:
            value = SYSTEM_PRIORITY_CLASSES[name]
            policy = "PreemptLowerPriority"
        else:
            raise _Rejected("Priority", f"no PriorityClass with name {name} was found")
        given = spec.get("priority")
        if given is not None and given != value:
            raise _Rejected(
                "Priority",
                f"the integer value of priority ({given}) must not be provided in pod spec; "
                f"priority admission controller computed {value} from the given PriorityClass name",
            )
        spec["priority"] = value
        if policy is not None:
            given_policy = spec.get("preemptionPolicy")
            if given_policy is not None and given_policy != policy:
                raise _Rejected(
                    "Priority",
                    f"the string value of PreemptionPolicy ({given_policy}) must not be provided in pod spec; "
                    f"priority admission controller computed {policy} from the given PriorityClass name",
                )
            spec["preemptionPolicy"] = policy

    # step 2
    def _limit_defaults(self, pod: dict, ranges: list) -> None:
        notes = []
        spec = pod["spec"]
        for lr in ranges:
            defaults, default_requests = {}, {}
            for item in _limit_items(lr):
                if item.get("type") == "Container":
                    default_requests.update(item.get("defaultRequest") or {})
                    defaults.update(item.get("default") or {})
            if not defaults and not default_requests:
                continue
            for key, label in (("containers", "container"), ("initContainers", "init container")):
                for c in _containers(spec, key):
                    resources = c.get("resources")
                    if not isinstance(resources, dict):
                        resources = c["resources"] = {}
                    set_requests, set_limits = [], []
                    for field_name, source, changed in (
                        ("limits", defaults, set_limits),
                        ("requests", default_requests, set_requests),
                    ):
                        current = resources.get(field_name)
                        if not isinstance(current, dict):
                            current = resources[field_name] = {}
                        for name, value in source.items():
                            if name not in current:
                                current[name] = value
                                changed.append(name)
                    if set_requests:
                        notes.append(f"{', '.join(sorted(set_requests))} request for {label} {c.get('name')}")
                    if set_limits:
                        notes.append(f"{', '.join(sorted(set_limits))} limit for {label} {c.get('name')}")
        if notes:
            annotations = pod["metadata"].setdefault("annotations", {})
            annotations[LIMIT_RANGER_ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)

    # step 6
    def _limit_validate(self, pod: dict, ranges: list) -> None:
        spec = pod["spec"]
        for lr in ranges:
            errors: list[str] = []
            for item in _limit_items(lr):
                kind = item.get("type")
                if kind == "Container":
                    for key in ("containers", "initContainers"):
                        for c in _containers(spec, key):
                            requests = {k: _qty(v) for k, v in _resource_list(c, "requests").items()}
                            limits = {k: _qty(v) for k, v in _resource_list(c, "limits").items()}
                            errors.extend(_check_limit_item(item, kind, requests, limits))
                elif kind == "Pod":
                    errors.extend(_check_limit_item(item, kind, _pod_totals(spec, "requests"), _pod_totals(spec, "limits")))
            if errors:
                unique = list(dict.fromkeys(errors))
                raise _Rejected("LimitRanger", unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]")

    def _seed_quotas(self, namespace: str, states: list) -> None:
        if namespace in self._quota_seeded:
            return
        self._quota_seeded.add(namespace)

        def in_namespace(objects):
            return [o for o in objects if _namespace(o) == namespace]

        pods = in_namespace(getattr(self.cluster, "pods", []) + getattr(self.cluster, "pending_pods", []))
        claims = in_namespace(getattr(self.cluster, "pvcs", []))
        for state in states:
            state.seed(pods, claims)

    # step 7
    def _quota(self, pod: dict, namespace: str) -> None:
        states = self.quotas.get(namespace)
        if not states:
            return
        self._seed_quotas(namespace, states)
        usage = pod_usage(pod["spec"])
        matching = [s for s in states if s.matches(pod["spec"])]
        for state in matching:
            state.check_constraints(pod["spec"])
        for state in matching:
            state.check_room(usage)
        for state in matching:
            state.charge(usage)

    def admit_claim(self, pvc: dict) -> AdmissionResult:
        meta = pvc.setdefault("metadata", {})
        spec = pvc.setdefault("spec", {})
        namespace = meta.get("namespace") or "default"
        try:
            if "storageClassName" not in spec:
                default = _ClaimAdmission.default_class(self.cluster)
                if default:
                    spec["storageClassName"] = default
            ranges = self.limit_ranges.get(namespace, [])
            if ranges:
                _check_claim_limits(pvc, ranges)
            states = self.quotas.get(namespace)
            if states:
                self._seed_quotas(namespace, states)
                usage = claim_usage(pvc)
                matching = [s for s in states if s.matches_claim()]
                for state in matching:
                    state.check_room(usage)
                for state in matching:
                    state.charge(usage)
        except _Rejected as rejected:
            name = meta.get("name") or "Unknown"
            return AdmissionResult(pvc, f'persistentvolumeclaims "{name}" is forbidden: {rejected.message}', rejected.plugin)
        except q.QuantityError as exc:
            raise KubeplanError(f"PersistentVolumeClaim {namespace}/{meta.get('name')}: {exc}") from None
        return AdmissionResult(pvc)

    def admit(self, pod: dict) -> AdmissionResult:
        try:
            return self._admit(pod)
        except q.QuantityError as exc:
            meta = pod.get("metadata") or {}
            raise KubeplanError(f"pod {meta.get('namespace', 'default')}/{meta.get('name')}: {exc}") from None

    def _admit(self, pod: dict) -> AdmissionResult:
        meta = pod.setdefault("metadata", {})
        spec = pod.setdefault("spec", {})
        namespace = meta.get("namespace") or "default"
        try:
            _default_requests_from_limits(spec)
            spec.setdefault("schedulerName", "default-scheduler")
            ranges = self.limit_ranges.get(namespace, [])
            if ranges:
                self._limit_defaults(pod, ranges)
            spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
            self._priority(spec)
            _default_toleration_seconds(spec)
            if ranges:
                self._limit_validate(pod, ranges)
            self._quota(pod, namespace)
        except _Rejected as rejected:
            name = meta.get("name") or meta.get("generateName") or "Unknown"
            return AdmissionResult(pod, f'pods "{name}" is forbidden: {rejected.message}', rejected.plugin)
        return AdmissionResult(pod)


class _ClaimAdmission:
    """PersistentVolumeClaims a StatefulSet creates: DefaultStorageClass, LimitRanger
    (``type: PersistentVolumeClaim``) and ResourceQuota."""

    @staticmethod
    def default_class(cluster) -> str | None:
        defaults = [
            sc for sc in getattr(cluster, "storage_classes", [])
            if ((sc.get("metadata") or {}).get("annotations") or {}).get("storageclass.kubernetes.io/is-default-class") == "true"
        ]
        if not defaults:
            return None
        # the newest default wins, then the name (as the DefaultStorageClass plugin)
        newest = max(str((sc.get("metadata") or {}).get("creationTimestamp") or "") for sc in defaults)
        return min(_name(sc) for sc in defaults if str((sc.get("metadata") or {}).get("creationTimestamp") or "") == newest)


def _check_claim_limits(pvc: dict, ranges: list) -> None:
    requests = ((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}
    requests = {k: _qty(v) for k, v in requests.items()}
    kind = "PersistentVolumeClaim"
    for lr in ranges:
        errors = []
        for item in _limit_items(lr):
            if item.get("type") != kind:
                continue
            for name, value in sorted((item.get("min") or {}).items()):
                enforced = _qty(value)
                if name not in requests:
                    errors.append(f"minimum {name} usage per {kind} is {format_quantity(enforced)}.  No request is specified")
                elif enforced[0] > requests[name][0]:
                    errors.append(f"minimum {name} usage per {kind} is {format_quantity(enforced)}, but request is {format_quantity(requests[name])}")
            for name, value in sorted((item.get("max") or {}).items()):
                enforced = _qty(value)
                if name not in requests:
                    errors.append(f"maximum {name} usage per {kind} is {format_quantity(enforced)}.  No request is specified")
                elif requests[name][0] > enforced[0]:
                    errors.append(f"maximum {name} usage per {kind} is {format_quantity(enforced)}, but request is {format_quantity(requests[name])}")
        if errors:
            unique = list(dict.fromkeys(errors))
            raise _Rejected("LimitRanger", unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]")


def claim_usage(pvc: dict) -> dict:
    """The quota usage of one PersistentVolumeClaim, as the claim evaluator computes it."""
    one = (Fraction(1), "DecimalSI")
    usage = {"persistentvolumeclaims": one, "count/persistentvolumeclaims": one}
    spec = pvc.get("spec") if isinstance(pvc.get("spec"), dict) else {}
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    class_name = spec.get("storageClassName")
    prefix = f"{class_name}.storageclass.storage.k8s.io/" if class_name else None
    if prefix:
        usage[prefix + "persistentvolumeclaims"] = one
    if storage is not None:
        usage["requests.storage"] = _qty(storage)
        if prefix:
            usage[prefix + "requests.storage"] = _qty(storage)
    return usage


def _default_toleration_seconds(spec: dict) -> None:
    tolerations = spec.get("tolerations")
    if tolerations is not None and not isinstance(tolerations, list):
        return
    tolerations = list(tolerations or [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        covered = any(
            isinstance(t, dict)
            and (t.get("effect") in (None, "", "NoExecute"))
            and (t.get("key") in (None, "", key))
            for t in tolerations
        )
        if not covered:
            tolerations.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}
            )
    spec["tolerations"] = tolerations


def _check_limit_item(item: dict, kind: str, requests: dict, limits: dict) -> list[str]:
    errors = []
    for name, value in sorted((item.get("min") or {}).items()):
        enforced = _qty(value)
        shown = format_quantity(enforced)
        if name not in requests:
            errors.append(f"minimum {name} usage per {kind} is {shown}.  No request is specified")
        elif enforced[0] > requests[name][0]:
            errors.append(f"minimum {name} usage per {kind} is {shown}, but request is {format_quantity(requests[name])}")
        elif name in limits and enforced[0] > limits[name][0]:
            errors.append(f"minimum {name} usage per {kind} is {shown}, but limit is {format_quantity(limits[name])}")
    for name, value in sorted((item.get("max") or {}).items()):
        enforced = _qty(value)
        shown = format_quantity(enforced)
        if name not in limits:
            errors.append(f"maximum {name} usage per {kind} is {shown}.  No limit is specified")
        elif limits[name][0] > enforced[0]:
            errors.append(f"maximum {name} usage per {kind} is {shown}, but limit is {format_quantity(limits[name])}")
        elif name in requests and requests[name][0] > enforced[0]:
            errors.append(f"maximum {name} usage per {kind} is {shown}, but request is {format_quantity(requests[name])}")
    for name, value in sorted((item.get("maxLimitRequestRatio") or {}).items()):
        enforced = _qty(value)
        shown = format_quantity(enforced)
        if name not in requests or requests[name][0] == 0:
            errors.append(f"{name} max limit to request ratio per {kind} is {shown}, but no request is specified or request is 0")
        elif name not in limits or limits[name][0] == 0:
            errors.append(f"{name} max limit to request ratio per {kind} is {shown}, but no limit is specified or limit is 0")
        else:
            ratio = abs(limits[name][0]) / abs(requests[name][0])
            if ratio > enforced[0]:
                errors.append(f"{name} max limit to request ratio per {kind} is {shown}, but provided ratio is {_six_decimals(ratio)}")
    return errors


def _six_decimals(value: Fraction) -> str:
    scaled = value * 10**6
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest > scaled.denominator or (2 * rest == scaled.denominator and whole % 2):
        whole += 1  # half to even, as inf.Dec's QuoRound
    return f"{whole // 10**6}.{whole % 10**6:06d}"


# --- ResourceQuota -------------------------------------------------------------------------


def pod_usage(spec: dict) -> dict:
    """The quota usage of one pod, as the pod evaluator computes it."""
    usage: dict = {"pods": (Fraction(1), "DecimalSI"), "count/pods": (Fraction(1), "DecimalSI")}
    for name, value in _pod_totals(spec, "requests").items():
        if name in ("cpu", "memory", "ephemeral-storage"):
            usage[name] = value
            usage[f"requests.{name}"] = value
        elif name.startswith("hugepages-"):
            usage[name] = value
            usage[f"requests.{name}"] = value
        elif "/" in name and not name.startswith("kubernetes.io/"):
            usage[f"requests.{name}"] = value
    for name, value in _pod_totals(spec, "limits").items():
        if name in ("cpu", "memory", "ephemeral-storage"):
            usage[f"limits.{name}"] = value
    return usage


def _container_usage_names(container: dict) -> set:
    names = set()
    for name in _resource_list(container, "requests"):
        if name in ("cpu", "memory"):
            names.update((name, f"requests.{name}"))
    for name in _resource_list(container, "limits"):
        if name in ("cpu", "memory"):
            names.add(f"limits.{name}")
    return names


def _qos_best_effort(spec: dict) -> bool:
    for key in ("containers", "initContainers"):
        for c in _containers(spec, key):
            for field_name in ("requests", "limits"):
                for name, value in _resource_list(c, field_name).items():
                    if name in ("cpu", "memory") and q.parse_quantity(value) != 0:
                        return False
    return True


def _cross_namespace_affinity(spec: dict) -> bool:
    affinity = spec.get("affinity") if isinstance(spec.get("affinity"), dict) else {}
    for kind in ("podAffinity", "podAntiAffinity"):
        block = affinity.get(kind) if isinstance(affinity.get(kind), dict) else {}
        terms = list(block.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        terms += [w.get("podAffinityTerm") or {} for w in block.get("preferredDuringSchedulingIgnoredDuringExecution") or [] if isinstance(w, dict)]
        for term in terms:
            if isinstance(term, dict) and (term.get("namespaces") or term.get("namespaceSelector") is not None):
                return True
    return False


def _scope_matches(selector: dict, spec: dict) -> bool:
    scope = selector.get("scopeName")
    operator = selector.get("operator") or "Exists"
    if scope == "Terminating":
        return _int(spec.get("activeDeadlineSeconds"), -1) >= 0
    if scope == "NotTerminating":
        return spec.get("activeDeadlineSeconds") is None
    if scope == "BestEffort":
        return _qos_best_effort(spec)
    if scope == "NotBestEffort":
        return not _qos_best_effort(spec)
    if scope == "CrossNamespacePodAffinity":
        return _cross_namespace_affinity(spec)
    if scope == "PriorityClass":
        name = spec.get("priorityClassName") or ""
        values = selector.get("values") or []
        if operator == "Exists":
            return bool(name)
        if operator == "DoesNotExist":
            return not name
        if operator == "In":
            return name in values
        if operator == "NotIn":
            return bool(name) and name not in values
    return False


class _QuotaState:
    def __init__(self, quota: dict):
        self.quota = quota
        self.name = _name(quota)
        status = quota.get("status") if isinstance(quota.get("status"), dict) else {}
        spec = quota.get("spec") if isinstance(quota.get("spec"), dict) else {}
        hard = status.get("hard") or spec.get("hard") or {}
        self.hard = {k: _qty(v) for k, v in hard.items()}
        self.used_given = {k: _qty(v) for k, v in (status.get("used") or {}).items()}
        self.used: dict = {}
        self.selectors = [{"scopeName": s, "operator": "Exists"} for s in spec.get("scopes") or []]
        self.selectors += list(((spec.get("scopeSelector") or {}).get("matchExpressions")) or [])

    def matches(self, spec: dict) -> bool:
        return all(_scope_matches(s, spec) for s in self.selectors if isinstance(s, dict))

    def matches_claim(self) -> bool:
        return not self.selectors  # the pod scopes select no claims

    def seed(self, pods: list, claims: list = ()) -> None:
        """Start from status.used, or from what the snapshot's pods and claims in the
        namespace use."""
        if self.used_given:
            self.used = dict(self.used_given)
        else:
            used: dict = {}
            usages = [pod_usage(p.get("spec") or {}) for p in pods if self.matches(p.get("spec") or {})]
            if self.matches_claim():
                usages += [claim_usage(c) for c in claims]
            for usage in usages:
                for name, value in usage.items():
                    if name in self.hard:
                        used[name] = _add(used.get(name), value)
            self.used = used
        for name in self.hard:
            self.used.setdefault(name, (Fraction(0), "DecimalSI"))

    def check_constraints(self, spec: dict) -> None:
        required = _VALIDATION_SET & set(self.hard)
        if not required:
            return
        missing: dict = {}
        for key in ("containers", "initContainers"):
            for c in _containers(spec, key):
                for name in sorted(required - _container_usage_names(c)):
                    missing.setdefault(name, set()).add(c.get("name") or "")
        if missing:
            parts = [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]
            raise _Rejected("ResourceQuota", f"failed quota: {self.name}: must specify {'; '.join(parts)}")

    def check_room(self, usage: dict) -> None:
        requested = {k: v for k, v in usage.items() if k in self.hard}
        exceeded = sorted(
            name for name, value in requested.items()
            if self.used.get(name, (Fraction(0),))[0] + value[0] > self.hard[name][0]
        )
        if exceeded:
            def show(values):
                return ",".join(f"{n}={format_quantity(values[n])}" for n in exceeded if n in values)

            raise _Rejected(
                "ResourceQuota",
                f"exceeded quota: {self.name}, requested: {show(requested)}, used: {show(self.used)}, limited: {show(self.hard)}",
            )

    def charge(self, usage: dict) -> None:
        for name, value in usage.items():
            if name in self.hard:
                self.used[name] = _add(self.used.get(name), value)


# --- helpers -------------------------------------------------------------------------------


def _name(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _namespace(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "default")


def _int(value, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _limit_items(lr: dict) -> list:
    spec = lr.get("spec") if isinstance(lr.get("spec"), dict) else {}
    return [i for i in spec.get("limits") or [] if isinstance(i, dict)]


def _cluster_error(cluster, obj: dict, message: str) -> KubeplanError:
    if hasattr(cluster, "error"):
        return cluster.error(obj, message)
    return KubeplanError(message)


def admission_for(cluster) -> Admission:
    """The run's Admission state, kept on the cluster object."""
    state = getattr(cluster, _STATE_ATTR, None)
    if state is None:
        state = Admission(cluster)
        setattr(cluster, _STATE_ATTR, state)
    return state


def admit(pod: dict, cluster) -> AdmissionResult:
    return admission_for(cluster).admit(pod)


def admit_claim(pvc: dict, cluster) -> AdmissionResult:
    """Admit a claim a StatefulSet creates (``PodToSchedule.claims``) before its pod: the
    controller creates the pod only once its claims exist."""
    return admission_for(cluster).admit_claim(pvc)
