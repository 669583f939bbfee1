"""``kubeplan lint PATH...``: schema, Pod Security Standards and policy findings.

PATHS are read as ``kubeplan render`` reads them (plain files and directories, ``-`` for
stdin, charts, kustomizations); a repository root is split into charts, kustomizations and
plain manifests as docs/pipeline.md describes.
"""

from __future__ import annotations

import click

from kubeplan.cli import EXIT_CODES_HELP
from kubeplan.pipeline.command import input_options, lint_options, report_options


@click.command(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True)
@report_options
@lint_options
@input_options
def lint(paths, **params):
    """Validate the manifests in PATHS (files, directories, charts, kustomizations, or - for stdin)."""
    from kubeplan.pipeline.command import Progress, finish, settings_from
    from kubeplan.pipeline.run import run_pipeline

    progress = Progress.for_stderr(params["quiet"])
    try:
        result = run_pipeline(paths, settings_from(params, progress=progress))
    finally:
        progress.close()
    return finish(result, params)
