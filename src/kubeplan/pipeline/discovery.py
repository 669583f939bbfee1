"""Command-line paths into units: each chart, each top-level kustomization, and the plain
manifests left over. The rule (docs/pipeline.md):

1. A directory holding ``Chart.yaml`` is a chart; everything below it belongs to it (its
   templates are never read as manifests; subcharts render with their parent). A file or
   directory given inside a chart stands for the (outermost) chart.
2. A directory holding a kustomization file is a kustomization. One that another
   kustomization of the run builds on (``resources``, ``bases``, ``components``) is built
   only through it; a Component is never built on its own.
3. Every other ``*.yaml``/``*.yml``/``*.json`` file is a plain manifest, unless a
   kustomization of the run reads it (a resource, a patch, a generator input): then it is
   linted through that build only.
4. ``--exclude`` globs remove files and whole directories before any of this; hidden files
   and folders are skipped unless named.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.model.loading import MANIFEST_SUFFIXES
from kubeplan.renderer import KUSTOMIZATION_FILES, detect

_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox"}


@dataclass(frozen=True)
class Unit:
    """What is rendered (or loaded) and linted as one: a chart, a kustomization, or plain files."""

    kind: str  # "chart" | "kustomize" | "manifests"
    path: str = ""  # the chart or kustomization directory
    files: tuple = ()  # the plain files of a "manifests" unit, in input order

    @property
    def label(self) -> str:
        if self.kind == "manifests":
            return f"{len(self.files)} plain file{'' if len(self.files) == 1 else 's'}"
        return f"{'chart' if self.kind == 'chart' else 'kustomization'} {self.path}"


@dataclass
class Discovery:
    units: list  # Unit, charts and kustomizations sorted by path, then the plain manifests
    notes: list = field(default_factory=list)  # what was left out and why, for --verbose


def excluded(path: str, patterns, base: str | None = None) -> bool:
    """Whether ``path`` matches a glob of ``patterns`` (as a whole, by its base name, or
    through one of its parent directories: ``vendor`` or ``vendor/**`` hides all below)."""
    if not patterns:
        return False
    rel = os.path.relpath(path, base) if base else os.path.normpath(path)
    rel = rel.replace(os.sep, "/")
    parts = rel.split("/")
    for pattern in patterns:
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(parts[-1], pattern):
            return True
        stripped = pattern.rstrip("/").removesuffix("/**")
        for i in range(1, len(parts)):
            if fnmatch.fnmatchcase("/".join(parts[:i]), stripped):
                return True
    return False


def _display(absolute: str, given: str) -> str:
    """``absolute`` spelled like the user spelled ``given`` (relative stays relative)."""
    if os.path.isabs(given):
        return absolute
    rel = os.path.relpath(absolute)
    return absolute if rel.startswith("..") and not given.startswith("..") else rel


def owning_chart(path: str) -> str | None:
    """The outermost chart directory holding ``path`` (itself included), or None. Stops at
    a repository root (a directory with ``.git``)."""
    directory = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    found = None
    while True:
        if os.path.isfile(os.path.join(directory, "Chart.yaml")):
            found = directory
        parent = os.path.dirname(directory)
        if parent == directory or os.path.exists(os.path.join(directory, ".git")):
            return found
        directory = parent


class _Collector:
    def __init__(self, exclude, base, ignore):
        self.exclude = tuple(exclude)
        self.ignore = ignore
        self.base = base
        self.charts: dict = {}  # absolute dir -> display path
        self.kustomizations: dict = {}
        self.plain: dict = {}  # absolute file (or "-") -> display path, in input order

    def add_path(self, path: str) -> None:
        if path == "-":
            self.plain.setdefault("-", "-")
            return
        if not os.path.exists(path):
            raise KubeplanError(f"{path}: no such file or directory")
        if excluded(path, self.exclude, self.base):
            return
        chart = owning_chart(path)
        if chart is not None:
            self.charts.setdefault(chart, _display(chart, path))
        elif os.path.isdir(path):
            self._walk(path)
        elif os.path.basename(path) in KUSTOMIZATION_FILES:
            directory = os.path.dirname(os.path.abspath(path))
            self.kustomizations.setdefault(directory, _display(directory, path))
        else:
            self.plain.setdefault(os.path.abspath(path), path)

    def _walk(self, top: str) -> None:
        for root, dirs, files in os.walk(top):
            kind = detect(root)
            if kind == "chart":
                self.charts.setdefault(os.path.abspath(root), os.path.normpath(root))
                dirs[:] = []
                continue
            if kind == "kustomize":
                self.kustomizations.setdefault(os.path.abspath(root), os.path.normpath(root))
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in _SKIP_DIRS and not d.startswith(".") and not excluded(os.path.join(root, d), self.exclude, self.base)
            )
            for name in sorted(files):
                if name.startswith(".") or not name.endswith(MANIFEST_SUFFIXES) or name in KUSTOMIZATION_FILES:
                    continue
                full = os.path.normpath(os.path.join(root, name))
                absolute = os.path.abspath(full)
                if absolute not in self.ignore and not excluded(full, self.exclude, self.base):
                    self.plain.setdefault(absolute, full)


def discover(paths, exclude=(), base: str | None = None, ignore_files=()) -> Discovery:
    """The units for ``paths`` (see the module docstring for the rule). ``ignore_files``
    are files a directory walk passes over: the run's own baseline and report files."""
    from kubeplan.pipeline.kustomize_refs import read_refs

    collector = _Collector(exclude, base, {os.path.abspath(f) for f in ignore_files})
    for path in paths:
        collector.add_path(path)
    notes: list = []

    refs = {directory: read_refs(directory) for directory in sorted(collector.kustomizations)}
    built_on: set = set()
    claimed_files: set = set()
    claimed_charts: set = set()
    pending = list(refs.values())
    seen = set(refs)
    while pending:  # follow bases outside the given paths too, so their files count as read
        ref = pending.pop()
        built_on |= ref.directories
        claimed_files |= ref.files
        claimed_charts |= ref.charts
        for directory in sorted(ref.directories - seen):
            seen.add(directory)
            pending.append(read_refs(directory))

    units = []
    for directory, shown in sorted(collector.charts.items(), key=lambda item: item[1]):
        if directory in claimed_charts:
            notes.append(f"chart {shown}: inflated by a kustomization (helmCharts); not rendered on its own")
            continue
        units.append(Unit("chart", shown))
    for directory, shown in sorted(collector.kustomizations.items(), key=lambda item: item[1]):
        if refs[directory].kind == "Component":
            if directory not in built_on:
                notes.append(f"component {shown}: used by no kustomization of the run; not built")
            continue
        if directory in built_on:
            notes.append(f"kustomization {shown}: built through the kustomizations that use it")
            continue
        units.append(Unit("kustomize", shown))
    plain = []
    for absolute, shown in collector.plain.items():
        if absolute in claimed_files:
            notes.append(f"{shown}: read by a kustomization; linted through its build")
            continue
        plain.append(shown)
    if plain:
        units.append(Unit("manifests", files=tuple(plain)))
    return Discovery(units, notes)


def parse_shard(text: str) -> tuple:
    """``"I/N"`` -> (I, N) with 1 <= I <= N."""
    index, _, total = (text or "").partition("/")
    try:
        i, n = int(index), int(total)
    except ValueError:
        raise KubeplanError(f"--shard {text!r}: expected I/N, e.g. 1/4") from None
    if n < 1 or not 1 <= i <= n:
        raise KubeplanError(f"--shard {text!r}: I must be between 1 and N")
    return i, n


def shard(units: list, index: int, total: int) -> list:
    """The units of shard ``index`` of ``total``: charts, kustomizations and plain files
    sorted by path and dealt out in turn, so every input lands in exactly one shard."""
    if total == 1:
        return list(units)
    items = []
    for unit in units:
        if unit.kind == "manifests":
            items.extend(("manifests", f) for f in unit.files)
        else:
            items.append((unit.kind, unit.path))
    items.sort(key=lambda item: (item[1], item[0]))
    mine = {item for i, item in enumerate(items) if i % total == index - 1}
    out = [u for u in units if u.kind != "manifests" and (u.kind, u.path) in mine]
    files = tuple(f for u in units if u.kind == "manifests" for f in u.files if ("manifests", f) in mine)
    if files:
        out.append(Unit("manifests", files=files))
    return out
