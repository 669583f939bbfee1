"""Type checks of the pod spec fields the controllers, admission and the scheduler
read: a field of the wrong type is the user's error, reported at its line, never a crash.
"""

from __future__ import annotations

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import ManifestObject, format_path


def fail(obj: ManifestObject, path: tuple, message: str) -> KubeplanError:
    where = obj.locate(path)
    what = f"{obj.kind} {obj.name}"
    field = f" {format_path(path)}" if path else ""
    return KubeplanError(f"{what}:{field} {message}", where.file, where.line, where.column)


_KIND_NAMES = {dict: "a mapping", list: "a list", str: "a string", int: "an integer", bool: "true or false"}


def expect(obj: ManifestObject, path: tuple, value, kind: type) -> None:
    """Fail at ``path`` unless ``value`` is absent (None) or of ``kind``."""
    if value is None:
        return
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise fail(obj, path, f"must be {_KIND_NAMES[kind]}, not {type(value).__name__} {value!r}"[:200])


# pod spec fields the controllers, admission and scheduler read, with their types
_POD_SPEC_FIELDS = {
    "nodeSelector": dict, "affinity": dict, "tolerations": list, "volumes": list, "overhead": dict,
    "resources": dict, "priorityClassName": str, "priority": int, "schedulerName": str, "nodeName": str,
    "serviceAccountName": str, "hostNetwork": bool, "topologySpreadConstraints": list, "preemptionPolicy": str,
}


def _check_selector_term(obj: ManifestObject, path: tuple, term) -> None:
    if not isinstance(term, dict):
        raise fail(obj, path, "must be a mapping (a node selector term)")
    for key in ("matchExpressions", "matchFields"):
        requirements = term.get(key)
        expect(obj, path + (key,), requirements, list)
        for i, req in enumerate(requirements or []):
            if not isinstance(req, dict):
                raise fail(obj, path + (key, i), "must be a mapping")
            expect(obj, path + (key, i, "key"), req.get("key"), str)
            expect(obj, path + (key, i, "operator"), req.get("operator"), str)
            expect(obj, path + (key, i, "values"), req.get("values"), list)
            for j, value in enumerate(req.get("values") or []):
                expect(obj, path + (key, i, "values", j), value, str)


def _check_node_affinity(obj: ManifestObject, path: tuple, affinity) -> None:
    if not isinstance(affinity, dict):
        return
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    where = path + ("requiredDuringSchedulingIgnoredDuringExecution",)
    expect(obj, where, required, dict)
    terms = (required or {}).get("nodeSelectorTerms")
    expect(obj, where + ("nodeSelectorTerms",), terms, list)
    for i, term in enumerate(terms or []):
        _check_selector_term(obj, where + ("nodeSelectorTerms", i), term)
    preferred = affinity.get("preferredDuringSchedulingIgnoredDuringExecution")
    where = path + ("preferredDuringSchedulingIgnoredDuringExecution",)
    expect(obj, where, preferred, list)
    for i, item in enumerate(preferred or []):
        if not isinstance(item, dict):
            raise fail(obj, where + (i,), "must be a mapping (weight and preference)")
        _check_selector_term(obj, where + (i, "preference"), item.get("preference") or {})


def check_pod_spec(obj: ManifestObject, path: tuple, spec: dict) -> None:
    """Enough type checking that building, admitting and scheduling the pod cannot crash:
    a wrong type is the user's error, reported at its line."""
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        raise fail(obj, path + ("containers",), "must list at least one container")
    for key, kind in _POD_SPEC_FIELDS.items():
        expect(obj, path + (key,), spec.get(key), kind)
    for key in ("nodeAffinity", "podAffinity", "podAntiAffinity"):
        expect(obj, path + ("affinity", key), (spec.get("affinity") or {}).get(key), dict)
    for key in ("tolerations", "volumes", "topologySpreadConstraints"):
        for i, item in enumerate(spec.get(key) or []):
            if not isinstance(item, dict):
                raise fail(obj, path + (key, i), "must be a mapping")
    _check_node_affinity(obj, path + ("affinity", "nodeAffinity"), (spec.get("affinity") or {}).get("nodeAffinity"))
    for i, volume in enumerate(spec.get("volumes") or []):
        expect(obj, path + ("volumes", i, "name"), volume.get("name"), str)
    for key in ("containers", "initContainers"):
        items = spec.get(key)
        expect(obj, path + (key,), items, list)
        for i, container in enumerate(items or []):
            where = path + (key, i)
            expect(obj, where, container, dict)
            if container is None:
                raise fail(obj, where, "must be a mapping (a container)")
            expect(obj, where + ("name",), container.get("name"), str)
            resources = container.get("resources")
            expect(obj, where + ("resources",), resources, dict)
            for part in ("requests", "limits"):
                expect(obj, where + ("resources", part), (resources or {}).get(part), dict)
    if isinstance(spec.get("resources"), dict):
        for part in ("requests", "limits"):
            expect(obj, path + ("resources", part), spec["resources"].get(part), dict)
