"""The top of a build: accumulate the kustomization, then the steps kustomize runs once at
the end (hash suffixes, name references, vars, local-config removal, order, build metadata)."""

from __future__ import annotations

import os

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import ManifestObject
from kubeplan.renderer import RenderResult
from kubeplan.renderer.kustomize import buildmetadata, hashing, nameref, sorting
from kubeplan.renderer.kustomize.loader import Loader, normalize_restrictor
from kubeplan.renderer.kustomize.target import Target
from kubeplan.renderer.kustomize.yamlio import dump_stream

LOCAL_CONFIG = "config.kubernetes.io/local-config"


class Build:
    """State shared by every kustomization of one build."""

    def __init__(self, root_target=None):
        self.root = root_target
        self.metadata: list = []
        self._schema_cache: dict = {}
        self.warnings: list = []

    # build metadata hooks (origin and transformer annotations)
    @property
    def tracking(self) -> bool:
        return bool(self.metadata)

    def note_origin(self, res, entry, target) -> None:
        if self.tracking and res.origin is None:
            res.origin = buildmetadata.file_origin(target, entry)

    def note_generated(self, res, target, kind) -> None:
        if self.tracking and res.origin is None:
            res.origin = buildmetadata.builtin_origin(target, kind)

    def note_plugin_generated(self, res, config) -> None:
        if self.tracking and res.origin is None:
            res.origin = buildmetadata.plugin_origin(config)

    def note_transformer(self, resmap, target, kind) -> None:
        if self.tracking:
            buildmetadata.add_transformer(resmap, buildmetadata.builtin_origin(target, kind))

    def note_plugin_transformer(self, resmap, config) -> None:
        if self.tracking:
            buildmetadata.add_transformer(resmap, buildmetadata.plugin_origin(config))

    def with_schema(self, acc):
        return _SchemaView(self, acc)

    def schema_for(self, acc):
        from kubeplan.renderer.kustomize.strategic_merge import MergeSchema

        key = acc.openapi[-1][:2] if acc.openapi else None
        schema = self._schema_cache.get(key)
        if schema is None:
            schema = MergeSchema.default()
            if acc.openapi:
                kind, file, value = acc.openapi[-1]
                if kind == "path":
                    from kubeplan.renderer.kustomize.yamlio import load_documents

                    docs = load_documents(value)
                    if docs and isinstance(docs[0][0], dict):
                        schema = _with_builtin_definitions(schema.with_openapi(docs[0][0]), schema)
            self._schema_cache[key] = schema
        return schema


def _with_builtin_definitions(custom, builtin):
    """kyaml adds a custom schema's definitions to the built-in ones it already parsed
    (same names replaced), so a custom type may refer to built-in definitions."""
    from kubeplan.renderer.kustomize.strategic_merge import MergeSchema

    definitions = dict(builtin._definitions)
    definitions.update(custom._definitions)
    root = {"definitions": definitions, "$defs": definitions}
    return MergeSchema(root, definitions, lenient_types=True)


class _SchemaView:
    def __init__(self, build, acc):
        self.build = build
        self.acc = acc

    def merge_schema(self):
        return self.build.schema_for(self.acc)


def _annotations_as_strings(res) -> None:
    """kustomize rewrites every object's annotations as a string map when it drops its
    build annotations, so values a transformer wrote as numbers print as strings."""
    meta = res.data.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(annotations, dict) and annotations:
        for key, value in annotations.items():
            if not isinstance(value, str):
                annotations[key] = _text(value)


def _text(value) -> str:
    from kubeplan.renderer.kustomize.yamlio import _go_float

    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, separators=(",", ":"))
    return str(value)


def build(path: str, load_restrictor: str = "LoadRestrictionsRootOnly") -> RenderResult:
    restrictor = normalize_restrictor(load_restrictor)
    if not os.path.isdir(path):
        raise KubeplanError(f"must build at directory: not a valid directory: '{path}'", path)
    loader = Loader(path, restrictor)
    session = Build()
    target = Target.open(session, loader)
    session.root = target
    session.metadata = [str(m) for m in target.kust.get("buildMetadata", [])]
    for option in session.metadata:
        if option not in buildmetadata.OPTIONS:
            raise KubeplanError(f"invalid buildMetadata option: {option}", target.where)
    try:
        acc = target.accumulate()
        resmap = acc.resmap
        hashing.add_hashes(resmap)
        nameref.fix_references(resmap, acc.config, target.where)
        from kubeplan.renderer.kustomize.vars import resolve_vars

        resolve_vars(acc, target.where)
    except RecursionError:
        raise KubeplanError("kustomization nesting too deep (a cycle of bases?)", target.where) from None
    resources = [r for r in resmap if str(r.annotations.get(LOCAL_CONFIG, "")).lower() != "true"]
    resources = sorting.sort_resources(resources, target.kust.get("sortOptions"), target.where)
    buildmetadata.finish(resources, session.metadata)
    for res in resources:
        _annotations_as_strings(res)
    documents = [res.data for res in resources]
    text = dump_stream(documents)
    objects = [ManifestObject(res.data, res.source) for res in resources]
    return RenderResult(objects, text, session.warnings)
