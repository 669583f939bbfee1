"""``helmCharts``: charts inflated by kubeplan's own chart renderer (kustomize's
HelmChartInflationGenerator). Only charts already on disk under ``helmGlobals.chartHome``
(default ``charts/``) are used: pulling from a repository would touch the network."""

from __future__ import annotations

import os
import tempfile

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.resource import Resource

FIELDS = (
    "name", "version", "repo", "releaseName", "namespace", "nameTemplate", "additionalValuesFiles",
    "valuesFile", "valuesInline", "valuesMerge", "includeCRDs", "skipHooks", "apiVersions", "kubeVersion",
    "skipTests", "devel", "debug",
)


def inflate(target, entries, globals_) -> list:
    out = []
    globals_ = globals_ or {}
    chart_home = target.loader.resolve(str(globals_.get("chartHome") or "charts"))
    for i, entry in enumerate(entries):
        where_line = target.line("helmCharts", i) or None
        if not isinstance(entry, dict) or not entry.get("name"):
            raise KubeplanError("helmCharts: each chart needs a name", target.where, where_line)
        for key in entry:
            if key not in FIELDS:
                raise KubeplanError(f'invalid Kustomization: json: unknown field "{key}" in helmCharts', target.where, where_line)
        out.extend(_inflate_one(target, entry, chart_home, where_line))
    return out


def _chart_dir(target, entry, chart_home, line) -> str:
    name, version = str(entry["name"]), entry.get("version")
    candidates = [os.path.join(chart_home, name)]
    if version:
        candidates.insert(0, os.path.join(chart_home, f"{name}-{version}", name))
    for path in candidates:
        if os.path.isfile(os.path.join(path, "Chart.yaml")):
            target.loader.check_file(path)
            return path
    if entry.get("repo"):
        raise KubeplanError(
            f"helm chart {name!r} is not under {chart_home} and kubeplan never pulls from {entry['repo']}: "
            "vendor the chart there (helm pull --untar)",
            target.where,
            line,
        )
    raise KubeplanError(f"helm chart {name!r} not found under {chart_home}", target.where, line)


def _inflate_one(target, entry, chart_home, line) -> list:
    from kubeplan.renderer.chart import render_chart

    chart = _chart_dir(target, entry, chart_home, line)
    merge = entry.get("valuesMerge") or "override"
    if merge not in ("override", "merge", "replace"):
        raise KubeplanError(f"valuesMerge must be override, merge or replace, not {merge!r}", target.where, line)
    values_files = []
    if entry.get("valuesFile"):
        values_files.append(target.loader.read_text(str(entry["valuesFile"]), target.where)[0])
    for extra in entry.get("additionalValuesFiles") or []:
        values_files.append(target.loader.read_text(str(extra), target.where)[0])
    with tempfile.TemporaryDirectory(prefix="kubeplan-helm-") as tmp:
        inline = entry.get("valuesInline")
        if inline:
            if not isinstance(inline, dict):
                raise KubeplanError("valuesInline must be a mapping", target.where, line)
            import json

            path = os.path.join(tmp, "values-inline.yaml")
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(inline, fh)  # JSON is YAML
            values_files.append(path)
        result = render_chart(
            chart,
            values_files=values_files,
            release_name=str(entry.get("releaseName") or "release-name"),
            namespace=str(entry.get("namespace") or "default"),
            kube_version=entry.get("kubeVersion"),
            api_versions=tuple(entry.get("apiVersions") or ()),
            include_crds=bool(entry.get("includeCRDs")),
            no_hooks=bool(entry.get("skipHooks")),
        )
    out = []
    for obj in result.objects:
        if not obj.data:
            continue
        out.append(Resource(obj.data, obj.source))
    return out
