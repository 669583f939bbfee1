"""``crds:``: OpenAPI definitions (``{type name: {Schema: ...}}``) whose properties carry
kustomize's extensions: name references (``x-kubernetes-object-ref-kind``), labels
(``x-kubernetes-label-selector``), annotations and identities (name prefix)."""

from __future__ import annotations

import json

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import FieldSpec, NameRef, TransformerConfig
from kubeplan.renderer.kustomize.resource import Gvk
from kubeplan.renderer.kustomize.yamlio import YamlError, load_documents


def parse_crd_file(text: str, file: str) -> dict:
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            docs = load_documents(text)
            data = docs[0][0] if docs else {}
    except (ValueError, YamlError) as exc:
        raise KubeplanError(f"cannot read CRD definitions: {exc}", file) from None
    if not isinstance(data, dict):
        raise KubeplanError("CRD definitions must be a mapping of type names to schemas", file)
    return data


def config_from_definitions(definitions: dict, file: str) -> TransformerConfig:
    result = TransformerConfig()
    for name in sorted(definitions):
        properties = _properties(definitions, name)
        if not all(key in properties for key in ("kind", "apiVersion", "metadata")):
            continue
        one = TransformerConfig()
        _load(one, Gvk(kind=name.split(".")[-1]), definitions, name, (), 0)
        result = result.merge(one, file)
    return result


def _properties(definitions, name) -> dict:
    api = definitions.get(name)
    if not isinstance(api, dict):
        return {}
    schema = api.get("Schema") or api.get("schema") or {}
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def _spec(gvk: Gvk, path: tuple) -> FieldSpec:
    return FieldSpec(gvk, path, False, "/".join(path))


def _load(config, gvk, definitions, type_name, path, depth) -> None:
    if depth > 50:
        return
    for prop_name in sorted(_properties(definitions, type_name)):
        prop = _properties(definitions, type_name)[prop_name]
        if not isinstance(prop, dict):
            continue
        here = path + (prop_name,)
        if isinstance(prop.get("x-kubernetes-annotation"), str):
            config.add_specs("commonAnnotations", [_spec(gvk, here)])
        if isinstance(prop.get("x-kubernetes-label-selector"), str):
            config.add_specs("commonLabels", [_spec(gvk, here)])
        if isinstance(prop.get("x-kubernetes-identity"), str):
            config.add_specs("namePrefix", [_spec(gvk, here)])
        version, kind = prop.get("x-kubernetes-object-ref-api-version"), prop.get("x-kubernetes-object-ref-kind")
        if isinstance(version, str) and isinstance(kind, str):
            key = prop.get("x-kubernetes-object-ref-name-key")
            key = key if isinstance(key, str) else "name"
            config.add_name_ref(NameRef(Gvk(version=version, kind=kind), (_spec(gvk, here + (key,)),)))
        ref = prop.get("$ref")
        if isinstance(ref, str) and ref:
            _load(config, gvk, definitions, ref, here, depth + 1)
