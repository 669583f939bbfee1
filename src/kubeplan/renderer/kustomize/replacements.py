"""``replacements:``: copy a field of one object into fields of others.

Sources and targets are selected by id (group, version, kind, name, namespace; current or
earlier names), targets also by label/annotation selectors, minus ``reject``. Field paths
are dotted, with ``[key=value]`` list selectors, ``*`` and list indexes.
"""

from __future__ import annotations

import copy

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.resource import Gvk, ResId
from kubeplan.renderer.kustomize.selectors import _matches_requirements, parse_label_selector
from kubeplan.renderer.kustomize.yamlio import YamlError, load_documents, resolve_plain

DEFAULT_FIELD_PATH = "metadata.name"


def load_replacements(loader, entries, where) -> list:
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise KubeplanError("replacements: each entry must be a mapping", where)
        if entry.get("path"):
            if entry.get("source") or entry.get("targets"):
                raise KubeplanError("replacement path and inline replacement can't be set at the same time", where)
            file, text = loader.read_text(str(entry["path"]), where)
            try:
                docs = load_documents(text)
            except YamlError as exc:
                raise KubeplanError(f"MalformedYAMLError: {exc.message}", file, exc.line) from None
            for doc, _, _ in docs:
                if isinstance(doc, list):
                    out.extend((item, file) for item in doc)
                elif isinstance(doc, dict):
                    out.append((doc, file))
        else:
            out.append((entry, where))
    return out


def _selector_id(spec: dict) -> ResId:
    group, version = spec.get("group") or "", spec.get("version") or ""
    return ResId(Gvk(str(group), str(version), str(spec.get("kind") or "")), str(spec.get("name") or ""), str(spec.get("namespace") or ""))


def _selected_by(rid: ResId, selector: ResId) -> bool:
    return (
        (not selector.name or selector.name == rid.name)
        and (not selector.namespace or selector.effective_namespace == rid.effective_namespace)
        and rid.gvk.selected_by(selector.gvk)
    )


def _matches_meta_selectors(res, spec: dict, where) -> bool:
    labels = parse_label_selector(spec.get("labelSelector"), where)
    annotations = parse_label_selector(spec.get("annotationSelector"), where)
    if labels is not None and not _matches_requirements(labels, res.labels):
        return False
    if annotations is not None and not _matches_requirements(annotations, res.annotations):
        return False
    return True


def apply_replacements(resmap, replacements, where) -> None:
    for replacement, origin in replacements:
        source, targets = replacement.get("source"), replacement.get("targets")
        if not source or not targets:
            raise KubeplanError("replacements must specify a source and at least one target", origin)
        value = _source_value(resmap, source, origin)
        for target in targets:
            _apply_target(resmap, value, target, origin)


def _source_value(resmap, source: dict, origin):
    selector = _selector_id(source)
    matches = [res for res in resmap if any(_selected_by(i, selector) for i in res.all_ids()[::-1])]
    if len(matches) > 1:
        raise KubeplanError(f"multiple matches for selector {selector}", origin)
    if not matches:
        raise KubeplanError(f"nothing selected by {selector}", origin)
    path = source.get("fieldPath") or DEFAULT_FIELD_PATH
    found = _lookup(matches[0].data, split_path(path))
    if found is None or found == {} or found == []:
        raise KubeplanError(f"fieldPath `{path}` is missing for replacement source {selector}", origin)
    options = source.get("options") or {}
    delimiter = options.get("delimiter")
    if delimiter:
        if isinstance(found, (dict, list)):
            raise KubeplanError("delimiter option can only be used with scalar nodes", origin)
        parts = scalar_text(found).split(delimiter)
        index = options.get("index") or 0
        if index >= len(parts) or index < 0:
            raise KubeplanError(f"options.index {index} is out of bounds for value {scalar_text(found)}", origin)
        return parts[index]
    return found


def _apply_target(resmap, value, target: dict, origin) -> None:
    select = target.get("select")
    if not select:
        raise KubeplanError("target must specify resources to select", origin)
    selector = _selector_id(select)
    rejects = target.get("reject") or []
    paths = target.get("fieldPaths") or [DEFAULT_FIELD_PATH]
    options = target.get("options") or {}
    for res in resmap:
        if not _matches_meta_selectors(res, select, origin):
            continue
        if any(
            (r.get("labelSelector") or r.get("annotationSelector")) and _matches_meta_selectors(res, r, origin)
            for r in rejects
        ):
            continue
        ids = res.all_ids()
        if not any(_selected_by(i, selector) for i in ids):
            continue
        reject_ids = [_selector_id(r) for r in rejects if any(r.get(k) for k in ("group", "version", "kind", "name", "namespace"))]
        if any(_selected_by(i, r) for r in reject_ids for i in ids):
            continue
        for path in paths:
            _set_path(res.data, split_path(path), value, options, path, origin)


def scalar_text(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _key(part: str) -> str:
    """``[a.b/c]`` (no ``=``) is a quoted map key."""
    if part.startswith("[") and part.endswith("]") and "=" not in part:
        return part[1:-1]
    return part


def split_path(path: str) -> list:
    """Split on dots outside brackets (kyaml's SmarterPathSplitter)."""
    parts, current, depth = [], "", 0
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p != ""]


def _lookup(node, parts):
    for part in parts:
        if isinstance(node, list):
            node = _select_items(node, part)
            if not node:
                return None
            node = node[0]
        elif isinstance(node, dict):
            if _key(part) not in node:
                return None
            node = node[_key(part)]
        else:
            return None
    return node


def _select_items(items: list, part: str) -> list:
    if part == "*":
        return list(items)
    if part.startswith("[") and part.endswith("]") and "=" in part:
        key, _, want = part[1:-1].partition("=")
        return [i for i in items if isinstance(i, dict) and scalar_text(i.get(key)) == want]
    if part.isdigit() or (part.startswith("-") and part[1:].isdigit()):
        index = int(part)
        return [items[index]] if -len(items) <= index < len(items) else []
    return []


def _set_path(data, parts, value, options, path, origin) -> None:
    create = bool(options.get("create"))
    places = []  # (container, key)

    def walk(node, i):
        part = parts[i]
        last = i == len(parts) - 1
        if isinstance(node, list):
            if part.startswith("[") and "=" in part:
                matched = _select_items(node, part)
                if not matched and create:
                    key, _, want = part[1:-1].partition("=")
                    item = {key: want}
                    node.append(item)
                    matched = [item]
                for item in matched:
                    if last:
                        continue
                    walk(item, i + 1)
                return
            if part.isdigit() and int(part) == len(node) and create:
                node.append(None if last else _new_container(parts[i + 1]))
            if part == "*" or part.isdigit():
                for index, item in enumerate(node):
                    if part == "*" or index == int(part):
                        if last:
                            places.append((node, index))
                        else:
                            walk(item, i + 1)
            return
        if not isinstance(node, dict):
            return
        key = _key(part)
        if last:
            if key in node or create:
                places.append((node, key))
            return
        child = node.get(key)
        if child is None:
            if not create:
                return
            child = _new_container(parts[i + 1])
            node[key] = child
        walk(child, i + 1)

    walk(data, 0)
    if not places:
        verb = "find or create" if create else "find"
        raise KubeplanError(f'unable to {verb} field "{path}" in replacement target', origin)
    delimiter = options.get("delimiter")
    for container, key in places:
        current = container[key] if (isinstance(container, list) or key in container) else None
        new = copy.deepcopy(value)
        if delimiter:
            if isinstance(current, (dict, list)):
                raise KubeplanError("delimiter option can only be used with scalar nodes", origin)
            pieces = scalar_text(current).split(delimiter)
            index = options.get("index") or 0
            text = scalar_text(value)
            if index < 0:
                pieces = [text] + pieces
            elif index >= len(pieces):
                pieces.append(text)
            else:
                pieces[index] = text
            new = delimiter.join(pieces)
        if not isinstance(new, (dict, list)):
            # a scalar target keeps its tag: strings stay strings, anything else (or a
            # new field) is read again from the text
            new = scalar_text(new) if isinstance(current, str) else resolve_plain(scalar_text(new))
        container[key] = new


def _new_container(next_part: str):
    return [] if next_part.startswith("[") and "=" in next_part or next_part.isdigit() or next_part == "-" else {}
