"""Run every unit of the inputs (on a process pool with ``jobs > 1``) and merge the results
into one report. Units never see each other, so the merged output is the same whatever the
number of jobs and whatever order the workers finish in."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubeplan.model.loading import DEFAULT_MAX_FILE_SIZE
from kubeplan.pipeline.units import RenderOptions, run_unit


@dataclass
class PipelineSettings:
    config_path: str | None = None
    exclude: tuple = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    lint_options: dict = field(default_factory=dict)  # kube_version, crds, policies, pss_level, ...
    render: RenderOptions = field(default_factory=RenderOptions)
    jobs: int = 1
    shard: tuple = (1, 1)
    keep_objects: bool = False  # keep the ManifestObjects (check plans them)
    progress: object = None  # callable(done, total, unit), optionally with .file(done, total, path)
    ignore_files: tuple = ()  # the run's baseline and report files: never manifests


@dataclass
class PipelineResult:
    report: object  # LintReport
    config: object  # Config
    units: list
    subjects: list  # (file, ObjectRef) of every valid object, unit by unit
    warnings: list  # renderer notes
    notes: list  # discovery decisions
    objects: list  # ManifestObjects (only with keep_objects)


def _dedupe_key(finding):
    # two overlays built on one base report the base's problem twice; say it once
    return (finding.sort_key(), finding.severity, finding.path, finding.object, tuple(finding.related))


def _merge(findings: list) -> list:
    seen = set()
    out = []
    for finding in sorted(findings, key=lambda f: (f.sort_key(), f.severity, f.path, str(f.object or ""))):
        key = _dedupe_key(finding)
        if key in seen:
            continue
        seen.add(key)
        out.append(finding)
    return out


def _run_all(units, config, settings: PipelineSettings) -> list:
    args = (config, settings.lint_options, settings.render, settings.max_file_size, settings.keep_objects)
    progress = settings.progress
    total = len(units)
    jobs = max(1, min(settings.jobs, total))
    if any("-" in unit.files for unit in units):
        jobs = 1  # worker processes do not inherit stdin
    if jobs == 1:
        results = []
        on_file = getattr(progress, "file", None)
        for done, unit in enumerate(units, 1):
            results.append(run_unit(unit, *args, on_file=on_file))
            if progress:
                progress(done, total, unit)
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results = [None] * total
    # the first unit runs here: schemas and compiled policies are cached in this process
    # before the pool starts, and workers forked from it start warm
    results[0] = run_unit(units[0], *args)
    if progress:
        progress(1, total, units[0])
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_unit, unit, *args): i for i, unit in enumerate(units) if i > 0}
        for done, future in enumerate(as_completed(futures), 2):
            index = futures[future]
            results[index] = future.result()
            if progress:
                progress(done, total, units[index])
    return results


def run_pipeline(paths, settings: PipelineSettings | None = None) -> PipelineResult:
    """Discover, render, load and lint ``paths``; one merged report."""
    from kubeplan.linter.config import load_config
    from kubeplan.pipeline.discovery import discover, shard
    from kubeplan.report import LintReport

    settings = settings or PipelineSettings()
    config = load_config(settings.config_path)
    excludes = tuple(settings.exclude) + tuple(config.get("exclude") or ())
    lint_options = dict(settings.lint_options)
    if not lint_options.get("policies") and config.get("policies"):
        lint_options["policies"] = tuple(config.get("policies"))
    settings.lint_options = lint_options
    found = discover(paths, exclude=excludes, base=config.base_dir, ignore_files=settings.ignore_files)
    units = shard(found.units, *settings.shard)
    results = _run_all(units, config, settings)
    report = LintReport(
        findings=_merge([f for r in results for f in r.findings]),
        suppressed=_merge([f for r in results for f in r.suppressed]),
        files=sum(len(r.files) for r in results),
        objects=sum(r.objects for r in results),
    )
    return PipelineResult(
        report=report,
        config=config,
        units=units,
        subjects=[s for r in results for s in r.subjects],
        warnings=[w for r in results for w in r.warnings],
        notes=found.notes,
        objects=[o for r in results for o in r.manifests],
    )


def collect_objects(paths, settings: PipelineSettings | None = None) -> tuple:
    """(objects, findings) of ``paths`` rendered or loaded as ``lint`` reads them, without
    linting: for commands that only need the objects (``plan``). ``findings`` are the
    problems reading them (YAML errors, invalid objects, units that do not render)."""
    from kubeplan.linter.config import load_config
    from kubeplan.pipeline.discovery import discover, shard
    from kubeplan.pipeline.units import read_unit

    settings = settings or PipelineSettings()
    config = load_config(settings.config_path)
    excludes = tuple(settings.exclude) + tuple(config.get("exclude") or ())
    found = discover(paths, exclude=excludes, base=config.base_dir, ignore_files=settings.ignore_files)
    objects, findings = [], []
    for unit in shard(found.units, *settings.shard):
        unit_objects, unit_findings = read_unit(unit, settings.render, settings.max_file_size)
        objects.extend(unit_objects)
        findings.extend(unit_findings)
    return objects, sorted(findings, key=lambda f: f.sort_key())
