"""``replicas:``: set the replica count of named workloads."""

from __future__ import annotations

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import visit


def apply_replicas(resmap, entries, specs, where=None) -> None:
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise KubeplanError("replicas: each entry needs a name and a count", where)
        name, count = entry["name"], entry.get("count", 0)
        if isinstance(count, bool) or not isinstance(count, int):
            raise KubeplanError(f"replicas: count of {name!r} must be an integer", where)
        found = False
        for spec in specs:
            matched = [
                res for res in resmap if any(i.name == name and i.gvk.selected_by(spec.gvk) for i in res.all_ids())
            ]
            if matched:
                found = True
            for res in matched:

                def setter(container, key, _trail):
                    container[key] = count

                visit(res.data, spec.path, setter, create=(lambda: count) if spec.create else None)
        if not found:
            kinds = " ".join(str(s.gvk) for s in specs)
            raise KubeplanError(
                f"resource with name {name} does not match a config with the following GVK [{kinds}]", where
            )
