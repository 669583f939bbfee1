"""The lint pipeline as one function, callable from Python and from every command."""

from __future__ import annotations

from kubeplan.linter.config import load_config
from kubeplan.linter.engine import LintContext, lint
from kubeplan.model.loading import DEFAULT_MAX_FILE_SIZE, load_paths
from kubeplan.report import LintReport


def lint_paths(paths, *, config_path=None, exclude=(), max_file_size=DEFAULT_MAX_FILE_SIZE, options=None):
    """Load, lint and summarise ``paths``; returns (LintReport, Config)."""
    config = load_config(config_path)
    excludes = tuple(exclude) + tuple(config.get("exclude") or ())
    loaded = load_paths(paths, exclude=excludes, base=config.base_dir, max_file_size=max_file_size)
    options = dict(options or {})
    if not options.get("policies") and config.get("policies"):
        options["policies"] = tuple(config.get("policies"))
    ctx = LintContext(loaded.objects, config, options)
    result = lint(ctx, loaded.findings)
    report = LintReport(
        findings=result.findings,
        suppressed=result.suppressed,
        files=len(loaded.files),
        objects=len(loaded.objects) + loaded.invalid_objects,
    )
    return report, config
