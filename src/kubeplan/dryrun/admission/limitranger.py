"""LimitRanger: LimitRange defaults (mutating) and min / max / maxLimitRequestRatio
checks (validating) for pods and PersistentVolumeClaims, with the API server's messages.

Go iterates the constraint maps in random order; kubeplan checks resources sorted by
name so that a message with several violations is always the same.
"""

from __future__ import annotations

from fractions import Fraction

from .common import aggregate, check_quantities, cluster_error, name_of
from .podresources import containers, pod_totals, resource_list
from .quantities import format_quantity, qty

ANNOTATION = "kubernetes.io/limit-ranger"
_CONSTRAINTS = ("default", "defaultRequest", "min", "max", "maxLimitRequestRatio")


def limit_items(lr: dict) -> list:
    spec = lr.get("spec") if isinstance(lr.get("spec"), dict) else {}
    limits = spec.get("limits")
    return [i for i in limits if isinstance(i, dict)] if isinstance(limits, list) else []


def check_shape(cluster, lr: dict) -> None:
    """A LimitRange of the snapshot admission can read (else exit 2 at its line)."""
    spec = lr.get("spec")
    limits = spec.get("limits") if isinstance(spec, dict) else None
    if limits is not None and not isinstance(limits, list):
        raise cluster_error(cluster, lr, f"LimitRange {name_of(lr)}: spec.limits must be a list")
    for item in limit_items(lr):
        for key in _CONSTRAINTS:
            check_quantities(cluster, lr, item.get(key), f"spec.limits[].{key}")


def set_defaults(pod: dict, ranges: list) -> None:
    """Fill missing requests (``defaultRequest``) and limits (``default``) of every
    container and init container; annotate the pod with what was set, as upstream."""
    notes = []
    spec = pod["spec"]
    for lr in ranges:
        defaults, default_requests = {}, {}
        for item in limit_items(lr):
            if item.get("type") == "Container":
                default_requests.update(item.get("defaultRequest") or {})
                defaults.update(item.get("default") or {})
        if not defaults and not default_requests:
            continue
        for key, label in (("containers", "container"), ("initContainers", "init container")):
            for c in containers(spec, key):
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
        annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def validate_pod(pod: dict, ranges: list) -> None:
    spec = pod["spec"]
    for lr in ranges:
        errors: list[str] = []
        for item in limit_items(lr):
            kind = item.get("type")
            if kind == "Container":
                for key in ("containers", "initContainers"):
                    for c in containers(spec, key):
                        requests = {k: qty(v) for k, v in resource_list(c, "requests").items()}
                        limits = {k: qty(v) for k, v in resource_list(c, "limits").items()}
                        errors.extend(_check_item(item, kind, requests, limits))
            elif kind == "Pod":
                errors.extend(_check_item(item, kind, pod_totals(spec, "requests"), pod_totals(spec, "limits")))
        if errors:
            raise aggregate("LimitRanger", errors)


def validate_claim(pvc: dict, ranges: list) -> None:
    """Claims: ``min`` and ``max`` apply to the storage request (there are no limits)."""
    requests = ((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}
    requests = {k: qty(v) for k, v in requests.items()}
    kind = "PersistentVolumeClaim"
    for lr in ranges:
        errors = []
        for item in limit_items(lr):
            if item.get("type") != kind:
                continue
            for name, value in sorted((item.get("min") or {}).items()):
                shown = format_quantity(qty(value))
                if name not in requests:
                    errors.append(f"minimum {name} usage per {kind} is {shown}.  No request is specified")
                elif qty(value)[0] > requests[name][0]:
                    errors.append(f"minimum {name} usage per {kind} is {shown}, but request is {format_quantity(requests[name])}")
            for name, value in sorted((item.get("max") or {}).items()):
                shown = format_quantity(qty(value))
                if name not in requests:
                    errors.append(f"maximum {name} usage per {kind} is {shown}.  No request is specified")
                elif requests[name][0] > qty(value)[0]:
                    errors.append(f"maximum {name} usage per {kind} is {shown}, but request is {format_quantity(requests[name])}")
        if errors:
            raise aggregate("LimitRanger", errors)


def _check_item(item: dict, kind: str, requests: dict, limits: dict) -> list[str]:
    errors = []
    for name, value in sorted((item.get("min") or {}).items()):
        enforced = qty(value)
        shown = format_quantity(enforced)
        if name not in requests:
            errors.append(f"minimum {name} usage per {kind} is {shown}.  No request is specified")
        elif enforced[0] > requests[name][0]:
            errors.append(f"minimum {name} usage per {kind} is {shown}, but request is {format_quantity(requests[name])}")
        elif name in limits and enforced[0] > limits[name][0]:
            errors.append(f"minimum {name} usage per {kind} is {shown}, but limit is {format_quantity(limits[name])}")
    for name, value in sorted((item.get("max") or {}).items()):
        enforced = qty(value)
        shown = format_quantity(enforced)
        if name not in limits:
            errors.append(f"maximum {name} usage per {kind} is {shown}.  No limit is specified")
        elif limits[name][0] > enforced[0]:
            errors.append(f"maximum {name} usage per {kind} is {shown}, but limit is {format_quantity(limits[name])}")
        elif name in requests and requests[name][0] > enforced[0]:
            errors.append(f"maximum {name} usage per {kind} is {shown}, but request is {format_quantity(requests[name])}")
    for name, value in sorted((item.get("maxLimitRequestRatio") or {}).items()):
        enforced = qty(value)
        shown = format_quantity(enforced)
        if name not in requests or requests[name][0] == 0:
            errors.append(f"{name} max limit to request ratio per {kind} is {shown}, but no request is specified or request is 0")
        elif name not in limits or limits[name][0] == 0:
            errors.append(f"{name} max limit to request ratio per {kind} is {shown}, but no limit is specified or limit is 0")
        else:
            ratio = abs(limits[name][0]) / abs(requests[name][0])
            if ratio > enforced[0]:
                errors.append(f"{name} max limit to request ratio per {kind} is {shown}, but provided ratio is {six_decimals(ratio)}")
    return errors


def six_decimals(value: Fraction) -> str:
    scaled = value * 10**6
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest > scaled.denominator or (2 * rest == scaled.denominator and whole % 2):
        whole += 1  # half to even, as inf.Dec's QuoRound
    return f"{whole // 10**6}.{whole % 10**6:06d}"
