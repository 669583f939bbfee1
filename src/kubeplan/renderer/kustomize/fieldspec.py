"""Field specs: which paths of which kinds a transformer touches.

A field spec is ``{group, version, kind, path, create}``; the path is ``/``-separated
(``\\/`` for a slash inside a key, ``[]`` marks a list). Walking a path visits every item of
a list met on the way. The default specs are data files in ``fieldspecs/``; a
kustomization's ``configurations:`` files add more.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.resource import Gvk

SPEC_DIR = os.path.join(os.path.dirname(__file__), "fieldspecs")
# The transformer configuration sections kustomize knows (configurations: files).
SECTIONS = (
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "templateLabels",
    "commonAnnotations",
    "nameReference",
    "varReference",
    "images",
    "replicas",
)


@dataclass(frozen=True)
class FieldSpec:
    gvk: Gvk
    path: tuple  # key names; a trailing "[]" is dropped (lists are walked anyway)
    create: bool = False
    raw_path: str = ""

    def applies_to(self, gvk: Gvk) -> bool:
        return gvk.selected_by(self.gvk)


def split_path(path: str) -> tuple:
    parts, current, i = [], "", 0
    while i < len(path):
        char = path[i]
        if char == "\\" and i + 1 < len(path) and path[i + 1] == "/":
            current += "/"
            i += 2
            continue
        if char == "/":
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    parts.append(current)
    # "[]" stays on a part: it marks a list, which is walked but never created
    return tuple(p for p in parts if p != "")


def make_spec(entry: dict, where: str = "") -> FieldSpec:
    if not isinstance(entry, dict):
        raise KubeplanError(f"a field spec must be a mapping, got {entry!r}", where or None)
    path = entry.get("path", "")
    if not isinstance(path, str):
        raise KubeplanError(f"field spec path must be a string, got {path!r}", where or None)
    gvk = Gvk(str(entry.get("group") or ""), str(entry.get("version") or ""), str(entry.get("kind") or ""))
    return FieldSpec(gvk, split_path(path), bool(entry.get("create")), path)


@dataclass(frozen=True)
class NameRef:
    """A referral kind and the fields (of other kinds) that hold its name."""

    gvk: Gvk
    specs: tuple


def gvk_sort_key(gvk: Gvk):
    """kustomize's Gvk.IsLessThan: legacy kind rank, then group_version_kind."""
    from kubeplan.renderer.kustomize.sorting import gvk_sort_string, kind_rank

    return (kind_rank(gvk.kind), gvk_sort_string(gvk))


def merge_specs(existing: list, incoming, where: str = "") -> list:
    """kustomize's FsSlice.MergeAll: a spec already covered by one with the same path and a
    narrower-or-equal selection is dropped (so order matters, as upstream)."""
    result = list(existing)
    for spec in incoming:
        same = next((e for e in result if e.path == spec.path and e.gvk.selected_by(spec.gvk)), None)
        if same is not None:
            if same.create != spec.create:
                raise KubeplanError("conflicting fieldspecs", where or None)
            continue
        result.append(spec)
    return result


def sort_specs(specs: list) -> list:
    return sorted(specs, key=lambda s: gvk_sort_key(s.gvk))


@dataclass
class TransformerConfig:
    specs: dict = field(default_factory=lambda: {s: [] for s in SECTIONS if s != "nameReference"})
    name_refs: list = field(default_factory=list)

    def copy(self) -> "TransformerConfig":
        return TransformerConfig({k: list(v) for k, v in self.specs.items()}, list(self.name_refs))

    def add_specs(self, section: str, specs) -> None:
        self.specs.setdefault(section, []).extend(specs)

    def add_name_ref(self, ref: NameRef) -> None:
        self.name_refs.append(ref)

    def merge(self, other: "TransformerConfig", where: str = "") -> "TransformerConfig":
        """A new config: this one with ``other`` merged in, each list sorted as upstream."""
        merged = TransformerConfig()
        for section in merged.specs:
            merged.specs[section] = sort_specs(
                merge_specs(self.specs.get(section, []), sort_specs(other.specs.get(section, [])), where)
            )
        refs = list(self.name_refs)
        for ref in sorted(other.name_refs, key=lambda r: gvk_sort_key(r.gvk)):
            for i, have in enumerate(refs):
                if have.gvk == ref.gvk:
                    refs[i] = NameRef(have.gvk, tuple(merge_specs(list(have.specs), ref.specs, where)))
                    break
            else:
                refs.append(ref)
        merged.name_refs = sorted(refs, key=lambda r: gvk_sort_key(r.gvk))
        return merged

    def add_document(self, doc: dict, where: str = "") -> None:
        """A ``configurations:`` file (the same shape as kustomize's)."""
        if not isinstance(doc, dict):
            raise KubeplanError("a transformer configuration must be a mapping", where or None)
        for section, entries in doc.items():
            if entries is None:
                continue
            if section not in SECTIONS:
                raise KubeplanError(f'json: unknown field "{section}"', where or None)
            if not isinstance(entries, list):
                raise KubeplanError(f"{section}: expected a list of field specs", where or None)
            if section == "nameReference":
                for entry in entries:
                    if not isinstance(entry, dict):
                        raise KubeplanError("nameReference: expected mappings", where or None)
                    gvk = Gvk(str(entry.get("group") or ""), str(entry.get("version") or ""), str(entry.get("kind") or ""))
                    specs = tuple(make_spec(s, where) for s in entry.get("fieldSpecs") or ())
                    self.add_name_ref(NameRef(gvk, specs))
            else:
                self.add_specs(section, [make_spec(e, where) for e in entries])


@lru_cache(maxsize=1)
def _default_config() -> TransformerConfig:
    from kubeplan.renderer.kustomize.yamlio import load_documents

    config = TransformerConfig()
    for name in sorted(os.listdir(SPEC_DIR)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(SPEC_DIR, name), encoding="utf-8") as fh:
            for doc, _, _ in load_documents(fh.read()):
                config.add_document(_expand_templates(doc), name)
    return TransformerConfig().merge(config)


def default_config() -> TransformerConfig:
    return _default_config().copy()


def _expand_templates(doc: dict) -> dict:
    """``podSpecFields`` shorthand: a path under every workload's pod spec.

    ``{pod: "volumes/configMap/name", kinds: [...]}`` expands to one spec per workload
    kind, with the pod spec's location in that kind.
    """
    workloads = doc.pop("workloadPodSpecs", None) or {}
    for section, entries in list(doc.items()):
        if section == "nameReference":
            for ref in entries:
                ref["fieldSpecs"] = _expand_entries(ref.get("fieldSpecs") or [], workloads)
        elif isinstance(entries, list):
            doc[section] = _expand_entries(entries, workloads)
    return doc


def _expand_entries(entries: list, workloads: dict) -> list:
    out = []
    for entry in entries:
        if "podSpec" not in entry:
            out.append(entry)
            continue
        for kind in entry.get("workloads") or list(workloads):
            prefix = workloads[kind]
            spec = {k: v for k, v in entry.items() if k not in ("podSpec", "workloads")}
            spec["path"] = f"{prefix}/{entry['podSpec']}" if prefix else entry["podSpec"]
            spec["kind"] = kind
            if kind == "Pod" and entry.get("podVersion"):
                spec["version"] = entry["podVersion"]
            spec.pop("podVersion", None)
            out.append(spec)
    return out


# --- walking paths ---------------------------------------------------------------


class PathError(KubeplanError):
    pass


def visit(data, path: tuple, fn, create=None, trail=()) -> None:
    """Call ``fn(container, key, trail)`` for each place ``path`` reaches in ``data``.

    ``create`` is None (do not create missing fields) or a factory for the value of a
    missing last field; missing intermediate fields are created as mappings then.
    """
    if isinstance(data, list):
        for index, item in enumerate(data):
            visit(item, path, fn, create, trail + (index,))
        return
    if not isinstance(data, dict) or not path:
        return
    key = path[0]
    rest = path[1:]
    if key.endswith("[]"):
        key = key[:-2]
        if create is not None and data.get(key) is None:
            return
    if not rest:
        if key not in data or data[key] is None:
            if create is None:
                if key in data:
                    fn(data, key, trail + (key,))
                return
            data[key] = create()
        fn(data, key, trail + (key,))
        return
    child = data.get(key)
    if child is None:
        if create is None:
            return
        child = data[key] = {}
    if isinstance(child, (dict, list)):
        visit(child, rest, fn, create, trail + (key,))
    else:
        raise PathError(f"expected sequence or mapping node at {'/'.join(map(str, trail + (key,)))}")
