"""ResourceQuota: usage of pods and claims against every quota of the namespace whose
scopes match, with the API server's messages.

Usage starts at the quota's ``status.used`` or, without it, at what the snapshot's pods
and claims of the namespace use; it grows with every object admitted in the run.
"""

from __future__ import annotations

from fractions import Fraction

from kubeplan.dryrun.quantity import parse_quantity

from .common import Rejected, cluster_error, check_quantities, int_or, name_of
from .podresources import containers, pod_totals, resource_list
from .quantities import add, format_quantity, qty

# a quota on any of these makes every container state it (upstream's backward-compatibility rule)
_VALIDATION_SET = {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}
_ONE = (Fraction(1), "DecimalSI")
_ZERO = (Fraction(0), "DecimalSI")


def pod_usage(spec: dict) -> dict:
    """The quota usage of one pod, as the pod evaluator computes it."""
    usage: dict = {"pods": _ONE, "count/pods": _ONE}
    for name, value in pod_totals(spec, "requests").items():
        if name in ("cpu", "memory", "ephemeral-storage") or name.startswith("hugepages-"):
            usage[name] = value
            usage[f"requests.{name}"] = value
        elif "/" in name and not name.startswith("kubernetes.io/"):
            usage[f"requests.{name}"] = value
    for name, value in pod_totals(spec, "limits").items():
        if name in ("cpu", "memory", "ephemeral-storage"):
            usage[f"limits.{name}"] = value
    return usage


def claim_usage(pvc: dict) -> dict:
    """The quota usage of one PersistentVolumeClaim, as the claim evaluator computes it."""
    usage = {"persistentvolumeclaims": _ONE, "count/persistentvolumeclaims": _ONE}
    spec = pvc.get("spec") if isinstance(pvc.get("spec"), dict) else {}
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    class_name = spec.get("storageClassName")
    prefix = f"{class_name}.storageclass.storage.k8s.io/" if class_name else None
    if prefix:
        usage[prefix + "persistentvolumeclaims"] = _ONE
    if storage is not None:
        usage["requests.storage"] = qty(storage)
        if prefix:
            usage[prefix + "requests.storage"] = qty(storage)
    return usage


def _container_usage_names(container: dict) -> set:
    names = set()
    for name in resource_list(container, "requests"):
        if name in ("cpu", "memory"):
            names.update((name, f"requests.{name}"))
    for name in resource_list(container, "limits"):
        if name in ("cpu", "memory"):
            names.add(f"limits.{name}")
    return names


def _best_effort(spec: dict) -> bool:
    for key in ("containers", "initContainers"):
        for c in containers(spec, key):
            for field_name in ("requests", "limits"):
                for name, value in resource_list(c, field_name).items():
                    if name in ("cpu", "memory") and parse_quantity(value) != 0:
                        return False
    return True


def _cross_namespace_affinity(spec: dict) -> bool:
    affinity = spec.get("affinity") if isinstance(spec.get("affinity"), dict) else {}
    for kind in ("podAffinity", "podAntiAffinity"):
        block = affinity.get(kind) if isinstance(affinity.get(kind), dict) else {}
        terms = list(block.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        terms += [
            w.get("podAffinityTerm") or {}
            for w in block.get("preferredDuringSchedulingIgnoredDuringExecution") or []
            if isinstance(w, dict)
        ]
        for term in terms:
            if isinstance(term, dict) and (term.get("namespaces") or term.get("namespaceSelector") is not None):
                return True
    return False


def _scope_matches(selector: dict, spec: dict) -> bool:
    scope = selector.get("scopeName")
    operator = selector.get("operator") or "Exists"
    if scope == "Terminating":
        return int_or(spec.get("activeDeadlineSeconds"), -1) >= 0
    if scope == "NotTerminating":
        return spec.get("activeDeadlineSeconds") is None
    if scope == "BestEffort":
        return _best_effort(spec)
    if scope == "NotBestEffort":
        return not _best_effort(spec)
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


def check_shape(cluster, rq: dict) -> None:
    """A ResourceQuota of the snapshot admission can read (else exit 2 at its line)."""
    def bad(where, what):
        return cluster_error(cluster, rq, f"ResourceQuota {name_of(rq)}: {where} must be {what}")

    spec = rq.get("spec") if rq.get("spec") is not None else {}
    status = rq.get("status") if rq.get("status") is not None else {}
    if not isinstance(spec, dict) or not isinstance(status, dict):
        raise bad("spec and status", "mappings")
    for where, value in (("spec.hard", spec.get("hard")), ("status.hard", status.get("hard")), ("status.used", status.get("used"))):
        check_quantities(cluster, rq, value, where)
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


class QuotaState:
    """One quota during the run: its hard limits and what is used so far."""

    def __init__(self, quota: dict):
        self.name = name_of(quota)
        status = quota.get("status") if isinstance(quota.get("status"), dict) else {}
        spec = quota.get("spec") if isinstance(quota.get("spec"), dict) else {}
        hard = status.get("hard") or spec.get("hard") or {}
        self.hard = {k: qty(v) for k, v in hard.items()}
        self.used_given = {k: qty(v) for k, v in (status.get("used") or {}).items()}
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
                        used[name] = add(used.get(name), value)
            self.used = used
        for name in self.hard:
            self.used.setdefault(name, _ZERO)

    def check_constraints(self, spec: dict) -> None:
        required = _VALIDATION_SET & set(self.hard)
        if not required:
            return
        missing: dict = {}
        for key in ("containers", "initContainers"):
            for c in containers(spec, key):
                for name in sorted(required - _container_usage_names(c)):
                    missing.setdefault(name, set()).add(c.get("name") or "")
        if missing:
            parts = [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]
            raise Rejected("ResourceQuota", f"failed quota: {self.name}: must specify {'; '.join(parts)}")

    def check_room(self, usage: dict) -> None:
        requested = {k: v for k, v in usage.items() if k in self.hard}
        exceeded = sorted(
            name for name, value in requested.items() if self.used.get(name, _ZERO)[0] + value[0] > self.hard[name][0]
        )
        if exceeded:
            def show(values):
                return ",".join(f"{n}={format_quantity(values[n])}" for n in exceeded if n in values)

            raise Rejected(
                "ResourceQuota",
                f"exceeded quota: {self.name}, requested: {show(requested)}, used: {show(self.used)}, limited: {show(self.hard)}",
            )

    def charge(self, usage: dict) -> None:
        for name, value in usage.items():
            if name in self.hard:
                self.used[name] = add(self.used.get(name), value)
