"""Resources and their identities as kustomize tracks them during a build.

A Resource is an object's data, its source map, and the build-time facts kustomize keeps
in (later removed) annotations: the ids it had before a transformer renamed it, the name
prefixes and suffixes it collected, whether its name still needs a content hash.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import SourceMap

# Cluster-scoped types of the Kubernetes API, by (group, kind): kustomize reads this from
# its built-in OpenAPI document; anything else (custom resources too) counts as namespaced.
CLUSTER_SCOPED = frozenset(
    (group, kind)
    for group, kinds in {
        "": "ComponentStatus Namespace Node PersistentVolume",
        "admissionregistration.k8s.io": "MutatingWebhookConfiguration ValidatingWebhookConfiguration",
        "apiextensions.k8s.io": "CustomResourceDefinition",
        "apiregistration.k8s.io": "APIService",
        "authentication.k8s.io": "TokenReview",
        "authorization.k8s.io": "SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview",
        "certificates.k8s.io": "CertificateSigningRequest",
        "extensions": "PodSecurityPolicy",
        "flowcontrol.apiserver.k8s.io": "FlowSchema PriorityLevelConfiguration",
        "networking.k8s.io": "IngressClass",
        "node.k8s.io": "RuntimeClass",
        "policy": "PodSecurityPolicy",
        "rbac.authorization.k8s.io": "ClusterRole ClusterRoleBinding",
        "scheduling.k8s.io": "PriorityClass",
        "storage.k8s.io": "CSIDriver CSINode StorageClass VolumeAttachment",
    }.items()
    for kind in kinds.split()
)


def split_api_version(api_version: str) -> tuple[str, str]:
    if "/" in api_version:
        group, _, version = api_version.rpartition("/")
        return group, version
    return "", api_version


class Gvk(NamedTuple):
    group: str = ""
    version: str = ""
    kind: str = ""

    def selected_by(self, selector: "Gvk") -> bool:
        """kustomize's Gvk.IsSelected: empty selector parts match anything."""
        return (
            (not selector.group or selector.group == self.group)
            and (not selector.version or selector.version == self.version)
            and (not selector.kind or selector.kind == self.kind)
        )

    def __str__(self) -> str:
        return f"{self.kind or '[noKind]'}.{self.version or '[noVer]'}.{self.group or '[noGrp]'}"


class ResId(NamedTuple):
    gvk: Gvk
    name: str
    namespace: str

    @property
    def cluster_scoped(self) -> bool:
        return (self.gvk.group, self.gvk.kind) in CLUSTER_SCOPED

    @property
    def effective_namespace(self) -> str:
        if self.cluster_scoped:
            return "_non_namespaceable_"
        return self.namespace or "default"

    def same_as(self, other: "ResId") -> bool:
        return self.key() == other.key()

    def key(self) -> tuple:
        """Equal for ids that ``same_as`` calls the same (for sets and counters of ids)."""
        return (self.gvk, self.name, self.effective_namespace)

    def __str__(self) -> str:
        return f"{self.gvk}/{self.name}.{self.namespace or '[noNs]'}"


class Resource:
    """One object in the build."""

    __slots__ = (
        "data",
        "source",
        "previous",
        "prefixes",
        "suffixes",
        "needs_hash",
        "behavior",
        "origin",
        "transformations",
        "ref_vars",
        "empty_nulls",
    )

    def __init__(self, data: dict, source: SourceMap):
        self.data = data
        self.source = source
        self.previous: list[tuple] = []  # (kind, name, effective namespace) before each rename
        self.prefixes: list[str] = []
        self.suffixes: list[str] = []
        self.needs_hash = False
        self.behavior = ""  # generator behavior: create / merge / replace
        self.origin: dict | None = None  # buildMetadata originAnnotations
        self.transformations: list = []  # buildMetadata transformerAnnotations
        self.ref_vars: list = []  # names of the vars bound to this object
        self.empty_nulls: frozenset = frozenset()  # paths written `key:` with no value

    def copy(self) -> "Resource":
        other = Resource(copy.deepcopy(self.data), self.source)
        other.source = SourceMap(
            self.source.file,
            self.source.doc_index,
            self.source.line,
            self.source.column,
            self.source.positions,
            dict(self.source.overrides),
            list(self.source.related),
        )
        other.previous = list(self.previous)
        other.prefixes = list(self.prefixes)
        other.suffixes = list(self.suffixes)
        other.needs_hash = self.needs_hash
        other.behavior = self.behavior
        other.origin = self.origin
        other.transformations = list(self.transformations)
        other.ref_vars = list(self.ref_vars)
        other.empty_nulls = self.empty_nulls
        return other

    # --- identity ---
    @property
    def kind(self) -> str:
        value = self.data.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def gvk(self) -> Gvk:
        group, version = split_api_version(self.api_version)
        return Gvk(group, version, self.kind)

    @property
    def metadata(self) -> dict:
        meta = self.data.get("metadata")
        if not isinstance(meta, dict):
            meta = {}
            self.data["metadata"] = meta
        return meta

    @property
    def name(self) -> str:
        meta = self.data.get("metadata")
        value = meta.get("name") if isinstance(meta, dict) else None
        return value if isinstance(value, str) else ("" if value is None else str(value))

    @name.setter
    def name(self, value: str) -> None:
        self.metadata["name"] = value

    @property
    def namespace(self) -> str:
        meta = self.data.get("metadata")
        value = meta.get("namespace") if isinstance(meta, dict) else None
        return value if isinstance(value, str) else ("" if value is None else str(value))

    @property
    def labels(self) -> dict:
        value = self.metadata.get("labels")
        return value if isinstance(value, dict) else {}

    @property
    def annotations(self) -> dict:
        value = self.metadata.get("annotations")
        return value if isinstance(value, dict) else {}

    def cur_id(self) -> ResId:
        return ResId(self.gvk, self.name, self.namespace)

    @property
    def prev_ids(self) -> list[ResId]:
        """Earlier ids; as in kustomize, they carry the current group and version."""
        group, version = split_api_version(self.api_version)
        return [ResId(Gvk(group, version, kind), name, ns) for kind, name, ns in self.previous]

    def org_id(self) -> ResId:
        return self.prev_ids[0] if self.previous else self.cur_id()

    def store_previous_id(self) -> None:
        cur = self.cur_id()
        self.previous.append((cur.gvk.kind, cur.name, cur.effective_namespace))

    def all_ids(self) -> list[ResId]:
        return self.prev_ids + [self.cur_id()]

    def add_prefix(self, prefix: str) -> None:
        if prefix:
            self.prefixes.append(prefix)

    def add_suffix(self, suffix: str) -> None:
        if suffix:
            self.suffixes.append(suffix)


def same_ending(shorter: list, longer: list) -> bool:
    """kustomize's SameEndingSubSlice: one list is the tail of the other."""
    if len(shorter) > len(longer):
        shorter, longer = longer, shorter
    if not shorter:
        return len(longer) == 0
    return longer[len(longer) - len(shorter):] == shorter


class ResMap:
    """An ordered list of resources with unique ids."""

    def __init__(self, resources=None):
        self.resources: list[Resource] = list(resources or [])

    def __iter__(self):
        return iter(self.resources)

    def __len__(self):
        return len(self.resources)

    def append(self, res: Resource, where: str = "") -> None:
        self.extend([res], where)

    def extend(self, resources, where: str = "") -> None:
        """Append each resource; ids stay unique. One pass over the ids already here, not
        one per resource added: a file of thousands of objects is one call."""
        seen = {r.cur_id().key() for r in self.resources}
        for res in resources:
            cur = res.cur_id()
            if cur.key() in seen:
                raise KubeplanError(f"may not add resource with an already registered id: {cur}", where or None)
            seen.add(cur.key())
            self.resources.append(res)

    def append_all(self, other: "ResMap", where: str = "") -> None:
        self.extend(other, where)

    def by_current_id(self, rid: ResId) -> list[Resource]:
        return [r for r in self.resources if r.cur_id().same_as(rid)]

    def by_any_id(self, rid: ResId) -> list[Resource]:
        """Resources whose current or any previous id matches."""
        out = []
        for res in self.resources:
            if any(i.same_as(rid) for i in res.all_ids()):
                out.append(res)
        return out

    def remove(self, res: Resource) -> None:
        self.resources = [r for r in self.resources if r is not res]

    def replace(self, old: Resource, new: Resource) -> None:
        self.resources = [new if r is old else r for r in self.resources]
