"""One unit through render (or load) and lint. Runs in the main process or in a worker of
the ``--jobs`` pool, so everything here takes and returns plain picklable data."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding
from kubeplan.model.objects import Location

CHART_OPTION_NAMES = (
    "values_files",
    "set_values",
    "set_string",
    "set_file",
    "set_json",
    "set_literal",
    "release_name",
    "namespace",
)


@dataclass(frozen=True)
class RenderOptions:
    """How charts and kustomizations are rendered (the options of ``kubeplan render``)."""

    values_files: tuple = ()
    set_values: tuple = ()
    set_string: tuple = ()
    set_file: tuple = ()
    set_json: tuple = ()
    set_literal: tuple = ()
    release_name: str = "release-name"
    namespace: str = "default"
    kube_version: str | None = None
    load_restrictor: str = "LoadRestrictionsRootOnly"

    def chart_options(self) -> dict:
        options = {name: getattr(self, name) for name in CHART_OPTION_NAMES}
        if self.kube_version:
            options["kube_version"] = self.kube_version
        return options


@dataclass
class UnitResult:
    unit: object  # the Unit
    findings: list = field(default_factory=list)  # visible, sorted
    suppressed: list = field(default_factory=list)
    files: list = field(default_factory=list)  # files read (plain units) or the unit itself
    objects: int = 0  # every object read, valid or not
    subjects: list = field(default_factory=list)  # (file, ObjectRef) of every valid object, for JUnit
    warnings: list = field(default_factory=list)  # renderer notes for stderr
    manifests: list = field(default_factory=list)  # the ManifestObjects, when the caller asked (check)


def _render_failure(unit, exc: Exception) -> Finding:
    if isinstance(exc, KubeplanError):
        where = Location(exc.file or unit.path, exc.line or 0, exc.column or 0)
        message = exc.message
    else:
        where = Location(unit.path, 0, 0)
        message = str(exc)
    what = "chart" if unit.kind == "chart" else "kustomization"
    return Finding("render-failed", "error", f"{what} {unit.path} does not render: {message}", where)


def _document_lines(text: str) -> list:
    """The first line of each document of a rendered YAML stream."""
    starts, line_no, pending = [], 0, True
    for line_no, line in enumerate(text.splitlines(), 1):
        if line.startswith("---"):
            pending = True
            continue
        if pending and line.strip() and not line.lstrip().startswith("#"):
            starts.append(line_no)
            pending = False
    return starts


def _note_rendered_locations(unit, objects, text: str) -> None:
    """Objects a renderer left without a related location get one: their document in the
    rendered output (``kubeplan render DIR``), so a finding shows both places."""
    if all(obj.source.related for obj in objects):
        return
    starts = _document_lines(text or "")
    if len(starts) != len(objects):
        return
    for obj, line in zip(objects, starts):
        if not obj.source.related:
            obj.source.related.append(Location(f"{unit.path} (kubeplan render)", line, 1, "rendered output"))


def _spell_like(unit, findings) -> list:
    """Absolute paths from a renderer spelled relative when the unit was given relative."""
    if os.path.isabs(unit.path):
        return findings
    cwd = os.getcwd()

    def fix(location):
        file = location.file
        if os.path.isabs(file) and (file + os.sep).startswith(cwd + os.sep):
            return location._replace(file=os.path.relpath(file, cwd))
        return location

    for finding in findings:
        finding.location = fix(finding.location)
        finding.related = [fix(r) for r in finding.related]
    return findings


def kustomize_build():
    """``kubeplan.renderer.kustomize.build``, or None. Once its submodule ``build`` is
    imported, the package attribute of that name is the module, not the function."""
    try:
        from kubeplan.renderer import kustomize
    except ImportError:
        return None
    build = getattr(kustomize, "build", None)
    if build is not None and not callable(build):
        build = getattr(build, "build", None)
    return build


def _render(unit, render_options: RenderOptions):
    """(objects, warnings) of a chart or kustomization; KubeplanError when it cannot render."""
    if unit.kind == "chart":
        try:
            from kubeplan.renderer.chart import render_chart
        except ImportError:
            raise KubeplanError("this kubeplan has no chart renderer", unit.path) from None
        result = render_chart(unit.path, **render_options.chart_options())
    else:
        build = kustomize_build()
        if build is None:
            raise KubeplanError("this kubeplan has no kustomize renderer", unit.path)
        result = build(unit.path, load_restrictor=render_options.load_restrictor)
    objects = list(result.objects)
    _note_rendered_locations(unit, objects, result.text)
    return objects, list(result.warnings)


def read_unit(unit, render_options: RenderOptions, max_file_size: int, out: UnitResult | None = None, on_file=None) -> tuple:
    """(objects, findings reading them) of ``unit``: plain files loaded, a chart or
    kustomization rendered (a unit that does not render is a ``render-failed`` finding)."""
    out = out if out is not None else UnitResult(unit)
    if unit.kind == "manifests":
        from kubeplan.model.loading import LoadResult, load_file

        loaded = LoadResult()
        for done, path in enumerate(unit.files, 1):
            load_file(path, loaded, max_file_size)
            if on_file is not None:
                on_file(done, len(unit.files), path)
        out.files = list(loaded.files)
        out.objects = len(loaded.objects) + loaded.invalid_objects
        return loaded.objects, loaded.findings
    out.files = [unit.path]
    try:
        objects, out.warnings = _render(unit, render_options)
    except KubeplanError as exc:
        return [], _spell_like(unit, [_render_failure(unit, exc)])
    out.objects = len(objects)
    return objects, []


def run_unit(unit, config, lint_options: dict, render_options: RenderOptions, max_file_size: int, keep_objects=False, on_file=None) -> UnitResult:
    """Render or load ``unit`` and lint its objects in a context of their own.
    ``on_file(done, total, path)`` follows the files of a plain-manifests unit (progress)."""
    from kubeplan.linter.engine import LintContext, lint

    out = UnitResult(unit)
    objects, load_findings = read_unit(unit, render_options, max_file_size, out, on_file)
    ctx = LintContext(objects, config, lint_options)
    result = lint(ctx, load_findings)
    out.findings = result.findings
    out.suppressed = result.suppressed
    if unit.kind != "manifests":
        _spell_like(unit, out.findings)
        _spell_like(unit, out.suppressed)
        out.findings.sort(key=Finding.sort_key)
        out.suppressed.sort(key=Finding.sort_key)
    subjects = [Finding("", "", "", obj.locate(), obj.ref) for obj in objects]
    if unit.kind != "manifests":
        _spell_like(unit, subjects)
    out.subjects = [(f.location.file, f.object) for f in subjects]
    if keep_objects:
        out.manifests = objects
    return out
