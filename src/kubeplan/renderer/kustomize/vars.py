"""``vars``: $(NAME) in the varReference fields, replaced by a field of a named object."""

from __future__ import annotations

import re

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import visit
from kubeplan.renderer.kustomize.resource import Gvk, ResId, split_api_version


def _ci(mapping, key: str, default=None):
    """Go's JSON decoding matches field names case-insensitively."""
    if not isinstance(mapping, dict):
        return default
    if key in mapping:
        return mapping[key]
    lower = key.lower()
    for name, value in mapping.items():
        if isinstance(name, str) and name.lower() == lower:
            return value
    return default


def check_var(var, where) -> None:
    if not isinstance(var, dict) or not var.get("name") or not isinstance(_ci(var, "objref"), dict):
        raise KubeplanError("vars: each var needs a name and an objref", where)


def _objref_gvk(objref: dict) -> Gvk:
    group, version = split_api_version(str(_ci(objref, "apiVersion") or ""))
    group = str(_ci(objref, "group") or group)
    version = str(_ci(objref, "version") or version)
    return Gvk(group, version, str(_ci(objref, "kind") or ""))


def var_target_id(var):
    objref = _ci(var, "objref")
    gvk = _objref_gvk(objref)
    name = _ci(objref, "name")
    namespace = _ci(objref, "namespace") or ""

    def matches(rid) -> bool:
        if rid.name != name or rid.gvk != gvk:
            return False
        if namespace or rid.cluster_scoped:  # then the namespace is significant
            return rid.effective_namespace == ResId(gvk, name, namespace).effective_namespace
        return True

    return matches


def field_value(data, field_path: str):
    node = data
    for part in split_field_path(field_path):
        if isinstance(node, list):
            match = re.fullmatch(r"\[?(\d+)\]?", part)
            sel = re.fullmatch(r"\[(.+?)=(.*)\]", part)
            if match:
                index = int(match.group(1))
                if index >= len(node):
                    raise KeyError(field_path)
                node = node[index]
                continue
            if sel:
                found = [i for i in node if isinstance(i, dict) and str(i.get(sel.group(1))) == sel.group(2)]
                if not found:
                    raise KeyError(field_path)
                node = found[0]
                continue
            raise KeyError(field_path)
        if not isinstance(node, dict) or part not in node:
            raise KeyError(field_path)
        node = node[part]
    return node


def split_field_path(path: str) -> list:
    """``spec.containers[0].image`` / ``spec.containers[name=x].image``."""
    parts = []
    for piece in re.findall(r"\[[^\]]*\]|[^.\[\]]+", path):
        parts.append(piece[1:-1] if re.fullmatch(r"\[\d+\]", piece) else piece)
    return parts


_VAR_RE = re.compile(r"\$\$|\$\(([^)]*)\)")


def expand(text: str, values: dict, used: set):
    """Kubernetes' $(VAR) expansion; a string that is exactly one var keeps its type."""
    whole = re.fullmatch(r"\$\(([^)]*)\)", text)
    if whole and whole.group(1) in values:
        used.add(whole.group(1))
        return values[whole.group(1)]

    def sub(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        if name in values:
            used.add(name)
            value = values[name]
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(value)
        return match.group(0)

    return _VAR_RE.sub(sub, text)


def resolve_vars(acc, where) -> None:
    if not acc.vars:
        return
    values = {}
    for var, origin in acc.vars:
        # a var is bound to its object when its kustomization is accumulated
        matched = [r for r in acc.resmap if var["name"] in r.ref_vars]
        if not matched:
            raise KubeplanError(f"var '{var['name']}' cannot be mapped to a field in the set of known resources", origin)
        path = _ci(_ci(var, "fieldref"), "fieldpath") or "metadata.name"
        try:
            values[var["name"]] = field_value(matched[0].data, path)
        except KeyError:
            raise KubeplanError(f"field specified in var '{var['name']}' not found in corresponding resource", origin) from None
    used: set = set()
    specs = acc.config.specs["varReference"]
    for res in acc.resmap:
        gvk = res.gvk
        for spec in specs:
            if not spec.applies_to(gvk):
                continue

            def replace(container, key, _trail):
                value = container.get(key)
                if isinstance(value, str):
                    container[key] = expand(value, values, used)
                elif isinstance(value, list):
                    container[key] = [expand(v, values, used) if isinstance(v, str) else v for v in value]
                elif isinstance(value, dict):
                    for k, v in list(value.items()):
                        if isinstance(v, str):
                            value[k] = expand(v, values, used)

            visit(res.data, spec.path, replace, create=None)
