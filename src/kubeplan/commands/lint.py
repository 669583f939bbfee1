"""``kubeplan lint PATH...``: schema, Pod Security Standards and policy findings."""

from __future__ import annotations

import sys

import click

from kubeplan.cli import EXIT_CODES_HELP


@click.command(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "none"]),
    default=None,
    help="Lowest severity that makes the exit code 1.  [default: error]",
)
@click.option("--kube-version", default=None, help="Kubernetes version whose schemas to use (default: newest shipped).")
@click.option("--crd", "crds", multiple=True, help="CustomResourceDefinition file or directory (repeatable).")
@click.option("--policy", "policies", multiple=True, help="Policy file or directory: ValidatingAdmissionPolicy or kubeplan Policy (repeatable).")
@click.option("--pss-level", type=click.Choice(["privileged", "baseline", "restricted"]), default=None, help="Enforce this Pod Security Standards level.")
@click.option("--pss-version", default=None, help="Pod Security Standards policy version (v1.0 ... latest).")
@click.option("--config", "config_path", default=None, help="Configuration file (default: .kubeplan.yaml found upward).")
@click.option("--exclude", multiple=True, help="Glob of paths not to read (repeatable).")
@click.option("--max-file-size", default=20, type=int, show_default=True, help="Largest file to read, in MiB.")
@click.option("--color/--no-color", default=None, help="Colour the output (default: when stdout is a terminal).")
def lint(paths, fmt, fail_on, kube_version, crds, policies, pss_level, pss_version, config_path, exclude, max_file_size, color):
    """Validate the manifests in PATHS (files, directories, or - for stdin)."""
    from kubeplan.linter.run import lint_paths

    report, config = lint_paths(
        paths,
        config_path=config_path,
        exclude=exclude,
        max_file_size=max_file_size * 1024 * 1024,
        options={
            "kube_version": kube_version,
            "crds": crds,
            "policies": policies,
            "pss_level": pss_level,
            "pss_version": pss_version,
        },
    )
    if fmt == "json":
        from kubeplan.report.json_report import render

        sys.stdout.write(render(report))
    else:
        from kubeplan.report.text import render

        if color is None:
            color = sys.stdout.isatty()
        sys.stdout.write(render(report, color=color))
    from kubeplan.linter.engine import exit_code

    return exit_code(report.findings, fail_on or config.get("fail_on") or "error")
