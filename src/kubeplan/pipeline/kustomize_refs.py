"""What a kustomization reads: the files and directories named in its fields.

Discovery needs this to lint every file once: a file an overlay reads (a base resource, a
patch, a generator's input) is linted through the build, not again as a plain manifest.
Only a plain YAML read is needed here, never a build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from kubeplan.renderer import KUSTOMIZATION_FILES

# fields holding a list of paths (or, for some, inline YAML that is not a path)
_PATH_LISTS = ("crds", "configurations", "generators", "transformers", "validators", "patchesStrategicMerge")
_DIRECTORY_LISTS = ("resources", "bases", "components")
# fields holding a list of mappings, each with a ``path``
_PATH_ITEMS = ("patches", "patchesJson6902", "replacements")
_GENERATORS = ("configMapGenerator", "secretGenerator")


@dataclass
class KustomizationRefs:
    directory: str
    kind: str = "Kustomization"  # or "Component"
    files: set = field(default_factory=set)  # absolute paths of files it reads
    directories: set = field(default_factory=set)  # absolute paths of kustomizations it builds on
    charts: set = field(default_factory=set)  # absolute paths of charts it inflates (helmCharts)


def kustomization_file(directory: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def read_refs(directory: str) -> KustomizationRefs:
    """The references of the kustomization in ``directory``; unreadable files give none
    (the build itself reports them)."""
    directory = os.path.abspath(directory)
    refs = KustomizationRefs(directory)
    path = kustomization_file(directory)
    if path is None:
        return refs
    refs.files.add(path)
    try:
        with open(path, "rb") as fh:
            data = yaml.load(fh, Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError, ValueError):
        return refs
    if not isinstance(data, dict):
        return refs
    if data.get("kind") == "Component":
        refs.kind = "Component"

    def add(value):
        if not isinstance(value, str) or not value or "\n" in value or "://" in value:
            return
        target = os.path.normpath(os.path.join(directory, value))
        if os.path.isfile(target):
            refs.files.add(target)
        elif os.path.isdir(target):
            refs.directories.add(target)

    for key in _DIRECTORY_LISTS + _PATH_LISTS:
        for value in _list(data.get(key)):
            add(value)
    for key in _PATH_ITEMS:
        for item in _list(data.get(key)):
            if isinstance(item, dict):
                add(item.get("path"))
    for key in _GENERATORS:
        for generator in _list(data.get(key)):
            if not isinstance(generator, dict):
                continue
            for entry in _list(generator.get("files")):
                # "key=path" or "path"
                add(entry.split("=", 1)[1] if isinstance(entry, str) and "=" in entry else entry)
            for entry in _list(generator.get("envs")) + [generator.get("env")]:
                add(entry)
    openapi = data.get("openapi")
    if isinstance(openapi, dict):
        add(openapi.get("path"))
    charts = _list(data.get("helmCharts"))
    if charts:
        globals_ = data.get("helmGlobals") if isinstance(data.get("helmGlobals"), dict) else {}
        home = os.path.join(directory, str(globals_.get("chartHome") or "charts"))
        for chart in charts:
            if isinstance(chart, dict):
                if isinstance(chart.get("name"), str):
                    refs.charts.add(os.path.normpath(os.path.join(home, chart["name"])))
                add(chart.get("valuesFile"))
                for extra in _list(chart.get("additionalValuesFiles")):
                    add(extra)
    return refs


def _list(value) -> list:
    return list(value) if isinstance(value, list) else []
