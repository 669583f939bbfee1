"""``crds:``: name references declared in CRD OpenAPI schemas (``x-kubernetes-object-ref-*``)."""

from __future__ import annotations

from kubeplan.renderer.kustomize.fieldspec import FieldSpec, NameRef, TransformerConfig
from kubeplan.renderer.kustomize.resource import Gvk


def config_from_crds(docs, where) -> TransformerConfig:
    config = TransformerConfig()
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        spec = doc.get("spec") or {}
        names = spec.get("names") or {}
        kind = names.get("kind") if isinstance(names, dict) else None
        group = spec.get("group") or ""
        versions = spec.get("versions") or []
        schemas = []
        if isinstance(spec.get("validation"), dict):
            schemas.append((spec.get("version") or "", spec["validation"].get("openAPIV3Schema")))
        for version in versions if isinstance(versions, list) else []:
            if isinstance(version, dict) and isinstance(version.get("schema"), dict):
                schemas.append((version.get("name") or "", version["schema"].get("openAPIV3Schema")))
        if not kind:
            continue
        for version, schema in schemas:
            _walk(schema, (), Gvk(group, version, kind), config)
    return config


def _walk(schema, path, referrer: Gvk, config) -> None:
    if not isinstance(schema, dict):
        return
    ref_kind = schema.get("x-kubernetes-object-ref-kind")
    if ref_kind and path:
        name_key = schema.get("x-kubernetes-object-ref-name-key") or "name"
        full = path + (name_key,) if schema.get("type") == "object" or schema.get("properties") else path
        spec = FieldSpec(referrer, full, False, "/".join(full))
        config.add_name_ref(NameRef(Gvk(kind=str(ref_kind), version=str(schema.get("x-kubernetes-object-ref-api-version") or "")), (spec,)))
    for key, sub in (schema.get("properties") or {}).items():
        _walk(sub, path + (key,), referrer, config)
    items = schema.get("items")
    if isinstance(items, dict):
        _walk(items, path, referrer, config)
