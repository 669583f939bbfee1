"""What plugins may read besides the snapshot (framework.Handle upstream): the listers of
Services, ReplicaSets, StatefulSets, ReplicationControllers and PodDisruptionBudgets, and
the scheduler itself for PostFilter's what-if filtering."""

from __future__ import annotations

from .labels import LabelSelector, SelectorError, selector_from_map


class Handle:
    def __init__(self, cluster, snapshot):
        self.cluster = cluster
        self.snapshot = snapshot
        self.scheduler = None
        self.next_start = 0  # where the next filter search starts (nextStartNodeIndex)
        self._services = None
        self._owners = None
        self._volumes = None

    def volumes(self):
        """PVC / PV / StorageClass lookups (VolumeIndex), built on first use."""
        if self._volumes is None:
            from .volumes import VolumeIndex

            self._volumes = VolumeIndex(self.cluster)
        return self._volumes

    def _service_selectors(self):
        if self._services is None:
            out = []
            for svc in self.cluster.services if self.cluster else []:
                selector = (svc.get("spec") or {}).get("selector")
                if selector is None or not isinstance(selector, dict):
                    continue
                ns = (svc.get("metadata") or {}).get("namespace") or "default"
                out.append((ns, {str(k): str(v) for k, v in selector.items()}))
            self._services = out
        return self._services

    def _owner_selectors(self):
        if self._owners is None:
            owners = {}
            for kind, attr in (("ReplicaSet", "replica_sets"), ("StatefulSet", "stateful_sets"), ("ReplicationController", "replication_controllers")):
                for obj in getattr(self.cluster, attr, []) if self.cluster else []:
                    meta = obj.get("metadata") or {}
                    selector = (obj.get("spec") or {}).get("selector")
                    try:
                        if kind == "ReplicationController":
                            parsed = selector_from_map(selector) if isinstance(selector, dict) else None
                        else:
                            parsed = LabelSelector.parse(selector) if selector is not None else None
                    except SelectorError:
                        parsed = None
                    if parsed is not None:
                        owners[(kind, meta.get("namespace") or "default", meta.get("name"))] = parsed
            self._owners = owners
        return self._owners

    def default_selector(self, template) -> LabelSelector:
        """helper.DefaultSelector: the Services selecting the pod, plus its controller's selector."""
        hit = template.cache.get("default_selector")
        if hit is not None:
            return hit
        merged: dict = {}
        labels = template.labels
        for ns, selector in self._service_selectors():
            if ns == template.namespace and all(labels.get(k) == v for k, v in selector.items()):
                merged.update(selector)
        result = selector_from_map(merged)
        ref = template.owner_ref
        if ref and ref.get("kind") in ("ReplicaSet", "StatefulSet", "ReplicationController"):
            owner = self._owner_selectors().get((ref["kind"], template.namespace, ref.get("name")))
            if owner is not None:
                if ref["kind"] == "ReplicationController":
                    merged.update({k: next(iter(v)) for k, _, v in owner.requirements})
                    result = selector_from_map(merged)
                elif not owner.nothing:
                    result = LabelSelector(result.requirements + owner.requirements)
        template.cache["default_selector"] = result
        return result

    def pdbs(self) -> list:
        from .plugins.defaultpreemption import parse_pdb

        snap = self.snapshot

        def healthy(namespace, selector):
            return sum(
                1 for pods in snap.pods for p in pods if p.namespace == namespace and not p.terminating and selector.matches(p.labels)
            )

        return [parse_pdb(pdb, healthy) for pdb in (self.cluster.pdbs if self.cluster else [])]
