"""``kubeplan check PATH... [--cluster FILE]``: render, lint and plan in one run, with one
report and one exit code (0 clean; 1 findings at or above --fail-on, or pods that cannot be
placed; 2 could not run)."""

from __future__ import annotations

import click

from kubeplan.cli import EXIT_CODES_HELP
from kubeplan.pipeline.command import input_options, lint_options, report_options


@click.command(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True)
@click.option("--cluster", "cluster_paths", multiple=True, metavar="FILE", help="Cluster snapshot to plan against (kubectl get ... -o yaml; repeatable). Default: kubeplan's default cluster.")
@click.option("--plan/--no-plan", "with_plan", default=True, show_default=True, help="Dry-run controllers and scheduler after linting.")
@report_options
@lint_options
@input_options
def check(paths, cluster_paths, with_plan, **params):
    """Render, lint and plan PATHS (files, directories, charts, kustomizations, or - for stdin)."""
    import os

    from kubeplan.pipeline import plan_step
    from kubeplan.pipeline.command import Progress, finish, note, settings_from
    from kubeplan.pipeline.run import run_pipeline

    plan_wanted = with_plan and plan_step.available()
    if with_plan and not plan_wanted:
        # said even with --quiet: the run is not what the user asked for
        note("plan: not available in this kubeplan (render and lint only)", False)
    progress = Progress.for_stderr(params["quiet"])
    try:
        result = run_pipeline(paths, settings_from(params, keep_objects=plan_wanted, progress=progress))
    finally:
        progress.close()
    outcome = None
    if plan_wanted:
        import sys

        color = params["color"] if params["color"] is not None else sys.stdout.isatty()
        objects, left_out = plan_step.admissible(result.objects, result.report.findings)
        if left_out:
            note(f"plan: {left_out} object{'s' if left_out != 1 else ''} left out: the API server would reject them (schema errors)", params["quiet"])
        outcome = plan_step.run_plan(objects, cluster_paths, color=color)
        if outcome.problem is not None and all(not os.path.isabs(p) for p in paths):
            outcome.problem.location = plan_step.relative(outcome.problem.location)
        extra = ([outcome.problem] if outcome.problem is not None else []) + (outcome.findings or [])
        if extra:
            result.report.findings = sorted(result.report.findings + extra, key=lambda f: f.sort_key())
    elif cluster_paths:
        note("plan: --cluster not used (no plan)", params["quiet"])
    plan_text = outcome.text if outcome else ""
    failed = bool(outcome and outcome.unplaced)
    return finish(result, params, plan_text=plan_text, plan_failed=failed, plan=outcome.plan if outcome else None)
