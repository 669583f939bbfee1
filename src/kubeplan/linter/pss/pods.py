"""A pod as the pack's expressions see it, and evaluating checks on it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubeplan.linter.pss.pack import Check, Revision, checks_for
from kubeplan.model.workloads import POD_TEMPLATE_PATHS  # noqa: F401 - re-exported

EVALUATION_ERROR = "could not be evaluated"



def _without_nulls(value):
    """``value`` with null map entries dropped (Go decodes them as absent); no copy if none."""
    if isinstance(value, dict):
        out = None
        for key, item in value.items():
            cleaned = _without_nulls(item) if isinstance(item, (dict, list)) else item
            if cleaned is None or cleaned is not item:
                if out is None:
                    out = dict(value)
                if cleaned is None:
                    del out[key]
                else:
                    out[key] = cleaned
        return value if out is None else out
    if isinstance(value, list):
        out = None
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                cleaned = _without_nulls(item)
                if cleaned is not item:
                    if out is None:
                        out = list(value)
                    out[index] = cleaned
        return value if out is None else out
    return value


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def pod_activation(metadata, spec) -> dict:
    """The names the pack's expressions read, built over the pod's own data (no copies
    except where nulls are dropped)."""
    metadata = _without_nulls(_mapping(metadata))
    spec = _without_nulls(_mapping(spec))
    containers = []
    for field in ("initContainers", "containers", "ephemeralContainers"):
        items = spec.get(field)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if not isinstance(container, dict):
                continue
            path = f"spec.{field}[{index}]"
            ports = container.get("ports")
            containers.append(
                {
                    "path": path,
                    "name": str(container.get("name", "")),
                    "container": container,
                    "securityContext": _mapping(container.get("securityContext")),
                    "ports": [
                        {"path": f"{path}.ports[{i}]", "port": p}
                        for i, p in enumerate(ports if isinstance(ports, list) else ())
                        if isinstance(p, dict)
                    ],
                }
            )
    volumes = spec.get("volumes")
    pod_sc = _mapping(spec.get("securityContext"))
    sysctls = pod_sc.get("sysctls")
    return {
        "object": {"metadata": metadata, "spec": spec},
        "containers": containers,
        "volumes": [
            {"path": f"spec.volumes[{i}]", "name": str(v.get("name", "")), "volume": v}
            for i, v in enumerate(volumes if isinstance(volumes, list) else ())
            if isinstance(v, dict)
        ],
        "sysctls": [
            {"path": f"spec.securityContext.sysctls[{i}]", "name": str(s.get("name", ""))}
            for i, s in enumerate(sysctls if isinstance(sysctls, list) else ())
            if isinstance(s, dict)
        ],
        "podSecurityContext": pod_sc,
    }


_PATH_TOKEN = re.compile(r'\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> tuple:
    """``spec.containers[0]["a.b"]`` -> ("spec", "containers", 0, "a.b"); format_path's inverse."""
    out, pos = [], 0
    while pos < len(text):
        match = _PATH_TOKEN.match(text, pos)
        if not match:
            break  # an unreadable tail points at what we have so far
        name, index, quoted = match.groups()
        if name is not None:
            out.append(name)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        pos = match.end()
    return tuple(out)


@dataclass(frozen=True)
class Violation:
    message: str
    path: tuple  # relative to the pod (metadata/spec)


def _flatten(value, out):
    if isinstance(value, (list, tuple)):
        for item in value:
            _flatten(item, out)
    else:
        out.append(value)


def _violations(result, check: Check) -> list:
    items: list = []
    _flatten(result, items)
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Violation(str(item), ()))
        elif isinstance(item, dict):
            message = item.get("message", "")
            path = item.get("path", "")
            out.append(Violation(str(message), parse_path(str(path)) if path else ()))
        else:
            out.append(Violation(f"{check.check_id} (violation of unexpected type {type(item).__name__})", ()))
    return out


def evaluate(check: Check, revision: Revision, prepared) -> list:
    """Violations of one check revision on a prepared pod activation."""
    add_variables = check.engine.add_variables
    activation = prepared
    try:
        if check.variables or revision.variables:
            values = {}
            for expr in revision.variables + check.variables:
                values[expr.name] = expr.program.evaluate(add_variables(prepared, values))
            activation = add_variables(prepared, values)
        out = []
        for expr in revision.violations or check.violations:
            out.extend(_violations(expr.program.evaluate(activation), check))
        return out
    except check.engine.errors as exc:
        # A pod the check cannot read (a field of the wrong type) is not a pass: fail closed.
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return [Violation(f"{check.check_id} ({EVALUATION_ERROR}: {detail})", ())]


def evaluate_pod(metadata, spec, level: str, version: tuple, pack=None) -> list:
    """(Check, Violation) pairs for a pod's metadata and spec at ``level`` and ``version``."""
    selected = checks_for(level, version, pack)
    if not selected:
        return []
    prepared = selected[0][0].engine.prepare(pod_activation(metadata, spec))
    return [(check, v) for check, revision in selected for v in evaluate(check, revision, prepared)]


def pod_template(obj):
    """(path prefix, metadata, spec) of the pod an object runs, or None."""
    group = obj.api_version.rpartition("/")[0] if "/" in obj.api_version else ""
    prefix = POD_TEMPLATE_PATHS.get((group, obj.kind))
    if prefix is None:
        return None
    template = obj.get(prefix) if prefix else obj.data
    if not isinstance(template, dict):
        return None
    spec = template.get("spec")
    if not isinstance(spec, dict):
        return None
    return prefix, template.get("metadata"), spec
