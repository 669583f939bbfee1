"""``resources:`` files into Resources (documents, ``kind: List`` items), with positions."""

from __future__ import annotations

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import SourceMap
from kubeplan.renderer.kustomize.resource import Resource
from kubeplan.renderer.kustomize.yamlio import EMPTY_NULLS, YamlError, load_documents


def parse_resources(text: str, file: str, require_name: bool = True) -> list[Resource]:
    try:
        docs = load_documents(text)
    except YamlError as exc:
        raise KubeplanError(f"MalformedYAMLError: {exc.message}", file, exc.line or None) from None
    out = []
    for index, (data, positions, line) in enumerate(docs):
        empty_nulls = positions.pop(EMPTY_NULLS, set())
        if data is None or data == {}:
            continue
        if not isinstance(data, dict):
            raise KubeplanError(
                f"expected a Kubernetes object (a mapping) in document {index + 1}, got {type(data).__name__}", file, line
            )
        source = SourceMap(file, index, line, 1, positions)
        whole = Resource(data, source)
        whole.empty_nulls = frozenset(empty_nulls)
        for res in _inline_lists(whole, require_name):
            out.append(res)
    return out


def _inline_lists(res: Resource, require_name: bool) -> list[Resource]:
    """kustomize expands any ``*List`` object that has ``items`` into its items."""
    kind = res.kind
    items = res.data.get("items")
    if kind.endswith("List") and "items" in res.data:
        if items is None:
            return []
        if not isinstance(items, list):
            raise KubeplanError(f"{kind}: items must be a list", res.source.file, res.source.line)
        out = []
        sources = res.source.items_rebased(("items",), len(items))
        empty_nulls: dict = {}
        for path in res.empty_nulls:
            if len(path) > 2 and path[0] == "items":
                empty_nulls.setdefault(path[1], set()).add(path[2:])
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise KubeplanError(f"{kind}: items[{i}] is not an object", res.source.file, res.source.line)
            sub = Resource(item, sources[i])
            sub.empty_nulls = frozenset(empty_nulls.get(i, ()))
            out.extend(_inline_lists(sub, require_name))
        return out
    _check_object(res, require_name)
    return [res]


def _check_object(res: Resource, require_name: bool) -> None:
    where = res.source.file
    line = res.source.line
    meta = res.data.get("metadata")
    if isinstance(meta, dict) and "annotations" in meta and not meta["annotations"]:
        # kustomize's reader sets and clears its own annotations, which drops an empty map
        del meta["annotations"]
    if not res.kind:
        raise KubeplanError("missing Resource metadata: kind is required", where, line)
    meta = res.data.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise KubeplanError("metadata must be a mapping", where, line)
    if require_name and not res.name:
        raise KubeplanError(f"missing metadata.name in object {{{res.api_version} {res.kind}}}", where, line)
