"""``commonLabels``, ``labels`` and ``commonAnnotations``: string maps written at field specs."""

from __future__ import annotations

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import FieldSpec, make_spec, merge_specs, visit
from kubeplan.renderer.kustomize.resource import Gvk

METADATA_LABELS = FieldSpec(Gvk(), ("metadata", "labels"), True, "metadata/labels")


def string_map(value, field: str, where=None) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise KubeplanError(f"{field} must be a map of strings", where)
    out = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif item is None:
            item = ""
        elif isinstance(item, (int, float)):
            raise KubeplanError(
                f"json: cannot unmarshal number into Go struct field Kustomization.{field} of type string", where
            )
        elif not isinstance(item, str):
            raise KubeplanError(f"{field}: value of {key!r} must be a string", where)
        out[key] = item
    return out


def apply_map(resmap, pairs: dict, specs) -> None:
    """Set each pair in the mapping at every field spec (creating it where allowed)."""
    if not pairs:
        return
    for res in resmap:
        gvk = res.gvk
        for spec in specs:
            if not spec.applies_to(gvk):
                continue

            def setter(container, key, _trail):
                target = container.get(key)
                if target is None:
                    target = container[key] = {}
                if not isinstance(target, dict):
                    return
                for name in sorted(pairs):
                    target[name] = pairs[name]

            visit(res.data, spec.path, setter, create=dict if spec.create else None)


def label_specs(entry: dict, config, where=None) -> list:
    """The field specs of one ``labels:`` entry: its own ``fields``, the configured
    ``labels`` specs, then selectors (includeSelectors) or templates (includeTemplates)."""
    specs = [make_spec(f, where) for f in entry.get("fields") or ()]
    specs = merge_specs(specs, config.specs["labels"], where)
    if entry.get("includeSelectors"):
        return merge_specs(specs, config.specs["commonLabels"], where)
    if entry.get("includeTemplates"):
        specs = merge_specs(specs, config.specs["templateLabels"], where)
    return merge_specs(specs, [METADATA_LABELS], where)
