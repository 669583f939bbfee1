"""NodeVolumeLimits (CSI): the number of distinct CSI volumes of one driver on a node may
not exceed what the node's CSINode object allows for that driver."""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unschedulable

REASON = "node(s) exceed max volume count"


class NodeVolumeLimits(Plugin):
    name = "NodeVolumeLimits"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        self._limits = None

    def _node_limits(self):
        """node name -> {driver: allocatable count}"""
        if self._limits is None:
            limits = {}
            for csi in getattr(self.handle.cluster, "csi_nodes", []) or []:
                name = (csi.get("metadata") or {}).get("name")
                for driver in (csi.get("spec") or {}).get("drivers") or []:
                    count = (driver.get("allocatable") or {}).get("count")
                    if isinstance(count, int):
                        limits.setdefault(name, {})[driver.get("name")] = count
            self._limits = limits
        return self._limits

    def _csi_volumes(self, template, pod_name: str) -> set:
        """{(driver, volume handle)} of the pod's PVC-backed CSI volumes."""
        volumes = self.handle.volumes()
        out = set()
        for key in volumes.claim_names(template, pod_name):
            pvc = volumes.pvcs.get(key)
            if pvc is None:
                continue
            pv = volumes.pvs.get(volumes.volume_name(key, pvc))
            if pv is not None and isinstance((pv.get("spec") or {}).get("csi"), dict):
                csi = pv["spec"]["csi"]
                out.add((csi.get("driver"), csi.get("volumeHandle")))
            elif pv is None:
                _, storage_class = volumes.class_of(pvc)
                if storage_class is not None and storage_class.get("provisioner"):
                    out.add((storage_class["provisioner"], f"{key[0]}/{key[1]}"))
        return out

    def pre_filter(self, state, pi):
        if not self._node_limits():
            return Status(SKIP)
        wanted = self._csi_volumes(pi.template, pi.name)
        if not wanted:
            return Status(SKIP)
        state[self.name] = wanted
        return None

    def _exceeds(self, wanted, node: int) -> bool:
        limits = self._node_limits().get(self.snapshot.names[node])
        if not limits:
            return False
        attached = set()
        for other in self.snapshot.pods[node]:
            attached |= self._csi_volumes(other.template, other.name)
        for driver, limit in limits.items():
            new = {v for v in wanted if v[0] == driver} - attached
            if new and len({v for v in attached if v[0] == driver}) + len(new) > limit:
                return True
        return False

    def filter(self, state, pi, nodes):
        wanted = state.get(self.name)
        if not wanted:
            return None
        return np.array([self._exceeds(wanted, int(n)) for n in nodes], dtype=bool)

    def failure(self, state, pi, node):
        return unschedulable(REASON)
