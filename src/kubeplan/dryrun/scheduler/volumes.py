"""Shared lookups for the volume plugins: a pod's PersistentVolumeClaims with their
PersistentVolumes and StorageClasses, as the listers upstream return them."""

from __future__ import annotations

from kubeplan.dryrun.quantity import QuantityError, int_value

DEFAULT_CLASS_ANNOTATIONS = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")
NO_PROVISIONER = "kubernetes.io/no-provisioner"


class VolumeIndex:
    def __init__(self, cluster):
        self.pvcs = {}
        self.pvs = {}
        self.classes = {}
        self.default_class = None
        self.planned_claims = set()  # claims this plan creates (their provisioning is pending)
        self.bound: dict = {}  # claim key -> PV name chosen during this plan
        self.refresh(cluster)

    def refresh(self, cluster):
        if cluster is None:
            return
        for pvc in cluster.pvcs:
            meta = pvc.get("metadata") or {}
            self.pvcs[(meta.get("namespace") or "default", meta.get("name"))] = pvc
        for pv in cluster.pvs:
            self.pvs[(pv.get("metadata") or {}).get("name")] = pv
        for sc in cluster.storage_classes:
            meta = sc.get("metadata") or {}
            self.classes[meta.get("name")] = sc
            annotations = meta.get("annotations") or {}
            if any(str(annotations.get(a)).lower() == "true" for a in DEFAULT_CLASS_ANNOTATIONS):
                self.default_class = meta.get("name")

    def claim_names(self, template, pod_name: str) -> list:
        """(namespace, claim name) of every PVC-backed volume of the pod, in volume order."""
        out = []
        for volume in template.volumes:
            pvc = volume.get("persistentVolumeClaim")
            if isinstance(pvc, dict) and pvc.get("claimName"):
                out.append((template.namespace, str(pvc["claimName"])))
            elif isinstance(volume.get("ephemeral"), dict):
                out.append((template.namespace, f"{pod_name}-{volume.get('name')}"))
        return out

    def class_of(self, pvc: dict):
        spec = pvc.get("spec") or {}
        name = spec.get("storageClassName")
        if name is None:
            name = self.default_class
        return name or "", self.classes.get(name) if name else None

    def volume_name(self, key, pvc: dict) -> str:
        return self.bound.get(key) or (pvc.get("spec") or {}).get("volumeName") or ""

    @staticmethod
    def requested_storage(pvc: dict) -> int:
        value = (((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
        try:
            return int_value(value) if value is not None else 0
        except QuantityError:
            return 0

    @staticmethod
    def capacity(pv: dict) -> int:
        value = ((pv.get("spec") or {}).get("capacity") or {}).get("storage")
        try:
            return int_value(value) if value is not None else 0
        except QuantityError:
            return 0
