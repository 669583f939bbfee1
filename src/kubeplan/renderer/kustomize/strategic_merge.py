"""Strategic merge patches as ``kustomize build`` (v5.5, kyaml merge2) applies them.

kyaml walks the object and the patch side by side: maps merge key by key, a ``null`` in the
patch deletes, ``$patch: delete|replace|merge`` act on maps and lists, and a list merges by
its merge key(s) only when the OpenAPI schema gives it ``x-kubernetes-patch-strategy: merge``
(``x-kubernetes-list-map-keys`` win over ``x-kubernetes-patch-merge-key``); every other list
is replaced. Merged lists put the patch's new items first. Kinds without a schema (CRDs)
merge maps and replace lists. kyaml does not know ``$setElementOrder``, ``$retainKeys`` or
``$deleteFromPrimitiveList``: they stay in the output as plain fields, as kustomize leaves them.

kyaml's list merge has quirks that show in real output (an item without its merge key, a
port matched on half of ``containerPort``/``protocol``), so the list code below follows its
steps one by one rather than a cleaner algorithm; the tests pin each quirk to the oracle.

Merge keys come from the Kubernetes OpenAPI definitions in kubernetes-validate. kustomize
embeds the Kubernetes v1.21 schema; we read the oldest one shipped (v1.25) and adjust for
the few differences that change a merge (``_V121_*`` below).
"""

from __future__ import annotations

import json
import os
import re

from kubeplan.errors import KubeplanError

__all__ = ["MergeSchema", "merge_patch"]

DIRECTIVE = "$patch"
_DELETE, _REPLACE, _MERGE, _UNKNOWN = "delete", "replace", "merge", "unknown"


class _Absent:
    """A field or item that is not there (Go's nil node), unlike ``None`` (an explicit null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


class _KeptNull:
    """The result for an explicit null in the object that the patch leaves alone: it stays."""

    __slots__ = ()


_ABSENT = _Absent()
_KEEP_NULL = _KeptNull()


# --- the schema --------------------------------------------------------------------------

# kyaml's v1.21 schema still served these API versions; v1.25 has only their successors,
# whose merge keys are the same.
_V121_REMOVED_LATER = {
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): "admissionregistration.k8s.io/v1",
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): "admissionregistration.k8s.io/v1",
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): "apiextensions.k8s.io/v1",
    ("apiregistration.k8s.io/v1beta1", "APIService"): "apiregistration.k8s.io/v1",
    ("authentication.k8s.io/v1beta1", "TokenReview"): "authentication.k8s.io/v1",
    ("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview"): "authorization.k8s.io/v1",
    ("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview"): "authorization.k8s.io/v1",
    ("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview"): "authorization.k8s.io/v1",
    ("authorization.k8s.io/v1beta1", "SubjectAccessReview"): "authorization.k8s.io/v1",
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): "autoscaling/v2beta2",
    ("batch/v1beta1", "CronJob"): "batch/v1",
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): "certificates.k8s.io/v1",
    ("coordination.k8s.io/v1beta1", "Lease"): "coordination.k8s.io/v1",
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): "discovery.k8s.io/v1",
    ("events.k8s.io/v1beta1", "Event"): "events.k8s.io/v1",
    ("extensions/v1beta1", "Ingress"): "networking.k8s.io/v1",
    ("networking.k8s.io/v1beta1", "Ingress"): "networking.k8s.io/v1",
    ("networking.k8s.io/v1beta1", "IngressClass"): "networking.k8s.io/v1",
    ("node.k8s.io/v1beta1", "RuntimeClass"): "node.k8s.io/v1",
    ("policy/v1beta1", "Eviction"): "policy/v1",
    ("policy/v1beta1", "PodDisruptionBudget"): "policy/v1",
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): "rbac.authorization.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): "rbac.authorization.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "Role"): "rbac.authorization.k8s.io/v1",
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): "rbac.authorization.k8s.io/v1",
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): "scheduling.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "CSIDriver"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "CSINode"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "StorageClass"): "storage.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): "storage.k8s.io/v1",
    # no successor; only its metadata (finalizers, ownerReferences) has merge keys
    ("policy/v1beta1", "PodSecurityPolicy"): None,
}
# Kinds v1.25 serves that v1.21 did not: kustomize has no schema for them (lists replace).
_V121_UNKNOWN_KINDS = {
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io/v1alpha1", "StorageVersion"),
    ("networking.k8s.io/v1alpha1", "ClusterCIDR"),
    ("policy/v1", "Eviction"),
    ("storage.k8s.io/v1", "CSIStorageCapacity"),
}
# Fields that gained a merge strategy after v1.21: kustomize replaces them.
_V121_UNMERGED_FIELDS = (
    ("io.k8s.api.core.v1.EphemeralContainer", "ports"),
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "x-kubernetes-validations"),
)
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_KUSTOMIZE_BUILTIN_OPENAPI = "v1.21.2"  # the only `openapi: version:` kustomize v5.5 accepts
_PATCH_STRATEGY = "x-kubernetes-patch-strategy"
_MERGE_KEY = "x-kubernetes-patch-merge-key"
_LIST_MAP_KEYS = "x-kubernetes-list-map-keys"
_GVK = "x-kubernetes-group-version-kind"

_default_schema: "MergeSchema | None" = None


class MergeSchema:
    """Which lists merge and by what keys: OpenAPI definitions indexed by apiVersion and kind."""

    def __init__(self, root: dict, definitions: dict, lenient_types: bool = False):
        self._root = root
        self._definitions = definitions
        # kubernetes-validate writes nullable arrays as ``type: [array, "null"]``; kyaml only
        # reads ``type: array``, which is what a custom schema must say.
        self._lenient_types = lenient_types
        self._by_type: dict | None = None
        self._fields: dict = {}
        self._items: dict = {}

    # -- construction

    @classmethod
    def default(cls) -> "MergeSchema":
        """The Kubernetes schema kustomize merges with; loaded once per process."""
        global _default_schema
        if _default_schema is None:
            _default_schema = cls._load_kubernetes()
        return _default_schema

    @classmethod
    def _load_kubernetes(cls) -> "MergeSchema":
        path = _kubernetes_definitions_path()
        with open(path, encoding="utf-8") as handle:
            root = json.load(handle)
        definitions = root.get("$defs") or root.get("definitions") or {}
        for name, field in _V121_UNMERGED_FIELDS:
            prop = (definitions.get(name) or {}).get("properties", {}).get(field)
            if isinstance(prop, dict):
                for key in (_PATCH_STRATEGY, _MERGE_KEY, _LIST_MAP_KEYS):
                    prop.pop(key, None)
        schema = cls(root, definitions, lenient_types=True)
        by_type = schema._index()
        metadata_only = {"type": "object", "properties": {"metadata": {"$ref": f"#/$defs/{_OBJECT_META}"}}}
        for (api_version, kind), successor in _V121_REMOVED_LATER.items():
            target = by_type.get((successor, kind)) if successor else metadata_only
            if target is not None and (api_version, kind) not in by_type:
                by_type[(api_version, kind)] = target
        for type_meta in _V121_UNKNOWN_KINDS:
            by_type.pop(type_meta, None)
        return schema

    def with_openapi(self, path_or_dict) -> "MergeSchema":
        """The kustomization's ``openapi:`` field. A custom schema (swagger with
        ``definitions``, as a dict or a JSON/YAML file) replaces the built-in one, as in
        kustomize; ``{"version": "v1.21.2"}`` keeps the built-in one."""
        if isinstance(path_or_dict, dict) and "definitions" not in path_or_dict:
            if path_or_dict.get("path") and path_or_dict.get("version"):
                raise KubeplanError("builtin version and custom schema provided, cannot use both")
            if path_or_dict.get("version"):
                if str(path_or_dict["version"]) != _KUSTOMIZE_BUILTIN_OPENAPI:
                    raise KubeplanError("the specified OpenAPI version is not built in")
                return MergeSchema.default()
            if path_or_dict.get("path"):
                return self.with_openapi(str(path_or_dict["path"]))
        if isinstance(path_or_dict, (str, os.PathLike)):
            document = _read_openapi_file(os.fspath(path_or_dict))
            where = os.fspath(path_or_dict)
        else:
            document, where = path_or_dict, None
        if not isinstance(document, dict):
            raise KubeplanError("invalid openapi schema: expected a mapping with 'definitions'", where)
        definitions = document.get("definitions")
        if definitions is None:
            definitions = {}
        if not isinstance(definitions, dict):
            raise KubeplanError("invalid openapi schema: 'definitions' must be a mapping", where)
        return MergeSchema(document, definitions)

    def with_crds(self, crd_objects: list) -> "MergeSchema":
        """The kustomization's ``crds:`` field. kustomize v5.5 reads those files for name
        references only; strategic merge ignores them (checked against the oracle), so the
        schema is unchanged."""
        return self

    # -- lookups

    def _index(self) -> dict:
        if self._by_type is None:
            by_type = {}
            for name in sorted(self._definitions):
                definition = self._definitions[name]
                if not isinstance(definition, dict):
                    continue
                for entry in definition.get(_GVK) or ():
                    if not isinstance(entry, dict):
                        continue
                    group, version, kind = entry.get("group") or "", entry.get("version"), entry.get("kind")
                    if isinstance(version, str) and isinstance(kind, str):
                        api_version = f"{group}/{version}" if group else version
                        by_type[(api_version, kind)] = definition
            self._by_type = by_type
        return self._by_type

    def for_type(self, api_version: str, kind: str) -> dict | None:
        """The schema of a resource type, or None when it has none (CRDs, old versions)."""
        return self._index().get((api_version, kind))

    def field(self, schema: dict, name) -> dict | None:
        """The resolved schema of a mapping's field (``properties`` or ``additionalProperties``)."""
        key = (id(schema), name)
        try:
            return self._fields[key]
        except KeyError:
            pass
        props = schema.get("properties")
        sub = props.get(name) if isinstance(props, dict) else None
        if sub is None:
            extra = schema.get("additionalProperties")
            sub = extra if isinstance(extra, dict) else None
        found = self._resolve(sub) if isinstance(sub, dict) else None
        # schema dicts live as long as this object, so their ids are stable keys
        self._fields[key] = found
        return found

    def elements(self, schema: dict) -> dict | None:
        """The resolved schema of a list's items; None unless the schema says ``type: array``."""
        key = (id(schema), None)
        try:
            return self._items[key]
        except KeyError:
            pass
        kind = schema.get("type")
        if self._lenient_types and isinstance(kind, list):
            kind = [k for k in kind if k != "null"]
        items = schema.get("items")
        found = self._resolve(items) if kind in ("array", ["array"]) and isinstance(items, dict) else None
        self._items[key] = found
        return found

    def _resolve(self, schema: dict) -> dict | None:
        for _ in range(64):  # a ref chain longer than this is a cycle
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                return schema
            target = self._pointer(ref)
            if not isinstance(target, dict):
                return None
            schema = target
        return None

    def _pointer(self, ref: str):
        if not ref.startswith("#/"):
            return None
        node = self._root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


def _kubernetes_definitions_path() -> str:
    import importlib.util

    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.origin:
        raise KubeplanError("kubernetes-validate is not installed: it ships the Kubernetes schema merge keys come from")
    base = os.path.join(os.path.dirname(spec.origin), "kubernetes-json-schema")
    versions = []
    for entry in os.listdir(base):
        if entry.startswith("v") and entry.endswith("-local-strict"):
            try:
                number = tuple(int(p) for p in entry[1:].split("-")[0].split("."))
            except ValueError:
                continue
            versions.append((number, entry))
    if not versions:
        raise KubeplanError(f"no Kubernetes schema found in {base}")
    # the oldest schema is the closest to the v1.21 one built into kustomize
    return os.path.join(base, min(versions)[1], "_definitions.json")


def _read_openapi_file(path: str):
    import yaml

    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        raise KubeplanError(f"cannot read openapi schema: {exc.strerror}", path) from None
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except (ValueError, yaml.YAMLError) as exc:
        raise KubeplanError(f"invalid openapi schema: {exc}".splitlines()[0], path) from None


# --- the merge ---------------------------------------------------------------------------


def merge_patch(original: dict, patch: dict, schema: MergeSchema, gvk: tuple[str, str, str]) -> dict | None:
    """``original`` with the strategic merge ``patch`` applied, as a new dict (the inputs are
    left alone), or None when the patch deletes the object (``$patch: delete`` at the top).

    As in kustomize, the caller restores kind, name and namespace afterwards unless the patch
    may change them; a top-level ``$patch: replace`` leaves the object as it was."""
    if not isinstance(original, dict):
        raise KubeplanError("strategic merge patch: the target object is not a mapping")
    if not isinstance(patch, dict):
        raise KubeplanError(f"strategic merge patch: expected a mapping, got {_kind_name(patch)}")
    group, version, kind = gvk
    api_version = f"{group}/{version}" if group else version
    try:
        dest, origin = _copy(original), _copy(patch)
        result = _Merger(schema).walk([dest, origin], schema.for_type(api_version, kind), ())
    except RecursionError:
        raise KubeplanError("strategic merge patch: the object or the patch nests too deeply") from None
    if result is _ABSENT or result is None or result is _KEEP_NULL:
        return None
    # kyaml merges into the object in place; a replace at the top hands back the patch
    # itself and leaves the object untouched
    return dest


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _is_null(node) -> bool:
    return node is None or node is _ABSENT or node is _KEEP_NULL


def _is_scalar(node) -> bool:
    return not isinstance(node, (dict, list)) and not _is_null(node)


def _text(value) -> str:
    """The text a scalar had in YAML, which is what kyaml compares merge keys by."""
    if value is None or value is _KEEP_NULL:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)) or value is _ABSENT:
        return ""  # a collection node has no scalar value
    return value if isinstance(value, str) else str(value)


_PLAIN_NON_STRING = re.compile(
    r"""[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+|\.(inf|Inf|INF))"""
    r"|\.(nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
)


def _was_quoted(text: str) -> bool:
    """Whether a string value must have been quoted in YAML (plain, it would not be a string)."""
    return text == "" or _PLAIN_NON_STRING.fullmatch(text) is not None


def _key_text(element, key) -> str:
    """An item's merge-key value; empty when the item has none (or a null or empty one)."""
    if not isinstance(element, dict):
        return ""
    value = element.get(key, _ABSENT)
    if value is None or value is _ABSENT or value == {} or value == []:
        return ""
    return _text(value)


def _from_text(text: str):
    """A plain YAML scalar as Kubernetes reads it (for merge keys kyaml writes back)."""
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        return text


def _kind_name(node) -> str:
    if isinstance(node, dict):
        return "MappingNode"
    if isinstance(node, list):
        return "SequenceNode"
    return "ScalarNode"


def _format_path(path) -> str:
    out = ""
    for part in path:
        out += part if part.startswith("[") else (f".{part}" if out else part)
    return out or "<top>"


class _Merger:
    """kyaml's walker (Sources = [dest, origin]) with its merge visitor, on plain data."""

    def __init__(self, schema: MergeSchema, prepend: bool = True):
        self.schema = schema
        # kustomize's patches put new list items first; kyaml's default appends them
        self.prepend = prepend

    # -- dispatch

    def walk(self, sources: list, schema: dict | None, path: tuple):
        if schema is None:
            schema = self._schema_from_meta(sources)
        kind = None
        for node in sources:
            if not _is_null(node):
                kind = type(node)
                break
        if kind is None or issubclass(kind, dict):
            self._check_kinds(sources, dict, path)
            return self._walk_map(sources, schema, path)
        if issubclass(kind, list):
            self._check_kinds(sources, list, path)
            if schema is not None and "merge" in self._strategy(schema).split(","):
                return self._walk_associative(sources, schema, path)
            return self._visit_list(sources, associative=False)
        for node in sources:
            if isinstance(node, (dict, list)):
                self._wrong_kind("ScalarNode", node, path)
        origin = sources[1]
        return sources[0] if origin is _ABSENT else origin

    def _schema_from_meta(self, sources: list) -> dict | None:
        # an embedded object with apiVersion and kind brings its own schema (kyaml GetSchema)
        for node in sources:
            if isinstance(node, dict):
                api_version, kind = node.get("apiVersion"), node.get("kind")
                if isinstance(api_version, str) and isinstance(kind, str) and api_version and kind:
                    found = self.schema.for_type(api_version, kind)
                    if found is not None:
                        return found
        return None

    def _check_kinds(self, sources: list, expected: type, path: tuple) -> None:
        for node in sources:
            if not _is_null(node) and not isinstance(node, expected):
                self._wrong_kind("MappingNode" if expected is dict else "SequenceNode", node, path)

    @staticmethod
    def _wrong_kind(expected: str, node, path: tuple):
        raise KubeplanError(f"wrong node kind: expected {expected} but got {_kind_name(node)} at {_format_path(path)}")

    # -- maps

    def _walk_map(self, sources: list, schema: dict | None, path: tuple):
        dest = self._visit_map(sources, path)
        sources[0] = dest
        if dest is _ABSENT:
            return _ABSENT
        origin = sources[1]
        if not isinstance(dest, dict):
            return dest  # a null, or the patch's null; it has no fields
        patched = origin if isinstance(origin, dict) and origin is not dest else {}
        # the object's keys stay where they are; the patch's new keys follow, sorted
        names = [name for name in dest if name not in patched]
        names.extend(sorted(patched, key=_text))
        for name in names:
            sub_schema = self.schema.field(schema, name) if schema is not None else None
            if name not in patched and origin is not dest:
                current = dest[name]
                if isinstance(current, (dict, list)):
                    settled = self._untouched(current, sub_schema, path + (str(name),))
                    if settled is not current:
                        self._assign(dest, name, settled)
                continue
            values = [dest.get(name, _ABSENT), origin.get(name, _ABSENT) if isinstance(origin, dict) else _ABSENT]
            self._assign(dest, name, self.walk(values, sub_schema, path + (str(name),)))
        return dest

    @staticmethod
    def _assign(dest: dict, name, value) -> None:
        if value is _ABSENT or value is None:
            dest.pop(name, None)
        elif value is _KEEP_NULL:
            dest[name] = None
        else:
            old = dest.get(name)
            if isinstance(old, str) and _is_scalar(value) and not isinstance(value, str) and _was_quoted(old):
                # kyaml keeps the replaced field's quoting, so the new value is a string
                value = _text(value)
            dest[name] = value

    def _untouched(self, node, schema: dict | None, path: tuple):
        """What kyaml's walk makes of a part of the object the patch does not touch: the
        same data, except merged lists it rewrites (duplicate or missing merge keys, null
        items). Only such lists take the full walk; everything else is left as it is."""
        if isinstance(node, dict):
            if schema is None:
                schema = self._schema_from_meta([node])
            for name, value in node.items():
                if isinstance(value, (dict, list)):
                    sub_schema = self.schema.field(schema, name) if schema is not None else None
                    settled = self._untouched(value, sub_schema, path + (str(name),))
                    if settled is not value:
                        node[name] = settled  # same key: no resize during the loop
            return node
        if isinstance(node, list) and schema is not None and "merge" in self._strategy(schema).split(","):
            keys = self._merge_keys(schema)
            if not _regular_list(node, keys):
                result = self._walk_associative([node, _ABSENT], schema, path)
                return [] if result is _ABSENT else result
            if keys:
                element_schema = self.schema.elements(schema)
                for element in node:
                    self._untouched(element, element_schema, path + (_item_label(keys, [_key_text(element, k) for k in keys]),))
        return node

    def _visit_map(self, sources: list, path: tuple):
        dest, origin = sources
        if dest is _ABSENT or dest is None:
            directive = self._directive(origin, path, strict=False)
            if directive == _DELETE:
                return _ABSENT
            if origin is _ABSENT and dest is None:
                return _KEEP_NULL  # an explicit null the patch does not touch stays
            return origin
        if origin is None:
            return _ABSENT
        directive = self._directive(origin, path, strict=True)
        if directive == _DELETE:
            return _ABSENT
        if directive == _REPLACE:
            return origin
        return dest

    # -- directives

    def _directive(self, patch, path: tuple, strict: bool) -> str:
        """The ``$patch`` directive of a patch map or list, removed from it once read."""
        if patch is _ABSENT:
            return _MERGE
        if isinstance(patch, dict):
            if DIRECTIVE not in patch:
                return _MERGE
            value = _text(patch[DIRECTIVE])
            if value in (_DELETE, _REPLACE, _MERGE):
                del patch[DIRECTIVE]
                return value
        elif isinstance(patch, list):
            holder = next((e for e in patch if isinstance(e, dict) and DIRECTIVE in e), None)
            # a `$patch` beside other keys belongs to the item, not to the list
            if holder is None or len(holder) > 1:
                return _MERGE
            value = _text(holder[DIRECTIVE])
            if value in (_DELETE, _REPLACE, _MERGE):
                self._set_element(patch, _ABSENT, [DIRECTIVE], [value], path)
                return value
        else:
            if strict:
                raise KubeplanError(f"no implemented strategic merge patch strategy at {_format_path(path)}")
            return _UNKNOWN
        if strict:
            raise KubeplanError(f"unknown patch strategy '{value}' at {_format_path(path)}")
        return _UNKNOWN

    # -- lists

    def _visit_list(self, sources: list, associative: bool, path: tuple = ()):
        dest, origin = sources
        if not associative:
            return dest if origin is _ABSENT else origin
        if dest is _ABSENT or dest is None:
            return origin
        if origin is None:
            return _ABSENT
        directive = self._directive(origin, path, strict=True)
        if directive == _DELETE:
            return _ABSENT
        if directive == _REPLACE:
            return origin
        return dest

    def _strategy(self, schema: dict) -> str:
        value = schema.get(_PATCH_STRATEGY)
        return value if isinstance(value, str) else ""

    def _merge_keys(self, schema: dict) -> list:
        if not self._strategy(schema):
            return []
        keys = schema.get(_LIST_MAP_KEYS)
        if isinstance(keys, list):
            return [str(k) for k in keys]
        key = schema.get(_MERGE_KEY)
        return [key] if isinstance(key, str) else []

    def _walk_associative(self, sources: list, schema: dict, path: tuple):
        dest = self._visit_list(sources, associative=True, path=path)
        sources[0] = dest
        if dest is _ABSENT:
            return _ABSENT
        keys = self._merge_keys(schema)
        if keys:
            return self._set_elements(sources, self._element_values(sources, keys), keys, dest, schema, path)
        return self._set_elements(sources, self._primitive_values(sources), [""], dest, schema, path)

    def _in_merge_order(self, sources: list) -> tuple:
        return (sources[1], sources[0]) if self.prepend else (sources[0], sources[1])

    def _element_values(self, sources: list, keys: list) -> list:
        """Merge-key values of every item, the patch's items first, each tuple once."""
        out, seen = [], set()
        for node in self._in_merge_order(sources):
            if not isinstance(node, list):
                continue
            for element in node:
                values = tuple(_key_text(element, key) for key in keys)
                if values not in seen:
                    seen.add(values)
                    out.append(list(values))
        return out

    def _primitive_values(self, sources: list) -> list:
        out, seen = [], set()
        for node in self._in_merge_order(sources):
            if not isinstance(node, list):
                continue
            for item in node:
                text = _text(item)
                if text not in seen:
                    seen.add(text)
                    out.append([text])
        return out

    def _set_elements(self, sources: list, values_list: list, keys: list, dest: list, schema: dict, path: tuple):
        added: list = []
        element_schema = self.schema.elements(schema)
        if len(keys) > 1:
            values_list = _merge_values(values_list)
        valid_keys: list = keys
        for values in values_list:
            if not values:
                continue
            valid_keys, valid_values = _valid_keys(values_list, values, keys)
            item_path = path + (_item_label(valid_keys, valid_values),)
            element_sources = self._element_sources(sources, valid_keys, valid_values)
            value = self.walk(element_sources, element_schema, item_path)
            if _is_null(value) or value == {}:
                self._set_element(dest, _ABSENT, valid_keys, valid_values, item_path)
                continue
            for key, key_value in zip(valid_keys, valid_values):
                if isinstance(value, dict) and key not in value and key_value != "":
                    value[key] = _from_text(key_value)
            self._set_element(added, value, valid_keys, valid_values, item_path)
        if values_list:
            # the patch's new items come first, then the object's, as kustomize prepends
            if self.prepend:
                dest = self._append_list(added, dest, valid_keys, path)
            else:
                dest = self._append_list(dest, added, valid_keys, path)
        return dest

    def _element_sources(self, sources: list, keys: list, values: list) -> list:
        keys, values = _valid_keys([values], values, keys)
        return [_find_element(node, keys, values) for node in sources]

    def _append_list(self, target: list, source: list, keys: list, path: tuple) -> list:
        for element in list(source):
            if keys[0] == "":
                self._set_element(target, element, [""], [_text(element)], path)
                continue
            values = []
            for key in keys:
                if element is None:
                    found = _ABSENT
                elif not isinstance(element, dict):
                    self._wrong_kind("MappingNode", element, path)
                else:
                    found = element.get(key, _ABSENT)
                if found is _ABSENT:
                    target.append(element)
                    continue
                values.append(_text(found))
            if len(keys) > 1:
                self._set_element(target, _ABSENT, keys, values, path)
            self._set_element(target, element, keys, values, path)
        return target

    def _set_element(self, items: list, element, keys: list, values: list, path: tuple) -> None:
        """kyaml's ElementSetter: replace the items matching keys=values with ``element``
        (remove them when it is absent), append it when none matched. Null and empty items
        are dropped on the way, and with fewer values than keys only the first ones count."""
        if not keys:
            keys = [""]
        mapping_setter = keys[0] != "" and bool(values) and values[0] != ""
        kept = []
        matched = False
        for item in items:
            if item is None or item == {}:
                continue
            if not isinstance(item, dict) and mapping_setter:
                kept.append(item)
                continue
            found = True
            hit = False
            for j, key in enumerate(keys):
                if j < len(values):
                    hit = self._field_matches(item, key, values[j], path)
                if not hit:
                    found = False
                    break
            if not found:
                if values:
                    kept.append(item)
                continue
            matched = True
            if element is not _ABSENT:
                kept.append(element)
        items[:] = kept
        if _is_null(element):
            return
        if not matched:
            items.append(element)

    def _field_matches(self, item, key: str, value: str, path: tuple) -> bool:
        """kyaml's FieldMatcher with a string value; an empty value matches any."""
        if key == "":
            if isinstance(item, (dict, list)):
                self._wrong_kind("ScalarNode", item, path)
            return _text(item) == value
        if not isinstance(item, dict):
            self._wrong_kind("MappingNode", item, path)
        if key not in item:
            return False
        return value == "" or _text(item[key]) == value


def _regular_list(items: list, keys: list) -> bool:
    """A merged list kyaml's walk leaves as it is: mappings with unique merge-key values
    (each key set on every item or on none), or unique scalars for a primitive list."""
    seen = set()
    if not keys:
        for item in items:
            if isinstance(item, (dict, list)) or item is None:
                return False
            text = _text(item)
            if text in seen:
                return False
            seen.add(text)
        return True
    set_counts = [0] * len(keys)
    for item in items:
        if not isinstance(item, dict) or not item:
            return False
        values = tuple(_key_text(item, key) for key in keys)
        if values in seen:
            return False
        seen.add(values)
        for i, value in enumerate(values):
            if value != "":
                set_counts[i] += 1
    if not seen:
        return True
    if any(0 < count < len(items) for count in set_counts) or not any(set_counts):
        return False
    # the item must hold its merge keys exactly as written for kyaml to find it again
    used = [key for key, count in zip(keys, set_counts) if count]
    return all(_text(item[key]) == _key_text(item, key) for item in items for key in used)


def _find_element(node, keys: list, values: list):
    """kyaml's ElementMatcher: the first item whose keys hold exactly these values."""
    if not isinstance(node, list):
        return _ABSENT
    keys = keys or [""]
    values = values or [""]
    if keys[0] == "":
        for item in node:
            if _text(item) == values[0]:
                return item
        return _ABSENT
    if len(keys) != len(values):
        return _ABSENT
    for item in node:
        if not isinstance(item, dict):
            continue
        if all(key in item and _text(item[key]) == value for key, value in zip(keys, values)):
            return item
    return _ABSENT


def _valid_keys(values_list: list, values: list, keys: list):
    """Drop the merge keys no item sets (a port without protocol matches on the port)."""
    used = {keys[i] for vals in values_list for i, v in enumerate(vals) if v != ""}
    if not used:
        return keys, values
    return [k for k in keys if k in used], [v for i, v in enumerate(values) if v != "" or keys[i] in used]


def _merge_values(values_list: list) -> list:
    """Treat key tuples that differ only where one side is empty as the same item."""
    values_list = list(values_list)
    for i in range(len(values_list)):
        first = values_list[i]
        for j in range(len(values_list)):
            merged = _match_values(first, values_list[j])
            if merged is not None:
                values_list[i] = merged
                values_list[j] = merged
    return values_list


def _match_values(first: list, second: list):
    if len(first) != len(second):
        return None
    common = False
    out = []
    for a, b in zip(first, second):
        if a == b:
            common = True
            out.append(a)
        elif a != "" and b != "":
            return None
        else:
            out.append(a or b)
    return out if common else None


def _item_label(keys: list, values: list) -> str:
    if keys == [""]:
        return f"[{values[0] if values else ''}]"
    return "[" + ",".join(f"{k}={v}" for k, v in zip(keys, values)) + "]"
