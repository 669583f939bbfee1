"""JSON patches (RFC 6902): add, remove, replace, move, copy, test."""

from __future__ import annotations

import copy

from kubeplan.errors import KubeplanError

OPS = ("add", "remove", "replace", "move", "copy", "test")


class PatchError(Exception):
    pass


def parse_pointer(pointer) -> list:
    if not isinstance(pointer, str):
        raise PatchError(f"path must be a string, got {pointer!r}")
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"JSON pointer must start with '/': {pointer!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def validate(ops, where=None) -> list:
    if not isinstance(ops, list):
        raise KubeplanError("a JSON patch must be a list of operations", where)
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in OPS:
            raise KubeplanError(f"unexpected kind of JSON patch operation: {op!r}", where)
        if "path" not in op:
            raise KubeplanError(f"JSON patch operation {op.get('op')} needs a path", where)
        if op["op"] in ("move", "copy") and "from" not in op:
            raise KubeplanError(f"JSON patch operation {op['op']} needs a from", where)
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise KubeplanError(f"JSON patch operation {op['op']} needs a value", where)
    return ops


def apply_patch(doc: dict, ops: list) -> dict:
    """A patched copy of ``doc``; raises PatchError in evanphx/json-patch's wording."""
    doc = copy.deepcopy(doc)
    for op in ops:
        kind = op["op"]
        path = op["path"]
        if kind == "add":
            doc = _add(doc, parse_pointer(path), copy.deepcopy(op["value"]), path)
        elif kind == "remove":
            _remove(doc, parse_pointer(path), path)
        elif kind == "replace":
            doc = _replace(doc, parse_pointer(path), copy.deepcopy(op["value"]), path)
        elif kind == "move":
            value = _get(doc, parse_pointer(op["from"]), op["from"], "move")
            _remove(doc, parse_pointer(op["from"]), op["from"])
            doc = _add(doc, parse_pointer(path), value, path)
        elif kind == "copy":
            # evanphx/json-patch (kustomize's) copies a missing value as null
            try:
                value = copy.deepcopy(_get(doc, parse_pointer(op["from"]), op["from"], "copy"))
            except PatchError:
                value = None
            doc = _add(doc, parse_pointer(path), value, path)
        elif kind == "test":
            try:
                value = _get(doc, parse_pointer(path), path, "test")
            except PatchError:
                value = None
            if value != op.get("value"):
                raise PatchError(f"testing value {path} failed: test failed")
    return doc


def _parent(doc, parts, pointer, op):
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict):
            if part not in node:
                raise PatchError(f"{op} operation does not apply: doc is missing path: \"{pointer}\": missing value")
            node = node[part]
        elif isinstance(node, list):
            index = _index(part, len(node), pointer, op)
            node = node[index]
        else:
            raise PatchError(f"{op} operation does not apply: doc is missing path: \"{pointer}\": missing value")
    return node


def _index(part: str, length: int, pointer: str, op: str, allow_end: bool = False) -> int:
    if not part.isdigit() and not (part.startswith("-") and part[1:].isdigit()):
        raise PatchError(f"{op} operation does not apply: doc is missing path: \"{pointer}\": missing value")
    index = int(part)
    if index < 0 or index > length or (index == length and not allow_end):
        raise PatchError(f"Unable to access invalid index: {index}: invalid index referenced")
    return index


def _get(doc, parts, pointer, op):
    node = doc
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list):
            node = node[_index(part, len(node), pointer, op)]
        else:
            raise PatchError(f"{op} operation does not apply: doc is missing from path: \"{pointer}\": missing value")
    return node


def _add(doc, parts, value, pointer):
    if not parts:
        return value
    parent = _parent(doc, parts, pointer, "add")
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            parent.insert(_index(last, len(parent), pointer, "add", allow_end=True), value)
    else:
        raise PatchError(f"add operation does not apply: doc is missing path: \"{pointer}\": missing value")
    return doc


def _remove(doc, parts, pointer):
    if not parts:
        raise PatchError("remove operation does not apply: cannot remove the whole document")
    parent = _parent(doc, parts, pointer, "remove")
    last = parts[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"error in remove for path: '{pointer}': Unable to remove nonexistent key: {last}: missing value")
        del parent[last]
    elif isinstance(parent, list):
        del parent[_index(last, len(parent), pointer, "remove")]
    else:
        raise PatchError(f"remove operation does not apply: doc is missing path: \"{pointer}\": missing value")


def _replace(doc, parts, value, pointer):
    if not parts:
        return value
    try:
        parent = _parent(doc, parts, pointer, "replace")
    except PatchError:
        raise PatchError(f"replace operation does not apply: doc is missing path: {pointer}: missing value") from None
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value  # evanphx/json-patch v4 replaces a missing key by adding it
    elif isinstance(parent, list):
        if not last.isdigit() or int(last) >= len(parent):
            raise PatchError(f"replace operation does not apply: doc is missing key: {pointer}: missing value")
        parent[int(last)] = value
    else:
        raise PatchError(f"replace operation does not apply: doc is missing key: {pointer}: missing value")
    return doc
