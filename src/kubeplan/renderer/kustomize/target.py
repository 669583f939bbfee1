"""One kustomization directory, built as kustomize builds it.

``accumulate`` reads like a kustomization file, in kustomize's order: resources (files and
other kustomizations), components, configurations and CRDs (field specs), generators,
transformers, then vars. The finishing steps (hash suffixes, name references, vars, order)
run once, at the top (``build.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize import generators, labels, namespace, patches, prefix_suffix
from kubeplan.renderer.kustomize.fieldspec import TransformerConfig, default_config
from kubeplan.renderer.kustomize.images import apply_images, normalize_entry
from kubeplan.renderer.kustomize.kustomization import Kustomization, read_kustomization
from kubeplan.renderer.kustomize.loader import Loader
from kubeplan.renderer.kustomize.replicas import apply_replicas
from kubeplan.renderer.kustomize.resource import ResMap
from kubeplan.renderer.kustomize.resources import parse_resources
from kubeplan.renderer.kustomize.yamlio import YamlError, load_documents


@dataclass
class Accumulator:
    resmap: ResMap = field(default_factory=ResMap)
    config: TransformerConfig = field(default_factory=TransformerConfig)
    vars: list = field(default_factory=list)  # (var dict, kustomization file)
    crd_schemas: list = field(default_factory=list)  # CRD objects from `crds:`
    openapi: list = field(default_factory=list)  # `openapi:` settings, outermost last

    def merge(self, other: "Accumulator", where: str) -> None:
        self.resmap.append_all(other.resmap, where)
        self.config = self.config.merge(other.config, where)
        for var, origin in other.vars:
            self.add_var(var, origin)
        self.crd_schemas.extend(other.crd_schemas)
        self.openapi.extend(other.openapi)

    def add_var(self, var, origin: str) -> None:
        name = var.get("name")
        if any(v.get("name") == name for v, _ in self.vars):
            raise KubeplanError(f"var '{name}' already encountered", origin)
        self.vars.append((var, origin))


class Target:
    def __init__(self, build, loader: Loader, kust: Kustomization, origin_dir: str = ""):
        self.build = build
        self.loader = loader
        self.kust = kust
        self.where = kust.path
        self.kust_file_name = os.path.basename(kust.path)
        self.origin_dir = origin_dir  # relative to the top kustomization, for origin annotations

    @classmethod
    def open(cls, build, loader: Loader) -> "Target":
        return cls(build, loader, read_kustomization(loader.root))

    def line(self, *path) -> int:
        return self.kust.line_of(*path)

    # --- the order of a build ---
    def accumulate(self, acc: Accumulator | None = None) -> Accumulator:
        acc = acc if acc is not None else Accumulator()
        self.accumulate_resources(acc)
        self.load_configurations(acc)
        self.load_crds(acc)
        self.load_openapi(acc)
        self.run_generators(acc)
        # components run after generators, before transformers (kustomize PR 5170)
        acc = self.accumulate_components(acc)
        self.run_transformers(acc)
        self.run_validators()
        self.merge_vars(acc)
        return acc

    # --- resources, bases, components ---
    def accumulate_resources(self, acc: Accumulator) -> None:
        for i, entry in enumerate(self.kust.resources()):
            if not isinstance(entry, str):
                raise KubeplanError(f"resources: entries must be strings, got {entry!r}", self.where, self.line("resources", i))
            self.loader.refuse_remote(entry, self.where)
            path = self.loader.resolve(entry)
            if os.path.isdir(path):
                sub = self.sub_target(entry)
                if sub.kust.is_component:
                    raise KubeplanError(f"expected kind != 'Component' for path '{sub.loader.root}'", self.where)
                sub_acc = sub.accumulate()
                acc.merge(sub_acc, self.where)
            else:
                if not os.path.exists(path):
                    raise KubeplanError(
                        f"accumulating resources: accumulation err='accumulating resources from '{entry}': "
                        f"open {path}: no such file or directory': must build at directory: not a valid directory",
                        self.where,
                        self.line("resources", i) or None,
                    )
                file, text = self.loader.read_text(entry, self.where)
                loaded = parse_resources(text, file)
                for res in loaded:
                    self.build.note_origin(res, entry, self)
                acc.resmap.extend(loaded, self.where)

    def accumulate_components(self, acc: Accumulator) -> Accumulator:
        for entry in self.kust.get("components", []):
            if not isinstance(entry, str):
                raise KubeplanError(f"components: entries must be strings, got {entry!r}", self.where)
            self.loader.refuse_remote(entry, self.where)
            path = self.loader.resolve(entry)
            if not os.path.isdir(path):
                raise KubeplanError(
                    f"accumulating components: '{path}' must be a directory holding a Component", self.where
                )
            sub = self.sub_target(entry)
            if not sub.kust.is_component:
                raise KubeplanError(
                    f"accumulating components: accumulateDirectory: \"expected kind 'Component' for path "
                    f"'{sub.loader.root}' but got '{sub.kust.kind}'",
                    self.where,
                )
            # a component works on the accumulator it is given, then is merged back
            sub_acc = sub.accumulate(acc)
            acc = Accumulator()
            acc.merge(sub_acc, self.where)
        return acc

    def sub_target(self, entry: str) -> "Target":
        from kubeplan.renderer.kustomize.buildmetadata import join

        loader = self.loader.sub_loader(entry, self.where)
        try:
            sub = Target.open(self.build, loader)
            sub.origin_dir = join(self.origin_dir, entry)
            return sub
        except KubeplanError as exc:
            if "unable to find one of" in exc.message:
                raise KubeplanError(
                    f"accumulating resources from '{entry}': {exc.message}", self.where
                ) from None
            raise

    # --- field specs ---
    def load_configurations(self, acc: Accumulator) -> None:
        config = default_config()
        custom = TransformerConfig()
        for entry in self.kust.get("configurations", []):
            file, text = self.loader.read_text(str(entry), self.where)
            one = TransformerConfig()
            for doc, _, _ in _load(text, file):
                if doc:
                    one.add_document(doc, file)
            custom = custom.merge(one, file)
        if self.kust.get("configurations"):
            config = config.merge(custom, self.where)
        acc.config = acc.config.merge(config, self.where)

    def load_crds(self, acc: Accumulator) -> None:
        from kubeplan.renderer.kustomize.crds import config_from_definitions, parse_crd_file

        for entry in self.kust.get("crds", []):
            file, text = self.loader.read_text(str(entry), self.where)
            acc.config = acc.config.merge(config_from_definitions(parse_crd_file(text, file), file), file)

    def load_openapi(self, acc: Accumulator) -> None:
        spec = self.kust.get("openapi")
        if not spec:
            return
        if spec.get("path") and spec.get("version"):
            raise KubeplanError("builtin version and custom schema provided, cannot use both", self.where)
        if spec.get("path"):
            file, text = self.loader.read_text(str(spec["path"]), self.where)
            acc.openapi.append(("path", file, text))
        elif spec.get("version"):
            # kustomize v5.5 builds in one Kubernetes schema
            if str(spec["version"]) != "v1.21.2":
                raise KubeplanError("the specified OpenAPI version is not built in", self.where)

    # --- generators ---
    def run_generators(self, acc: Accumulator) -> None:
        options = self.kust.get("generatorOptions")
        for field_name, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
            for i, entry in enumerate(self.kust.get(field_name, [])):
                res = generators.generate(kind, entry, options, self.loader, self.where, self.line(field_name, i))
                self.build.note_generated(res, self, kind + "Generator")
                self.absorb(acc, res)
        if self.kust.get("helmChartInflationGenerator"):
            raise KubeplanError(
                "helmChartInflationGenerator is not supported: use helmCharts", self.where, self.line("helmChartInflationGenerator") or None
            )
        if self.kust.get("helmCharts"):
            from kubeplan.renderer.kustomize.helm_charts import inflate

            for res in inflate(self, self.kust.get("helmCharts"), self.kust.get("helmGlobals")):
                self.build.note_generated(res, self, "HelmChartInflationGenerator")
                self.absorb(acc, res)
        from kubeplan.renderer.kustomize.plugins import run_generator_plugins

        for res in run_generator_plugins(self, self.kust.get("generators", [])):
            self.absorb(acc, res)

    def absorb(self, acc: Accumulator, res) -> None:
        """kustomize's appendReplaceOrMerge for generated objects."""
        rid = res.cur_id()
        matches = [r for r in acc.resmap if any(i.same_as(rid) for i in r.all_ids())]
        if not matches:
            if res.behavior in ("merge", "replace"):
                raise KubeplanError(
                    f"id {rid} does not exist; cannot merge or replace", self.where
                )
            acc.resmap.append(res, self.where)
            return
        if len(matches) > 1:
            raise KubeplanError(f"found multiple objects that could accept merge of {rid}", self.where)
        old = matches[0]
        if res.behavior == "replace":
            _copy_meta(res, old)
        elif res.behavior == "merge":
            _copy_meta(res, old)
            for key in ("data", "binaryData"):
                merged = dict(old.data.get(key) or {})
                merged.update(res.data.get(key) or {})
                if merged:
                    res.data[key] = merged
            res.origin = old.origin or res.origin
        else:
            raise KubeplanError(f"id {rid} exists; behavior must be merge or replace", self.where)
        acc.resmap.replace(old, res)

    # --- transformers, in kustomize's fixed order ---
    def run_transformers(self, acc: Accumulator) -> None:
        kust, resmap, config, note = self.kust, acc.resmap, acc.config, self.build.note_transformer
        schema = self.build.with_schema(acc)
        if kust.get("patchesStrategicMerge"):
            for i, entry in enumerate(kust.get("patchesStrategicMerge")):
                self.apply_smp_entry(acc, entry, i)
            note(resmap, self, "PatchStrategicMergeTransformer")
        for i, entry in enumerate(kust.get("patches", [])):
            patch = patches.load_patch(self.loader, entry, self.where, self.line("patches", i), "patches")
            patches.apply_patch(resmap, patch, schema, self.where, "patches")
            note(resmap, self, "PatchTransformer")
        ns = kust.get("namespace")
        if ns:
            namespace.apply_namespace(resmap, str(ns), config.specs["namespace"], where=self.where)
            note(resmap, self, "NamespaceTransformer")
        prefix, suffix = kust.get("namePrefix") or "", kust.get("nameSuffix") or ""
        if prefix:
            prefix_suffix.apply_prefix_suffix(resmap, config.specs["namePrefix"], prefix=str(prefix))
            note(resmap, self, "PrefixTransformer")
        if suffix:
            prefix_suffix.apply_prefix_suffix(resmap, config.specs["nameSuffix"], suffix=str(suffix))
            note(resmap, self, "SuffixTransformer")
        common = labels.string_map(kust.get("commonLabels"), "commonLabels", self.where)
        if kust.get("labels") or common:
            for i, entry in enumerate(kust.get("labels", [])):
                if not isinstance(entry, dict):
                    raise KubeplanError("labels: each entry must be a mapping", self.where, self.line("labels", i))
                pairs = labels.string_map(entry.get("pairs"), "labels.pairs", self.where)
                labels.apply_map(resmap, pairs, labels.label_specs(entry, config, self.where))
                note(resmap, self, "LabelTransformer")
            labels.apply_map(resmap, common, config.specs["commonLabels"])
            note(resmap, self, "LabelTransformer")
        annotations = labels.string_map(kust.get("commonAnnotations"), "commonAnnotations", self.where)
        if annotations:
            labels.apply_map(resmap, annotations, config.specs["commonAnnotations"])
            note(resmap, self, "AnnotationsTransformer")
        for i, entry in enumerate(kust.get("patchesJson6902", [])):
            patch = patches.load_patch(self.loader, entry, self.where, self.line("patchesJson6902", i), "patchesJson6902")
            patches.apply_patch(resmap, patch, schema, self.where, "patchesJson6902")
            note(resmap, self, "PatchJson6902Transformer")
        for entry in kust.get("replicas", []):
            apply_replicas(resmap, [entry], config.specs["replicas"], self.where)
            note(resmap, self, "ReplicaCountTransformer")
        for entry in kust.get("images", []) + kust.get("imageTags", []):
            apply_images(resmap, [normalize_entry(entry, self.where)], config.specs["images"])
            note(resmap, self, "ImageTagTransformer")
        if kust.get("replacements"):
            from kubeplan.renderer.kustomize.replacements import apply_replacements, load_replacements

            apply_replacements(resmap, load_replacements(self.loader, kust.get("replacements"), self.where), self.where)
            note(resmap, self, "ReplacementTransformer")
        from kubeplan.renderer.kustomize.plugins import run_transformer_plugins

        run_transformer_plugins(self, acc, kust.get("transformers", []))

    def apply_smp_entry(self, acc: Accumulator, entry, index: int) -> None:
        if not isinstance(entry, str):
            raise KubeplanError("patchesStrategicMerge: entries must be strings", self.where)
        if patches.looks_like_path(entry):
            origin, text = self.loader.read_text(entry.strip(), self.where)
        else:
            origin, text = self.where, entry
        smp, ops = patches.load_patch_text(text, origin, self.where)
        if ops is not None:
            raise KubeplanError(f"patchesStrategicMerge: {origin} is a JSON patch; list it under patches with a target", self.where)
        patch = patches.Patch(origin, 1, smp)
        patches.apply_patch(acc.resmap, patch, self.build.with_schema(acc), self.where, "patchesStrategicMerge")

    def run_validators(self) -> None:
        if self.kust.get("validators"):
            raise KubeplanError("validators (plugins) are not supported: kubeplan does not run plugins", self.where)

    def merge_vars(self, acc: Accumulator) -> None:
        from kubeplan.renderer.kustomize.vars import check_var, var_target_id

        for var in self.kust.get("vars", []):
            check_var(var, self.where)
            matcher = var_target_id(var)
            matched = [r for r in acc.resmap if any(matcher(i) for i in r.all_ids())]
            if len(matched) > 1:
                raise KubeplanError(
                    f"found {len(matched)} resId matches for var {var.get('name')} (unable to disambiguate)", self.where
                )
            if len(matched) == 1:
                matched[0].ref_vars.append(var["name"])
            acc.add_var(var, self.where)


def _copy_meta(res, old) -> None:
    """kustomize's CopyMergeMetaDataFieldsFrom: the new object takes the old one's name."""
    meta = res.metadata
    old_meta = old.metadata
    for key in ("labels", "annotations"):
        merged = dict(old_meta.get(key) or {})
        merged.update(meta.get(key) or {})
        if merged:
            meta[key] = merged
        else:
            meta.pop(key, None)
    meta["name"] = old.name
    if old.namespace:
        meta["namespace"] = old.namespace
    else:
        meta.pop("namespace", None)
    res.previous = list(old.previous)
    res.prefixes = list(old.prefixes)
    res.suffixes = list(old.suffixes)
    # the hash build-annotation survives only when both objects carry it
    res.needs_hash = res.needs_hash and old.needs_hash
    res.ref_vars = list(old.ref_vars)


def _load(text: str, file: str):
    try:
        return load_documents(text)
    except YamlError as exc:
        raise KubeplanError(f"MalformedYAMLError: {exc.message}", file, exc.line or None) from None
