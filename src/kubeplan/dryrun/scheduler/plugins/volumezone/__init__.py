"""VolumeZone: a pod whose bound PersistentVolumes carry zone/region labels fits only
nodes in those zones (a label value may list several zones joined by "__")."""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unresolvable

REASON = "node(s) had no available volume zone"
TOPOLOGY_LABELS = (
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
)


class VolumeZone(Plugin):
    name = "VolumeZone"

    def pre_filter(self, state, pi):
        volumes = self.handle.volumes()
        constraints = []
        for key in volumes.claim_names(pi.template, pi.name):
            pvc = volumes.pvcs.get(key)
            if pvc is None:
                continue  # VolumeBinding reports it
            pv = volumes.pvs.get(volumes.volume_name(key, pvc))
            if pv is None:
                continue
            labels = (pv.get("metadata") or {}).get("labels") or {}
            for label in TOPOLOGY_LABELS:
                if label in labels:
                    constraints.append((label, set(str(labels[label]).split("__"))))
        if not constraints:
            return Status(SKIP)
        state[self.name] = constraints
        return None

    def _fits(self, constraints, labels: dict) -> bool:
        for key, allowed in constraints:
            value = labels.get(key)
            if value is None:
                # a PV with a beta label also matches the node's GA label
                value = labels.get(key.replace("failure-domain.beta.kubernetes.io/", "topology.kubernetes.io/"))
            if value is None or value not in allowed:
                return False
        return True

    def filter(self, state, pi, nodes):
        constraints = state.get(self.name)
        if not constraints:
            return None
        labels = self.snapshot.labels
        return np.array([not self._fits(constraints, labels[int(n)]) for n in nodes], dtype=bool)

    def failure(self, state, pi, node):
        return unresolvable(REASON)
