"""The cluster a dry run plans against: the objects of a snapshot (``kubectl get ... -o
yaml``, ``kind: List`` included), indexed the way the scheduler and admission read them.

Everything is kept as plain object dicts in input order; ``source_of`` finds the manifest
an object came from so that errors can name its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import ManifestObject

# kind -> Cluster attribute
_KINDS = {
    "Node": "nodes",
    "Pod": "pods",
    "Namespace": "namespaces",
    "PriorityClass": "priority_classes",
    "PodDisruptionBudget": "pdbs",
    "ResourceQuota": "resource_quotas",
    "LimitRange": "limit_ranges",
    "PersistentVolumeClaim": "pvcs",
    "PersistentVolume": "pvs",
    "StorageClass": "storage_classes",
    "Service": "services",
    "ReplicaSet": "replica_sets",
    "StatefulSet": "stateful_sets",
    "ReplicationController": "replication_controllers",
    "CSINode": "csi_nodes",
}
_CLUSTER_SCOPED = {"Node", "Namespace", "PriorityClass", "PersistentVolume", "StorageClass", "CSINode"}
_TERMINAL_PHASES = ("Succeeded", "Failed")


@dataclass
class Cluster:
    nodes: list = field(default_factory=list)
    pods: list = field(default_factory=list)  # bound, not terminal (what the scheduler cache holds)
    pending_pods: list = field(default_factory=list)  # unbound pods of the snapshot (not planned)
    namespaces: list = field(default_factory=list)
    priority_classes: list = field(default_factory=list)
    pdbs: list = field(default_factory=list)
    resource_quotas: list = field(default_factory=list)
    limit_ranges: list = field(default_factory=list)
    pvcs: list = field(default_factory=list)
    pvs: list = field(default_factory=list)
    storage_classes: list = field(default_factory=list)
    services: list = field(default_factory=list)
    replica_sets: list = field(default_factory=list)
    stateful_sets: list = field(default_factory=list)
    replication_controllers: list = field(default_factory=list)
    csi_nodes: list = field(default_factory=list)
    _sources: dict = field(default_factory=dict, repr=False)  # id(data) -> ManifestObject

    @classmethod
    def from_objects(cls, objects) -> "Cluster":
        """Index ``objects`` (ManifestObjects or plain dicts); other kinds are ignored."""
        cluster = cls()
        seen: dict = {}
        for obj in objects:
            data = obj.data if isinstance(obj, ManifestObject) else obj
            if not isinstance(data, dict):
                continue
            kind = data.get("kind")
            attr = _KINDS.get(kind) if isinstance(kind, str) else None
            if attr is None:
                continue
            if isinstance(obj, ManifestObject):
                cluster._sources[id(data)] = obj
            meta = data.get("metadata")
            name = meta.get("name") if isinstance(meta, dict) else None
            if not isinstance(name, str) or not name:
                raise cluster.error(data, f"{kind} without metadata.name")
            namespace = "" if kind in _CLUSTER_SCOPED else (meta.get("namespace") or "default")
            if not isinstance(namespace, str):
                raise cluster.error(data, f"{kind} {name}: metadata.namespace must be a string")
            for field_name, want in (("labels", dict), ("annotations", dict)):
                if not isinstance(meta.get(field_name) or want(), want):
                    raise cluster.error(data, f"{kind} {name}: metadata.{field_name} must be a mapping")
            for field_name in ("spec", "status"):
                if data.get(field_name) is not None and not isinstance(data.get(field_name), dict):
                    raise cluster.error(data, f"{kind} {name}: {field_name} must be a mapping")
            key = (kind, namespace, name)
            if key in seen:
                raise cluster.error(data, f"{kind} {namespace + '/' if namespace else ''}{name} is defined twice in the cluster")
            seen[key] = data
            if kind == "Pod":
                if not isinstance(data.get("spec"), dict):
                    raise cluster.error(data, f"Pod {namespace}/{name} has no spec")
                phase = (data.get("status") or {}).get("phase") if isinstance(data.get("status"), dict) else None
                if phase in _TERMINAL_PHASES:
                    continue
                if not data["spec"].get("nodeName"):
                    cluster.pending_pods.append(data)
                    continue
            getattr(cluster, attr).append(data)
        return cluster

    def add(self, data: dict, source: ManifestObject | None = None) -> None:
        """Add one more object (a PVC a StatefulSet creates, a ReplicaSet a Deployment owns)."""
        attr = _KINDS.get(data.get("kind"))
        if attr:
            getattr(self, attr).append(data)
            if source is not None:
                self._sources[id(data)] = source

    def source_of(self, data: dict) -> ManifestObject | None:
        return self._sources.get(id(data))

    def error(self, data: dict, message: str) -> KubeplanError:
        """A KubeplanError that points at the file and line ``data`` came from."""
        source = self.source_of(data)
        if source is None:
            return KubeplanError(message)
        loc = source.locate()
        return KubeplanError(message, loc.file, loc.line)

    def namespace_labels(self) -> dict:
        out = {}
        for ns in self.namespaces:
            meta = ns.get("metadata") or {}
            out[meta.get("name")] = dict(meta.get("labels") or {})
        return out


def load_cluster_files(paths) -> list:
    """The objects of ``--cluster`` files as ManifestObjects (errors: KubeplanError with
    file and line).

    What ``kubectl get ... -o yaml`` prints is one ``kind: List`` document holding every
    object. ``model.loading`` rebases the source map of each List item by scanning all the
    positions of the document, which is quadratic (a 4,000-pod List takes minutes), so
    the items are split here with one pass over the positions; other documents load as
    ``load_paths`` loads them.
    """
    from kubeplan.model.loading import LoadResult, discover, display_name, read_source
    from kubeplan.model.objects import SourceMap
    from kubeplan.model.yamlload import YamlProblem, iter_documents

    objects = []
    for path in discover(paths):
        name = display_name(path)
        try:
            text = read_source(path)
        except YamlProblem as problem:
            raise KubeplanError(problem.message, name, problem.line, problem.column) from None
        try:
            documents = list(iter_documents(text))
        except YamlProblem as problem:
            raise KubeplanError(problem.message, name, problem.line, problem.column) from None
        for doc in documents:
            for problem in doc.problems:
                raise KubeplanError(problem.message, name, problem.line, problem.column)
            data = doc.data
            kind = data.get("kind") if isinstance(data, dict) else None
            items = data.get("items") if isinstance(data, dict) else None
            if not (isinstance(kind, str) and kind.endswith("List") and isinstance(items, list)):
                result = LoadResult()
                _add_document(doc, name, result)
                objects.extend(result.objects)
                continue
            per_item: dict = {}
            for p, pos in doc.positions.items():
                if len(p) >= 2 and p[0] == "items" and isinstance(p[1], int):
                    per_item.setdefault(p[1], {})[p[2:]] = pos
            for i, item in enumerate(items):
                positions = per_item.get(i, {})
                line, column = positions.get((), (doc.line, doc.column))
                if not isinstance(item, dict) or not isinstance(item.get("apiVersion"), str) or not isinstance(item.get("kind"), str):
                    raise KubeplanError(f"{kind} item {i} is not a Kubernetes object (apiVersion and kind)", name, line, column)
                objects.append(ManifestObject(item, SourceMap(name, doc.index, line, column, positions)))
    return objects


def _add_document(doc, name: str, result) -> None:
    """One document that is not a List."""
    from kubeplan.model.objects import SourceMap

    data = doc.data
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get("apiVersion"), str) or not isinstance(data.get("kind"), str):
        raise KubeplanError(f"document {doc.index + 1} is not a Kubernetes object (a mapping with apiVersion and kind)", name, doc.line, doc.column)
    result.objects.append(ManifestObject(data, SourceMap(name, doc.index, doc.line, doc.column, doc.positions)))
