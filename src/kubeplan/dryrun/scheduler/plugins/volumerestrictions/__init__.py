"""VolumeRestrictions: volumes that cannot be shared between pods on one node (the same
GCE PD or iSCSI disk unless both mount it read-only, the same AWS EBS volume, the same
Ceph RBD image), and PersistentVolumeClaims with the ReadWriteOncePod access mode that
another pod already uses."""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unschedulable

REASON_DISK = "node(s) had no available disk"
REASON_RWOP = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"


def _conflict(volume: dict, existing: dict) -> bool:
    gce, egce = volume.get("gcePersistentDisk"), existing.get("gcePersistentDisk")
    if gce and egce and gce.get("pdName") == egce.get("pdName") and not (gce.get("readOnly") and egce.get("readOnly")):
        return True
    aws, eaws = volume.get("awsElasticBlockStore"), existing.get("awsElasticBlockStore")
    if aws and eaws and aws.get("volumeID") == eaws.get("volumeID"):
        return True
    iscsi, eiscsi = volume.get("iscsi"), existing.get("iscsi")
    if iscsi and eiscsi and iscsi.get("iqn") == eiscsi.get("iqn") and not (iscsi.get("readOnly") and eiscsi.get("readOnly")):
        return True
    rbd, erbd = volume.get("rbd"), existing.get("rbd")
    if rbd and erbd:
        overlap = set(rbd.get("monitors") or []) & set(erbd.get("monitors") or [])
        same = (rbd.get("pool") or "rbd") == (erbd.get("pool") or "rbd") and rbd.get("image") == erbd.get("image")
        if overlap and same and not (rbd.get("readOnly") and erbd.get("readOnly")):
            return True
    return False


_DISK_KINDS = ("gcePersistentDisk", "awsElasticBlockStore", "iscsi", "rbd")


class VolumeRestrictions(Plugin):
    name = "VolumeRestrictions"

    def pre_filter(self, state, pi):
        disks = [v for v in pi.template.volumes if any(k in v for k in _DISK_KINDS)]
        volumes = self.handle.volumes()
        rwop = []
        for key in volumes.claim_names(pi.template, pi.name):
            pvc = volumes.pvcs.get(key)
            if pvc and "ReadWriteOncePod" in ((pvc.get("spec") or {}).get("accessModes") or []):
                rwop.append(key)
        if not disks and not rwop:
            return Status(SKIP)
        rwop_users = 0
        if rwop:
            wanted = set(rwop)
            for pods in self.snapshot.pods:
                for other in pods:
                    if set(volumes.claim_names(other.template, other.name)) & wanted:
                        rwop_users += 1
        state[self.name] = (disks, rwop_users)
        return None

    def _disk_conflict(self, disks, node: int) -> bool:
        for other in self.snapshot.pods[node]:
            for existing in other.template.volumes:
                if any(_conflict(v, existing) for v in disks):
                    return True
        return False

    def filter(self, state, pi, nodes):
        if self.name not in state:
            return None
        disks, rwop_users = state[self.name]
        if rwop_users:
            return np.ones(len(nodes), dtype=bool)
        if not disks:
            return None
        return np.array([self._disk_conflict(disks, int(n)) for n in nodes], dtype=bool)

    def failure(self, state, pi, node):
        disks, rwop_users = state[self.name]
        if rwop_users:
            return unschedulable(REASON_RWOP)
        return unschedulable(REASON_DISK)
