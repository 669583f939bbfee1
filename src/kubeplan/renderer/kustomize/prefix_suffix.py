"""``namePrefix`` / ``nameSuffix``: rename objects (and other configured name fields)."""

from __future__ import annotations

from kubeplan.renderer.kustomize.fieldspec import visit
from kubeplan.renderer.kustomize.resource import Gvk

# Kinds whose names are fixed by the API (kustomize never prefixes them).
SKIPPED = (Gvk(kind="CustomResourceDefinition"), Gvk(group="apiregistration.k8s.io", kind="APIService"), Gvk(kind="Namespace"))


def apply_prefix_suffix(resmap, specs, prefix: str = "", suffix: str = "") -> None:
    for res in resmap:
        org = res.org_id()
        if any(org.gvk.selected_by(skip) for skip in SKIPPED):
            continue
        for spec in specs:
            if not org.gvk.selected_by(spec.gvk):
                continue
            if spec.path == ("metadata", "name"):
                if prefix:
                    res.add_prefix(prefix)
                if suffix:
                    res.add_suffix(suffix)
                if prefix or suffix:
                    res.store_previous_id()

            def rename(container, key, _trail):
                value = container.get(key)
                if isinstance(value, str):
                    container[key] = f"{prefix}{value}{suffix}"

            visit(res.data, spec.path, rename, create=None)
