"""Built-in plugins named in ``generators:`` / ``transformers:`` (``apiVersion: builtin``).

Each entry is inline YAML, a file, or a kustomization directory whose output is plugin
configurations. Only kustomize's built-in kinds are run; anything else would execute code
from the input, which kubeplan refuses.
"""

from __future__ import annotations

import os

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize import generators, labels, namespace, patches, prefix_suffix
from kubeplan.renderer.kustomize.fieldspec import make_spec
from kubeplan.renderer.kustomize.images import apply_images, normalize_entry
from kubeplan.renderer.kustomize.replicas import apply_replicas
from kubeplan.renderer.kustomize.resources import parse_resources
from kubeplan.renderer.kustomize.yamlio import YamlError, load_documents


def _configs(target, entries) -> list:
    """The plugin configuration objects the entries name, in order."""
    from kubeplan.renderer.kustomize.target import Accumulator

    out = []
    for entry in entries:
        if not isinstance(entry, str):
            raise KubeplanError("generators/transformers: entries must be strings", target.where)
        inline = None
        if "\n" in entry.strip() or ": " in entry:
            try:
                docs = load_documents(entry)
            except YamlError:
                docs = []
            if docs and all(isinstance(d, dict) for d, _, _ in docs):
                inline = parse_resources(entry, target.where)
        if inline is not None:
            for config in inline:
                target.build.note_origin(config, target.kust_file_name, target)
            out.extend(inline)
            continue
        target.loader.refuse_remote(entry, target.where)
        path = target.loader.resolve(entry)
        if os.path.isdir(path):
            sub = target.sub_target(entry)
            out.extend(sub.accumulate(Accumulator()).resmap)
        else:
            file, text = target.loader.read_text(entry, target.where)
            for config in parse_resources(text, file):
                target.build.note_origin(config, entry, target)
                out.append(config)
    return out


def _check_builtin(config, where) -> None:
    if config.api_version != "builtin":
        raise KubeplanError(
            f"plugin {config.kind} ({config.api_version}) refused: kubeplan runs only kustomize's built-in plugins "
            "(apiVersion: builtin); exec and container plugins would run code from the input",
            where,
        )


def _specs(config, where) -> list:
    return [make_spec(f, where) for f in config.data.get("fieldSpecs") or ()]


def generate_from_entries(target, entries) -> list:
    out = []
    for config in _configs(target, entries):
        _check_builtin(config, target.where)
        data = config.data
        kind = config.kind
        if kind in ("ConfigMapGenerator", "SecretGenerator"):
            args = {k: v for k, v in data.items() if k not in ("apiVersion", "kind", "metadata")}
            args.setdefault("name", config.name)
            if config.namespace and not args.get("namespace"):
                args["namespace"] = config.namespace
            res = generators.generate(
                "ConfigMap" if kind == "ConfigMapGenerator" else "Secret", args, None, target.loader, target.where, 0
            )
            target.build.note_plugin_generated(res, config)
            out.append(res)
        elif kind == "IAMPolicyGenerator":
            res = _iam_policy(data, target)
            target.build.note_plugin_generated(res, config)
            out.append(res)
        else:
            raise KubeplanError(f"{kind} is not a built-in generator", target.where)
    return out


def _iam_policy(data, target):
    from kubeplan.model.objects import SourceMap
    from kubeplan.renderer.kustomize.resource import Resource

    if data.get("cloud") != "gke":
        raise KubeplanError(f"IAMPolicyGenerator: cloud {data.get('cloud')!r} is not supported (only gke)", target.where)
    service = data.get("kubernetesService") or {}
    account = data.get("serviceAccount") or {}
    meta = {"name": service.get("name")}
    if service.get("namespace"):
        meta["namespace"] = service["namespace"]
    meta["annotations"] = {
        "iam.gke.io/gcp-service-account": f"{account.get('name')}@{account.get('projectId')}.iam.gserviceaccount.com"
    }
    return Resource({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}, SourceMap(target.where))


def transform_from_entries(target, acc, entries) -> None:
    resmap = acc.resmap
    where = target.where
    for config in _configs(target, entries):
        _check_builtin(config, where)
        data, kind = config.data, config.kind
        if kind in ("PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer"):
            # PrefixSuffixTransformer is the prefix transformer, then the suffix transformer
            if kind != "SuffixTransformer":
                prefix_suffix.apply_prefix_suffix(resmap, _specs(config, where), prefix=str(data.get("prefix") or ""))
            if kind != "PrefixTransformer":
                prefix_suffix.apply_prefix_suffix(resmap, _specs(config, where), suffix=str(data.get("suffix") or ""))
        elif kind == "LabelTransformer":
            labels.apply_map(resmap, labels.string_map(data.get("labels"), "labels", where), _specs(config, where))
        elif kind == "AnnotationsTransformer":
            labels.apply_map(resmap, labels.string_map(data.get("annotations"), "annotations", where), _specs(config, where))
        elif kind == "NamespaceTransformer":
            ns = (data.get("metadata") or {}).get("namespace") or ""
            namespace.apply_namespace(
                resmap,
                ns,
                _specs(config, where),
                unset_only=bool(data.get("unsetOnly")),
                subjects=data.get("setRoleBindingSubjects") or namespace.DEFAULT_SUBJECTS_ONLY,
                where=where,
            )
        elif kind == "PatchTransformer":
            entry = {k: data[k] for k in ("path", "patch", "target", "options") if k in data}
            patch = patches.load_patch(target.loader, entry, where, 0, "PatchTransformer")
            patches.apply_patch(resmap, patch, target.build.with_schema(acc), where, "PatchTransformer")
        elif kind == "PatchJson6902Transformer":
            entry = {"target": data.get("target")}
            if data.get("path"):
                entry["path"] = data["path"]
            else:
                entry["patch"] = data.get("jsonOp")
            patch = patches.load_patch(target.loader, entry, where, 0, "PatchJson6902Transformer")
            patches.apply_patch(resmap, patch, target.build.with_schema(acc), where, "PatchJson6902Transformer")
        elif kind == "PatchStrategicMergeTransformer":
            for i, item in enumerate(list(data.get("paths") or []) + list(data.get("patches") or [])):
                target.apply_smp_entry(acc, item, i)
        elif kind == "ImageTagTransformer":
            apply_images(resmap, [normalize_entry(data.get("imageTag") or {}, where)], _specs(config, where))
        elif kind == "ReplicaCountTransformer":
            apply_replicas(resmap, [data.get("replica") or {}], _specs(config, where), where)
        elif kind == "ReplacementTransformer":
            from kubeplan.renderer.kustomize.replacements import apply_replacements, load_replacements

            apply_replacements(resmap, load_replacements(target.loader, data.get("replacements") or [], where), where)
        elif kind == "HashTransformer":
            continue
        else:
            # (SortOrderTransformer too: kustomize keeps it for the top-level sortOptions)
            raise KubeplanError(f"unable to load builtin {kind}.builtin.[noGrp]", where)
        target.build.note_plugin_transformer(resmap, config)
