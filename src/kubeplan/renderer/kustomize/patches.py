"""``patches``, ``patchesStrategicMerge`` and ``patchesJson6902``.

A patch is a strategic merge patch (an object, possibly several documents) or a JSON 6902
patch (a list of operations). Without a target, a strategic merge patch applies to the one
object with its id (current or earlier name); with a target it applies to every match.
"""

from __future__ import annotations

import json

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import Location
from kubeplan.renderer.kustomize import json6902
from kubeplan.renderer.kustomize.resource import Resource, ResId
from kubeplan.renderer.kustomize.resources import parse_resources
from kubeplan.renderer.kustomize.selectors import Selector
from kubeplan.renderer.kustomize.yamlio import YamlError, load_documents


class Patch:
    """One loaded patch: strategic merge documents or JSON 6902 operations."""

    def __init__(self, origin: str, line: int, smp=None, ops=None, selector=None, options=None):
        self.origin = origin
        self.line = line
        self.smp = smp or []  # list[Resource]
        self.ops = ops
        self.selector = selector
        self.options = options or {}


def looks_like_path(text: str) -> bool:
    return "\n" not in text.strip() and not text.lstrip().startswith(("{", "[", "-")) and ": " not in text


def load_patch_text(text: str, origin: str, where: str):
    """(smp resources, json ops): exactly one of them is set."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            ops = json.loads(stripped)
        except ValueError as exc:
            raise KubeplanError(f"unable to parse JSON patch from {origin}: {exc}", where) from None
        return None, json6902.validate(ops, where)
    try:
        docs = load_documents(text)
    except YamlError as exc:
        raise KubeplanError(f"unable to parse SM or JSON patch from {origin}: {exc.message}", where, exc.line) from None
    if len(docs) == 1 and isinstance(docs[0][0], list):
        return None, json6902.validate(docs[0][0], where)
    return parse_resources(text, origin, require_name=False), None


def load_patch(loader, entry, where: str, line: int, field: str) -> Patch:
    if not isinstance(entry, dict):
        raise KubeplanError(f"{field}: each entry must be a mapping", where, line)
    for key in entry:
        if key not in ("path", "patch", "target", "options"):
            raise KubeplanError(f'json: unknown field "{key}" in {field}', where, line)
    path, inline = entry.get("path"), entry.get("patch")
    if path and inline:
        raise KubeplanError("patch and path can't be set at the same time", where, line)
    if not path and not inline:
        raise KubeplanError("must specify one of patch and path in " + field, where, line)
    if path:
        origin, text = loader.read_text(str(path), where)
        origin_line = 1
    else:
        origin, text, origin_line = where, str(inline), line
    smp, ops = load_patch_text(text, origin, where)
    selector = Selector(entry["target"], where) if entry.get("target") is not None else None
    options = entry.get("options") or {}
    if ops is not None and selector is None:
        raise KubeplanError(f"must specify a target for JSON patch {origin}", where, line)
    return Patch(origin, origin_line, smp, ops, selector, options)


def _schema(build):
    return build.merge_schema()


def _merge_into(res: Resource, patch: Resource, options: dict, build, note: str) -> bool:
    """Apply one strategic merge patch to ``res``; False when the patch deletes it."""
    from kubeplan.renderer.kustomize.strategic_merge import merge_patch

    name, namespace, kind = res.name, res.namespace, res.kind
    allow_name = bool(options.get("allowNameChange"))
    allow_kind = bool(options.get("allowKindChange"))
    if allow_name or allow_kind:
        res.store_previous_id()
    patch_data = dict(patch.data)
    patch_data["apiVersion"] = res.data.get("apiVersion")
    gvk = res.gvk
    try:
        merged = merge_patch(res.data, patch_data, build.merge_schema(), (gvk.group, gvk.version, gvk.kind))
    except KubeplanError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise KubeplanError(f"strategic merge patch {patch.source.file} on {res.cur_id()}: {exc}", patch.source.file) from None
    if merged is None or merged == {}:
        return False
    if res.empty_nulls:
        _drop_empty_nulls(merged, patch_data, res.empty_nulls, build.merge_schema(), res.api_version, res.kind)
    res.data = merged
    meta = res.data.get("metadata")
    if not isinstance(meta, dict):
        meta = res.data["metadata"] = {}
    if not allow_kind:
        res.data["kind"] = kind
    if not allow_name:
        meta["name"] = name
    if namespace:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    _record(res, patch.data, (), Location(patch.source.file, patch.source.line, 1, note), patch.source.positions)
    return True


def _drop_empty_nulls(merged: dict, patch: dict, empty_nulls, schema, api_version: str, kind: str) -> None:
    """kyaml's merge keeps an explicit ``null`` but drops ``key:`` written with no value,
    wherever it walks: maps, and lists it merges by key (others are copied whole)."""

    def walk(node, patch_node, path, node_schema):
        if isinstance(node, dict):
            for key in list(node):
                sub_path = path + (key,)
                value = node[key]
                in_patch = isinstance(patch_node, dict) and key in patch_node
                if value is None and sub_path in empty_nulls and not in_patch:
                    del node[key]
                    continue
                if isinstance(value, (dict, list)):
                    field = schema.field(node_schema, key) if node_schema is not None else None
                    walk(value, patch_node.get(key) if isinstance(patch_node, dict) else None, sub_path, field)
        elif isinstance(node, list) and node_schema is not None:
            if not (node_schema.get("x-kubernetes-patch-merge-key") or node_schema.get("x-kubernetes-list-map-keys")):
                return
            items = schema.elements(node_schema)
            for index, item in enumerate(node):
                walk(item, None, path + (index,), items)

    try:
        root = schema.for_type(api_version, kind)
    except Exception:  # noqa: BLE001 - a schema lookup must never fail a build
        root = None
    walk(merged, patch, (), root)


def _record(res: Resource, patch_data, path, location: Location, positions) -> None:
    """Fields a patch set point at the patch file in the source map."""
    if not isinstance(patch_data, dict):
        return
    for key, value in patch_data.items():
        if not isinstance(key, str) or key.startswith("$") or path == () and key in ("apiVersion", "kind", "metadata"):
            continue
        sub = path + (key,)
        pos = positions.get(sub) if positions else None
        loc = Location(location.file, pos[0], pos[1], location.note) if pos else location
        if isinstance(value, dict):
            _record(res, value, sub, loc, positions)
        else:
            res.source.overrides[sub] = loc


def apply_patch(resmap, patch: Patch, build, where: str, field: str) -> None:
    if patch.ops is not None:
        for res in patch.selector.select(resmap):
            res.store_previous_id()
            try:
                res.data = json6902.apply_patch(res.data, patch.ops)
            except json6902.PatchError as exc:
                raise KubeplanError(f"{exc} (JSON patch {patch.origin} on {res.cur_id()})", where) from None
            res.source.overrides[()] = Location(patch.origin, patch.line, 1, "patch")
        return
    if not patch.smp:
        raise KubeplanError(f"patch appears to be empty; files=[{patch.origin}]", where)
    for smp in patch.smp:
        if patch.selector is not None:
            targets = patch.selector.select(resmap)
        else:
            targets = [find_unique(resmap, smp, where)]
        for res in targets:
            if not _merge_into(res, smp, patch.options, build, "patch"):
                resmap.remove(res)


def find_unique(resmap, smp: Resource, where: str) -> Resource:
    rid = smp.cur_id()
    matches = [res for res in resmap if any(_strict_same(i, rid) for i in res.all_ids())]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise KubeplanError(f"multiple matches for Id {rid}; failed to find unique target for patch {rid}", where)
    raise KubeplanError(f"no matches for Id {rid}; failed to find unique target for patch {rid}", where)


def _strict_same(a: ResId, b: ResId) -> bool:
    return a.gvk == b.gvk and a.name == b.name and a.effective_namespace == b.effective_namespace
