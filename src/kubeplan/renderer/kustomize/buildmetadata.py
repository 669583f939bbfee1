"""``buildMetadata``: origin annotations, transformer annotations, the managed-by label."""

from __future__ import annotations

import os

OPTIONS = ("originAnnotations", "transformerAnnotations", "managedByLabel")
ORIGIN = "config.kubernetes.io/origin"
MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "kustomize-(devel)"


def _relative(path: str, root) -> str:
    base = root.loader.root if root is not None else os.getcwd()
    return os.path.relpath(path, base)


def set_resource_origin(res, file, target, root) -> None:
    res.origin = {"path": _relative(file, root)}


def set_generator_origin(res, target, field_name, root) -> None:
    res.origin = {
        "configuredIn": _relative(target.kust.path, root),
        "configuredBy": {"apiVersion": "builtin", "kind": "ConfigMapGenerator" if field_name == "configMapGenerator" else "SecretGenerator"},
    }


def set_plugin_origin(res, target, kind, root) -> None:
    res.origin = {"configuredIn": _relative(target.kust.path, root), "configuredBy": {"apiVersion": "builtin", "kind": kind}}


def note_transformer(resmap, target, name, root) -> None:
    entry = {"configuredIn": _relative(target.kust.path, root), "configuredBy": {"apiVersion": "builtin", "kind": name}}
    for res in resmap:
        res.transformations.append(entry)


def finish(resources, options) -> None:
    for res in resources:
        if "originAnnotations" in options and res.origin:
            res.metadata.setdefault("annotations", {})[ORIGIN] = _origin_text(res.origin)
        if "managedByLabel" in options:
            res.metadata.setdefault("labels", {})[MANAGED_BY] = MANAGED_BY_VALUE


def _origin_text(origin: dict) -> str:
    lines = []
    for key, value in origin.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for sub, item in value.items():
                lines.append(f"  {sub}: {item}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"
