"""``buildMetadata``: origin annotations, transformer annotations, the managed-by label.

With any buildMetadata option, every object remembers where it came from (a file path,
or the generator that made it), relative to the top kustomization; transformers add
themselves to a list. The annotations are written at the end if their option is on.
"""

from __future__ import annotations

import posixpath

OPTIONS = ("originAnnotations", "transformerAnnotations", "managedByLabel")
ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"
MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "kustomize-(devel)"


def join(*parts) -> str:
    """Go's filepath.Join: joined and cleaned, empty parts ignored."""
    parts = [p for p in parts if p]
    return posixpath.normpath(posixpath.join(*parts)) if parts else ""


def file_origin(target, entry: str) -> dict:
    return {"path": join(target.origin_dir, entry)}


def builtin_origin(target, kind: str) -> dict:
    return {
        "configuredIn": join(target.origin_dir, target.kust_file_name),
        "configuredBy": {"apiVersion": "builtin", "kind": kind},
    }


def plugin_origin(config) -> dict | None:
    """The origin of an object made or changed by a plugin configured in a file."""
    if config.origin is None:
        return None
    by = {"apiVersion": config.api_version, "kind": config.kind}
    if config.name:
        by["name"] = config.name
    if config.namespace:
        by["namespace"] = config.namespace
    return {"configuredIn": config.origin.get("path", ""), "configuredBy": by}


def add_transformer(resmap, origin) -> None:
    if origin is None:
        return
    for res in resmap:
        if res.origin is None:
            res.origin = origin  # no origin yet: the transformer made it
        else:
            res.transformations.append(origin)


def finish(resources, options) -> None:
    for res in resources:
        if "originAnnotations" in options and res.origin:
            res.metadata.setdefault("annotations", {})[ORIGIN] = _origin_text(res.origin)
        if "transformerAnnotations" in options and res.transformations:
            text = "".join(_origin_text(t, list_item=True) for t in res.transformations)
            res.metadata.setdefault("annotations", {})[TRANSFORMATIONS] = text
        if "managedByLabel" in options:
            res.metadata.setdefault("labels", {})[MANAGED_BY] = MANAGED_BY_VALUE


def _origin_text(origin: dict, list_item: bool = False) -> str:
    lines = []
    for key in ("path", "repo", "ref", "configuredIn", "configuredBy"):
        value = origin.get(key)
        if not value:
            continue
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for sub in ("apiVersion", "kind", "name", "namespace"):
                if value.get(sub):
                    lines.append(f"  {sub}: {value[sub]}")
        else:
            lines.append(f"{key}: {value}")
    if list_item:
        lines = [("- " if i == 0 else "  ") + line for i, line in enumerate(lines)]
    return "\n".join(lines) + "\n"
