"""JSON schemas for custom resources, from a CRD's ``openAPIV3Schema``.

The API server prunes fields a structural schema does not declare and ``kubectl
--validate=strict`` reports them as unknown; so, like the built-in schemas, these are
strict: an object schema with ``properties`` gets ``additionalProperties: false`` unless it
says ``x-kubernetes-preserve-unknown-fields``.
"""

from __future__ import annotations

_OBJECT_META = {"$ref": "https://kubeplan.invalid/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}


def crd_json_schemas(crd: dict):
    """Yield ((group, version, kind), json_schema, problem) for each version of a CRD."""
    spec = crd.get("spec") if isinstance(crd.get("spec"), dict) else {}
    group = spec.get("group")
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    kind = names.get("kind")
    if not isinstance(group, str) or not isinstance(kind, str):
        yield None, None, "CustomResourceDefinition needs spec.group and spec.names.kind"
        return
    versions = spec.get("versions")
    if not isinstance(versions, list):
        yield None, None, "CustomResourceDefinition needs spec.versions"
        return
    shared = (spec.get("validation") or {}).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) else None
    for entry in versions:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        schema = entry.get("schema", {}).get("openAPIV3Schema") if isinstance(entry.get("schema"), dict) else None
        schema = schema or shared
        key = (group, entry["name"], kind)
        if not isinstance(schema, dict):
            yield key, {"type": "object"}, None  # no schema: the API server accepts anything
            continue
        try:
            converted = _convert(schema, root=True)
        except (TypeError, ValueError, AttributeError) as exc:
            yield key, None, f"version {entry['name']}: unusable openAPIV3Schema ({exc})"
            continue
        yield key, converted, None


def _convert(schema: dict, root: bool = False, embedded: bool = False) -> dict:
    if not isinstance(schema, dict):
        raise TypeError("a schema must be a mapping")
    out: dict = {}
    preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            out["properties"] = {name: _convert(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = _convert(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_convert(sub) for sub in value]
        elif key in ("nullable",) or key.startswith("x-kubernetes-"):
            continue
        elif key in ("type", "enum", "required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                     "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
                     "minProperties", "maxProperties", "multipleOf", "additionalProperties", "format", "default",
                     "description"):
            out[key] = value
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    embedded = embedded or bool(schema.get("x-kubernetes-embedded-resource"))
    if root or embedded:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", _OBJECT_META if root else {"type": "object"})
        if root:
            props.setdefault("status", {})  # status is a subresource; not ours to judge here
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out
