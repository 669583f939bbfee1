"""VolumeBinding: a pod's PersistentVolumeClaims must be bound, or bindable on the node.

Bound claims: the PersistentVolume must exist and its node affinity must match the node.
Unbound claims of a WaitForFirstConsumer class: an available PV that fits (class, access
modes, size, volume mode, selector, node affinity) or dynamic provisioning allowed on the
node (the class has a provisioner and its allowedTopologies match). Unbound claims of an
Immediate class make the pod wait (PreFilter), except the claims this plan creates, which
the provisioner binds before the pod is scheduled.
"""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unresolvable
from kubeplan.dryrun.scheduler.labels import LabelSelector, NodeSelectorTerm, SelectorError
from kubeplan.dryrun.scheduler.volumes import NO_PROVISIONER

REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"


def node_affinity_matches(pv_or_terms, labels: dict, name: str) -> bool:
    """A PV's spec.nodeAffinity.required (or a StorageClass's allowedTopologies)."""
    terms = pv_or_terms
    if isinstance(pv_or_terms, dict):
        required = ((pv_or_terms.get("spec") or {}).get("nodeAffinity") or {}).get("required")
        if required is None:
            return True
        terms = required.get("nodeSelectorTerms") or []
    try:
        return any(NodeSelectorTerm(t).matches(labels, name) for t in terms)
    except SelectorError:
        return False


def _topology_terms(storage_class: dict) -> list | None:
    allowed = storage_class.get("allowedTopologies")
    if not allowed:
        return None
    out = []
    for term in allowed:
        exprs = [{"key": e.get("key"), "operator": "In", "values": e.get("values") or []} for e in term.get("matchLabelExpressions") or []]
        out.append({"matchExpressions": exprs})
    return out


class VolumeBinding(Plugin):
    name = "VolumeBinding"

    def pre_filter(self, state, pi):
        volumes = self.handle.volumes()
        keys = volumes.claim_names(pi.template, pi.name)
        if not keys:
            return Status(SKIP)
        bound, unbound = [], []
        for key in keys:
            pvc = volumes.pvcs.get(key)
            if pvc is None:
                return unresolvable(f'persistentvolumeclaim "{key[1]}" not found')
            if (pvc.get("metadata") or {}).get("deletionTimestamp"):
                return unresolvable(f'persistentvolumeclaim "{key[1]}" is being deleted')
            if volumes.volume_name(key, pvc):
                bound.append((key, pvc))
                continue
            class_name, storage_class = volumes.class_of(pvc)
            if class_name and storage_class is None:
                return unresolvable(f'storageclass.storage.k8s.io "{class_name}" not found')
            mode = (storage_class or {}).get("volumeBindingMode") or "Immediate"
            if mode == "WaitForFirstConsumer":
                unbound.append((key, pvc, storage_class))
            elif key in volumes.planned_claims and storage_class is not None and storage_class.get("provisioner") != NO_PROVISIONER:
                continue  # provisioned and bound right after the claim is created
            else:
                return unresolvable(REASON_UNBOUND_IMMEDIATE)
        state[self.name] = (bound, unbound)
        return None

    def _reasons(self, state, node: int) -> list:
        bound, unbound = state[self.name]
        volumes = self.handle.volumes()
        snap = self.snapshot
        labels, name = snap.labels[node], snap.names[node]
        reasons = []
        for key, pvc in bound:
            pv = volumes.pvs.get(volumes.volume_name(key, pvc))
            if pv is None:
                return [REASON_PV_NOT_EXIST]
            if not node_affinity_matches(pv, labels, name):
                if REASON_NODE_CONFLICT not in reasons:
                    reasons.append(REASON_NODE_CONFLICT)
        if unbound and self._match_unbound(unbound, labels, name) is None:
            reasons.append(REASON_BIND_CONFLICT)
        return reasons

    def _match_unbound(self, unbound, labels, name):
        """{claim key: PV name or None (provisioned)} for the node, or None if impossible."""
        volumes = self.handle.volumes()
        taken = set(volumes.bound.values())
        chosen = {}
        for key, pvc, storage_class in unbound:
            pv = self._find_pv(pvc, key, labels, name, taken)
            if pv is not None:
                taken.add(pv)
                chosen[key] = pv
                continue
            if storage_class is None or storage_class.get("provisioner") in (None, "", NO_PROVISIONER):
                return None
            topology = _topology_terms(storage_class)
            if topology is not None and not node_affinity_matches(topology, labels, name):
                return None
            chosen[key] = None
        return chosen

    def _find_pv(self, pvc, key, labels, name, taken):
        volumes = self.handle.volumes()
        spec = pvc.get("spec") or {}
        class_name, _ = volumes.class_of(pvc)
        want_modes = set(spec.get("accessModes") or [])
        want_size = volumes.requested_storage(pvc)
        want_mode = spec.get("volumeMode") or "Filesystem"
        selector = None
        if spec.get("selector") is not None:
            try:
                selector = LabelSelector.parse(spec["selector"])
            except SelectorError:
                return None
        best, best_size = None, None
        for pv_name, pv in sorted(volumes.pvs.items()):
            if pv_name in taken:
                continue
            pv_spec = pv.get("spec") or {}
            ref = pv_spec.get("claimRef")
            if ref and (ref.get("namespace"), ref.get("name")) != key:
                continue
            if (pv.get("status") or {}).get("phase") in ("Released", "Failed"):
                continue
            if (pv_spec.get("storageClassName") or "") != class_name:
                continue
            if not want_modes <= set(pv_spec.get("accessModes") or []):
                continue
            if (pv_spec.get("volumeMode") or "Filesystem") != want_mode:
                continue
            size = volumes.capacity(pv)
            if size < want_size:
                continue
            if selector is not None and not selector.matches((pv.get("metadata") or {}).get("labels") or {}):
                continue
            if not node_affinity_matches(pv, labels, name):
                continue
            if ref:  # pre-bound to this claim: take it
                return pv_name
            if best is None or size < best_size:
                best, best_size = pv_name, size
        return best

    def filter(self, state, pi, nodes):
        if self.name not in state:
            return None
        return np.array([bool(self._reasons(state, int(n))) for n in nodes], dtype=bool)

    def failure(self, state, pi, node):
        return unresolvable(*self._reasons(state, node))

    def reserve(self, state, pi, node: int) -> None:
        """The PVs chosen for the pod's unbound claims are taken (AssumePodVolumes)."""
        if self.name not in state:
            return
        _, unbound = state[self.name]
        if not unbound:
            return
        chosen = self._match_unbound(unbound, self.snapshot.labels[node], self.snapshot.names[node]) or {}
        volumes = self.handle.volumes()
        for key, pv in chosen.items():
            if pv is not None:
                volumes.bound[key] = pv
