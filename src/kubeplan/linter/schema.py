"""Strict schema validation, as ``kubectl --validate=strict`` and kubeconform do it.

Schemas: the strict JSON schemas generated from the Kubernetes OpenAPI spec that the
``kubernetes-validate`` package ships (one directory per Kubernetes minor version, all
definitions in ``_definitions.json``), plus the ``openAPIV3Schema`` of every
CustomResourceDefinition in the input or given with ``--crd``.

Validation runs on jsonschema-rs (compiled; ~100x the pure-Python jsonschema, which stays
the reference our tests compare verdicts against). The definitions are registered once per
run and each kind's validator is compiled on first use (~1-3 ms).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from functools import lru_cache

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding
from kubeplan.model.objects import format_path

RULES = {
    "schema-unknown-field": ("error", "A field the Kubernetes API does not know (strict decoding rejects it)."),
    "schema-type": ("error", "A value of the wrong type, e.g. a YAML boolean where a string belongs."),
    "schema-required": ("error", "A required field is missing."),
    "schema-enum": ("error", "A value outside the allowed set."),
    "schema-invalid": ("error", "Any other violation of the object's schema."),
    "schema-unknown-version": ("error", "A known kind in an apiVersion the target Kubernetes version does not serve."),
    "schema-missing": ("info", "No schema for this kind (a custom resource whose CRD is not in the input)."),
    "invalid-crd": ("error", "A CustomResourceDefinition whose schema cannot be used."),
}

_BASE_URI = "https://kubeplan.invalid/api/_definitions.json"
_VERSION_DIR = re.compile(r"^v1\.(\d+)\.0-local-strict$")
_BOOL_HINT = (
    " (an unquoted yes, no, on, off, y, n, true or false is a boolean in YAML; quote it to make it a string)"
)


def schema_root() -> str:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise KubeplanError("the kubernetes-validate package (which holds the schemas) is not installed")
    return os.path.join(list(spec.submodule_search_locations)[0], "kubernetes-json-schema")


@lru_cache(maxsize=1)
def supported_versions() -> tuple:
    """Minor versions we have schemas for, oldest first: ("1.25", ..., "1.37")."""
    minors = []
    for name in os.listdir(schema_root()):
        match = _VERSION_DIR.match(name)
        if match:
            minors.append(int(match.group(1)))
    return tuple(f"1.{m}" for m in sorted(minors))


def normalize_version(text: str | None) -> str:
    """``"v1.33.2"`` / ``"1.33"`` -> ``"1.33"``; None -> the newest we ship."""
    versions = supported_versions()
    if not text:
        return versions[-1]
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$", str(text).strip())
    if not match:
        raise KubeplanError(f"--kube-version {text!r} is not a version like 1.33 or v1.33.2")
    minor = f"{match.group(1)}.{match.group(2)}"
    if minor not in versions:
        raise KubeplanError(
            f"no schemas for Kubernetes {minor}; supported: {versions[0]} to {versions[-1]} "
            "(newer versions come with a newer kubernetes-validate package)"
        )
    return minor


class SchemaSet:
    """The schemas of one Kubernetes version plus the CRDs of the run."""

    def __init__(self, minor: str):
        import jsonschema_rs

        self._rs = jsonschema_rs
        self.minor = minor
        path = os.path.join(schema_root(), f"v{minor}.0-local-strict", "_definitions.json")
        with open(path, encoding="utf-8") as fh:
            self.definitions = json.load(fh)
        self.registry = jsonschema_rs.Registry([(_BASE_URI, self.definitions)])
        self.gvk_index: dict = {}  # (group, version, kind) -> definition name
        self.kinds: dict = {}  # kind -> sorted apiVersions served
        for name, definition in self.definitions["$defs"].items():
            for gvk in definition.get("x-kubernetes-group-version-kind") or ():
                key = (gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", ""))
                # Prefer the definition in the group's own package over re-exports
                if key not in self.gvk_index or name.startswith("io.k8s.api."):
                    self.gvk_index[key] = name
        for group, version, kind in self.gvk_index:
            if kind.endswith(("List", "Options")) or kind in ("WatchEvent", "Status", "DeleteOptions"):
                continue
            self.kinds.setdefault(kind, set()).add(f"{group}/{version}" if group else version)
        self._validators: dict = {}
        self.crd_schemas: dict = {}  # (group, version, kind) -> (json schema, crd name)

    def validator(self, group: str, version: str, kind: str):
        key = (group, version, kind)
        if key in self._validators:
            return self._validators[key]
        validator = None
        if key in self.crd_schemas:
            schema = self.crd_schemas[key][0]
            validator = self._rs.validator_for(schema, registry=self.registry)
        else:
            name = self.gvk_index.get(key)
            if name is not None:
                validator = self._rs.validator_for({"$ref": f"{_BASE_URI}#/$defs/{name}"}, registry=self.registry)
        self._validators[key] = validator
        return validator

    def add_crd(self, obj) -> list:
        """Register the versions of a CRD object; returns findings for unusable schemas."""
        from kubeplan.linter.crd import crd_json_schemas

        findings = []
        for key, schema, problem in crd_json_schemas(obj.data):
            if problem:
                findings.append(Finding.at("invalid-crd", "error", problem, obj, ("spec",)))
                continue
            self.crd_schemas[key] = (schema, obj.name)
            self._validators.pop(key, None)
        return findings


def check(ctx):
    """The schema rule family: one finding per schema violation, at the field's line."""
    schemas = SchemaSet(normalize_version(ctx.option("kube_version")))
    findings: list = []
    crd_paths = ctx.options.get("crds") or ()
    if crd_paths:
        from kubeplan.model.loading import load_paths

        loaded = load_paths(crd_paths)
        findings.extend(loaded.findings)
        for obj in loaded.objects:
            if obj.kind == "CustomResourceDefinition":
                findings.extend(schemas.add_crd(obj))
    for obj in ctx.objects:
        if obj.kind == "CustomResourceDefinition" and obj.group == "apiextensions.k8s.io":
            findings.extend(schemas.add_crd(obj))
    for obj in ctx.objects:
        findings.extend(validate_object(schemas, obj))
    return findings


def validate_object(schemas: SchemaSet, obj) -> list:
    group, version, kind = obj.group, obj.version, obj.kind
    validator = schemas.validator(group, version, kind)
    if validator is None:
        served = schemas.kinds.get(kind)
        if served and not any(k[:2] == (group, version) for k in schemas.crd_schemas if k[2] == kind):
            return [
                Finding.at(
                    "schema-unknown-version",
                    "error",
                    f"{obj.api_version} {kind} is not served by Kubernetes {schemas.minor}; "
                    f"use {' or '.join(sorted(served))}",
                    obj,
                    ("apiVersion",),
                )
            ]
        return [
            Finding.at(
                "schema-missing",
                "info",
                f"no schema for {obj.api_version} {kind}: not validated (give its CustomResourceDefinition with --crd)",
                obj,
                ("kind",),
            )
        ]
    data = obj.data
    if validator.is_valid(data):
        return []
    findings = []
    for error in validator.iter_errors(data):
        findings.extend(_findings_for(error, obj))
    return findings


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean ({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"integer ({value})"
    if isinstance(value, float):
        return f"number ({value:g})"
    if isinstance(value, str):
        return f"string ({json.dumps(value)})"
    if isinstance(value, list):
        return "array"
    return "object"


def _findings_for(error, obj) -> list:
    path = tuple(error.instance_path)
    kind = error.kind
    kind_name = type(kind).__name__
    where = format_path(path)
    if kind_name == "AdditionalProperties":
        # one finding per unknown field, each at its own line
        return [
            Finding.at("schema-unknown-field", "error", f'unknown field "{format_path(path + (field,))}"', obj, path + (field,))
            for field in kind.unexpected
        ]
    if kind_name == "Type":
        types = [t for t in _type_names(kind.types) if t != "null"]
        value = error.instance
        if isinstance(value, float) and value.is_integer() and "integer" in types:
            return []  # 3.0 reaches the API server as 3 (JSON has one number type)
        expected = " or ".join(types) or "null"
        message = f"{where}: expected {expected}, got {_describe(value)}"
        if isinstance(value, bool) and "string" in types:
            message += _BOOL_HINT
        return [Finding.at("schema-type", "error", message, obj, path)]
    if kind_name == "Required":
        field = kind.property
        parent = where or "the object"
        return [Finding.at("schema-required", "error", f'missing required field "{field}" in {parent}', obj, path)]
    if kind_name == "Enum":
        options = ", ".join(json.dumps(o) for o in kind.options) if isinstance(kind.options, list) else str(kind.options)
        message = f"{where}: unsupported value {json.dumps(error.instance)}: supported values: {options}"
        return [Finding.at("schema-enum", "error", message, obj, path)]
    message = error.message
    return [Finding.at("schema-invalid", "error", f"{where}: {message}" if where else message, obj, path)]


def _type_names(types) -> list:
    names = []
    for t in types if isinstance(types, (list, tuple)) else [types]:
        names.append(str(t).lower().split(".")[-1])
    return names
