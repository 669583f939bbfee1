"""The lint pipeline as one function, callable from Python and from every command.

The work is done by ``kubeplan.pipeline`` (discovery of charts, kustomizations and plain
manifests, rendering, linting unit by unit); this keeps the foundation's entry point.
"""

from __future__ import annotations

from kubeplan.model.loading import DEFAULT_MAX_FILE_SIZE


def lint_paths(paths, *, config_path=None, exclude=(), max_file_size=DEFAULT_MAX_FILE_SIZE, options=None, **settings):
    """Load (or render), lint and summarise ``paths``; returns (LintReport, Config).

    ``settings`` are further PipelineSettings fields (render, jobs, shard, progress).
    """
    result = lint_pipeline(paths, config_path=config_path, exclude=exclude, max_file_size=max_file_size, options=options, **settings)
    return result.report, result.config


def lint_pipeline(paths, *, config_path=None, exclude=(), max_file_size=DEFAULT_MAX_FILE_SIZE, options=None, **settings):
    """Like ``lint_paths`` but returns the whole PipelineResult (units, subjects, notes)."""
    from kubeplan.pipeline.run import PipelineSettings, run_pipeline

    return run_pipeline(
        paths,
        PipelineSettings(
            config_path=config_path,
            exclude=tuple(exclude),
            max_file_size=max_file_size,
            lint_options=dict(options or {}),
            **settings,
        ),
    )
