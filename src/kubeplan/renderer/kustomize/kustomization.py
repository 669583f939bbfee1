"""The kustomization file: found, parsed and checked as kustomize does."""

from __future__ import annotations

from dataclasses import dataclass

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.loader import find_kustomization_file
from kubeplan.renderer.kustomize.yamlio import YamlError, load_documents

KUSTOMIZATION_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_VERSION = "kustomize.config.k8s.io/v1alpha1"

FIELDS = {
    "apiVersion": str,
    "kind": str,
    "metadata": dict,
    "openapi": dict,
    "namePrefix": str,
    "nameSuffix": str,
    "namespace": str,
    "commonLabels": dict,
    "labels": list,
    "commonAnnotations": dict,
    "patchesStrategicMerge": list,
    "patchesJson6902": list,
    "patches": list,
    "images": list,
    "imageTags": list,
    "replacements": list,
    "replicas": list,
    "vars": list,
    "sortOptions": dict,
    "resources": list,
    "bases": list,
    "components": list,
    "crds": list,
    "configMapGenerator": list,
    "secretGenerator": list,
    "helmGlobals": dict,
    "helmCharts": list,
    "helmChartInflationGenerator": list,
    "generatorOptions": dict,
    "configurations": list,
    "generators": list,
    "transformers": list,
    "validators": list,
    "buildMetadata": list,
}


@dataclass
class Kustomization:
    path: str  # the kustomization file
    directory: str
    fields: dict
    positions: dict

    def get(self, name, default=None):
        value = self.fields.get(name)
        return default if value is None else value

    @property
    def kind(self) -> str:
        return self.fields.get("kind") or "Kustomization"

    @property
    def is_component(self) -> bool:
        return self.kind == "Component"

    def line_of(self, *path) -> int:
        pos = self.positions.get(tuple(path))
        return pos[0] if pos else 0

    def resources(self) -> list:
        # `bases` is the deprecated spelling of directories in `resources`; kustomize
        # appends them after the resources.
        return list(self.get("resources", [])) + list(self.get("bases", []))


def read_kustomization(directory: str) -> Kustomization:
    path = find_kustomization_file(directory)
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    except OSError as exc:
        raise KubeplanError(f"cannot read kustomization: {exc.strerror}", path) from None
    try:
        docs = load_documents(text, allow_duplicates=True)
    except YamlError as exc:
        raise KubeplanError(f"MalformedYAMLError: {exc.message}", path, exc.line) from None
    if not docs:
        fields, positions = {}, {}
    elif len(docs) > 1:
        raise KubeplanError("a kustomization file must hold one YAML document", path)
    else:
        fields, positions, _ = docs[0]
    if not isinstance(fields, dict):
        raise KubeplanError("invalid Kustomization: expected a mapping", path)
    fields = _canonical_names(fields, positions)
    for name, value in fields.items():
        if name not in FIELDS:
            line = positions.get((name,), (0,))[0]
            raise KubeplanError(f'invalid Kustomization: json: unknown field "{name}"', path, line)
        expected = FIELDS[name]
        if value is not None and not isinstance(value, expected):
            line = positions.get((name,), (0,))[0]
            kind = "a list" if expected is list else ("a mapping" if expected is dict else "a string")
            raise KubeplanError(f"invalid Kustomization: field {name} must be {kind}", path, line)
    for name, value in fields.items():
        entry_keys = ENTRY_FIELDS.get(name)
        if entry_keys and isinstance(value, list):
            for i, entry in enumerate(value):
                if isinstance(entry, dict):
                    value[i] = _check_entry(entry, entry_keys, name, path, positions.get((name, i), (0,))[0])
    kust = Kustomization(path, directory, fields, positions)
    kind = kust.kind
    version = fields.get("apiVersion")
    if kind not in ("Kustomization", "Component"):
        raise KubeplanError(f"kind should be Kustomization or Component, not {kind!r}", path)
    if version:
        wanted = COMPONENT_VERSION if kind == "Component" else KUSTOMIZATION_VERSION
        if version != wanted:
            raise KubeplanError(f"apiVersion for {kind} should be {wanted}", path)
    return kust


_LOWER = {name.lower(): name for name in FIELDS}


def _canonical_names(fields: dict, positions: dict) -> dict:
    """Go's JSON decoding matches field names case-insensitively (``nameprefix`` works)."""
    out = {}
    for name, value in fields.items():
        canonical = name if name in FIELDS else _LOWER.get(name.lower(), name)
        if canonical != name and (name,) in positions:
            positions[(canonical,)] = positions[(name,)]
        out[canonical] = value
    return out


_GENERATOR = ("name", "namespace", "behavior", "options", "literals", "files", "envs", "env")
_SELECTOR = ("group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector")
# Fields of list entries: kustomize decodes strictly, matching names case-insensitively.
ENTRY_FIELDS = {
    "labels": ("pairs", "includeSelectors", "includeTemplates", "fields"),
    "configMapGenerator": _GENERATOR,
    "secretGenerator": _GENERATOR + ("type",),
    "images": ("name", "newName", "tagSuffix", "newTag", "digest"),
    "imageTags": ("name", "newName", "tagSuffix", "newTag", "digest"),
    "replicas": ("name", "count"),
    "vars": ("name", "objref", "fieldref"),
    "patches": ("path", "patch", "target", "options"),
    "patchesJson6902": ("path", "patch", "target", "options"),
    "replacements": ("path", "source", "targets"),
}


def _check_entry(entry: dict, allowed, field_name: str, path: str, line: int) -> dict:
    lower = {key.lower(): key for key in allowed}
    out = {}
    for key, value in entry.items():
        canonical = key if key in allowed else lower.get(str(key).lower())
        if canonical is None:
            raise KubeplanError(f'invalid Kustomization: json: unknown field "{key}" in {field_name}', path, line or None)
        out[canonical] = value
    return out
