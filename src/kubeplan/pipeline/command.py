"""What ``lint`` and ``check`` share on the command line: the input options (as ``render``
takes them), the run options (--jobs, --shard, --exclude) and the report options
(--format, --output, --baseline, --quiet, --verbose), and the code that turns a
PipelineResult into reports and an exit code."""

from __future__ import annotations

import sys

import click

from kubeplan.errors import KubeplanError


def _apply(options, function):
    for option in reversed(options):
        function = option(function)
    return function


def input_options(function):
    """Plain files/dirs/stdin, charts (``-f``, ``--set*``, ``--release-name``,
    ``--namespace``) and kustomizations, as ``kubeplan render`` reads them."""
    return _apply(
        [
            click.option("-f", "--values", "values_files", multiple=True, help="Chart values file (repeatable, later wins)."),
            click.option("--set", "set_values", multiple=True, help="Set chart values (Helm's --set syntax)."),
            click.option("--set-string", "set_string", multiple=True, help="Set chart STRING values."),
            click.option("--set-file", "set_file", multiple=True, help="Set chart values from files (key=path)."),
            click.option("--set-json", "set_json", multiple=True, help="Set chart JSON values (key=json)."),
            click.option("--set-literal", "set_literal", multiple=True, help="Set a literal chart STRING value."),
            click.option("--release-name", default="release-name", show_default=True, help="Release name for charts."),
            click.option("-n", "--namespace", default="default", show_default=True, help="Release namespace for charts."),
            click.option(
                "--load-restrictor",
                type=click.Choice(["LoadRestrictionsRootOnly", "LoadRestrictionsNone", "rootonly", "none"]),
                default="LoadRestrictionsRootOnly",
                show_default=True,
                help="Whether a kustomization may read files outside its root.",
            ),
            click.option("--exclude", multiple=True, help="Glob of paths not to read (repeatable)."),
            click.option("--max-file-size", default=20, type=int, show_default=True, help="Largest file to read, in MiB."),
            click.option("-j", "--jobs", default=1, type=click.IntRange(1, 256), show_default=True, help="Render and lint independent inputs on N processes (same output as 1)."),
            click.option("--shard", default=None, metavar="I/N", help="Only the I-th of N deterministic slices of the inputs (a CI matrix)."),
        ],
        function,
    )


def lint_options(function):
    return _apply(
        [
            click.option(
                "--fail-on",
                type=click.Choice(["error", "warning", "info", "none"]),
                default=None,
                help="Lowest severity that makes the exit code 1.  [default: error]",
            ),
            click.option("--kube-version", default=None, help="Kubernetes version whose schemas to use (default: newest shipped)."),
            click.option("--crd", "crds", multiple=True, help="CustomResourceDefinition file or directory (repeatable)."),
            click.option("--policy", "policies", multiple=True, help="Policy file or directory: ValidatingAdmissionPolicy or kubeplan Policy (repeatable)."),
            click.option("--pss-level", type=click.Choice(["privileged", "baseline", "restricted"]), default=None, help="Enforce this Pod Security Standards level."),
            click.option("--pss-version", default=None, help="Pod Security Standards policy version (v1.0 ... latest)."),
            click.option("--config", "config_path", default=None, help="Configuration file (default: .kubeplan.yaml found upward)."),
        ],
        function,
    )


def report_options(function):
    from kubeplan.pipeline.outputs import FORMATS

    return _apply(
        [
            click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Report format on stdout."),
            click.option("-o", "--output", "outputs", multiple=True, metavar="[FORMAT=]FILE", help="Also write a report to FILE (repeatable), e.g. sarif=kubeplan.sarif."),
            click.option("--baseline", "baseline_path", default=None, metavar="FILE", help="Fail only on findings not in this baseline; list the ones fixed."),
            click.option("--write-baseline", "write_baseline", default=None, metavar="FILE", help="Record the current findings as the baseline and exit 0."),
            click.option("--color/--no-color", default=None, help="Colour the output (default: when stdout is a terminal)."),
            click.option("-q", "--quiet", is_flag=True, help="Nothing on stderr but errors (no progress, notes or warnings)."),
            click.option("-v", "--verbose", is_flag=True, help="Say on stderr what was rendered, what was skipped and why."),
        ],
        function,
    )


class Progress:
    """``[3/40] chart charts/web`` (or ``[250/3000 files] path``) on one stderr line, only
    for a terminal and many inputs."""

    MANY_FILES = 100

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.shown = False

    @classmethod
    def for_stderr(cls, quiet: bool) -> "Progress":
        return cls(not quiet and sys.stderr.isatty())

    def __call__(self, done, total, unit):
        if not self.enabled or total < 2:
            return
        sys.stderr.write(f"\r\033[K[{done}/{total}] {unit.label}")
        sys.stderr.flush()
        self.shown = True

    def file(self, done, total, path):
        """Files of a plain-manifests unit, for runs over many files."""
        if not self.enabled or total < self.MANY_FILES or (done % 25 and done != total):
            return
        sys.stderr.write(f"\r\033[K[{done}/{total} files] {path}")
        sys.stderr.flush()
        self.shown = True

    def close(self):
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def settings_from(params: dict, keep_objects=False, progress=None):
    """PipelineSettings from the click parameters of input_options and lint_options."""
    from kubeplan.pipeline.discovery import parse_shard
    from kubeplan.pipeline.run import PipelineSettings
    from kubeplan.pipeline.units import RenderOptions

    restrictor = {"rootonly": "LoadRestrictionsRootOnly", "none": "LoadRestrictionsNone"}.get(
        params["load_restrictor"], params["load_restrictor"]
    )
    render = RenderOptions(
        values_files=tuple(params["values_files"]),
        set_values=tuple(params["set_values"]),
        set_string=tuple(params["set_string"]),
        set_file=tuple(params["set_file"]),
        set_json=tuple(params["set_json"]),
        set_literal=tuple(params["set_literal"]),
        release_name=params["release_name"],
        namespace=params["namespace"],
        kube_version=params["kube_version"],
        load_restrictor=restrictor,
    )
    if params["max_file_size"] < 1:
        raise KubeplanError("--max-file-size must be at least 1 (MiB)")
    return PipelineSettings(
        config_path=params["config_path"],
        exclude=tuple(params["exclude"]),
        max_file_size=params["max_file_size"] * 1024 * 1024,
        lint_options={
            "kube_version": params["kube_version"],
            "crds": tuple(params["crds"]),
            "policies": tuple(params["policies"]),
            "pss_level": params["pss_level"],
            "pss_version": params["pss_version"],
        },
        render=render,
        jobs=params["jobs"],
        shard=parse_shard(params["shard"]) if params["shard"] else (1, 1),
        keep_objects=keep_objects,
        progress=progress,
        ignore_files=_own_files(params),
    )


def _own_files(params: dict) -> tuple:
    """Files this run reads or writes as reports; a directory walk must not lint them."""
    from kubeplan.pipeline.outputs import parse_output

    files = [params.get("baseline_path"), params.get("write_baseline")]
    for spec in params.get("outputs") or ():
        try:
            files.append(parse_output(spec).file)
        except KubeplanError:
            pass  # reported when the outputs are written
    return tuple(f for f in files if f and f != "-")


def note(message: str, quiet: bool) -> None:
    if not quiet:
        click.echo(f"kubeplan: {message}", err=True)


def finish(result, params: dict, plan_text: str = "", plan_failed: bool = False, plan=None) -> int:
    """Write the reports of ``result`` (a PipelineResult) and return the exit code."""
    from kubeplan.linter.engine import exit_code
    from kubeplan.pipeline.outputs import ReportInputs, parse_output, write_outputs
    from kubeplan.report import LintReport

    quiet, verbose = params["quiet"], params["verbose"]
    outputs = [parse_output(spec) for spec in params["outputs"]]
    if verbose and not quiet:
        for unit in result.units:
            note(f"input: {unit.label}", quiet)
        for line in result.notes:
            note(line, quiet)
    for warning in result.warnings:
        note(f"warning: {warning}", quiet)

    full = result.report
    shown, comparison = full, None
    if params["baseline_path"]:
        from kubeplan.report.baseline import compare, load

        comparison = compare(full.findings, load(params["baseline_path"]))
        shown = LintReport(findings=comparison.new, suppressed=full.suppressed, files=full.files, objects=full.objects)
        note(
            f"baseline: {len(comparison.new)} new, {len(comparison.known)} in the baseline (not failing), "
            f"{len(comparison.fixed)} fixed",
            quiet,
        )
        for entry in comparison.fixed:
            where = f"{entry.get('file')}: [{entry.get('rule')}] {entry.get('message')}"
            if entry.get("object"):
                where += f" ({entry['object']})"
            note(f"fixed since the baseline: {where}", quiet)

    color = params["color"]
    if color is None:
        color = sys.stdout.isatty()
    inputs = ReportInputs(
        report=shown,
        full_report=full,
        subjects=result.subjects,
        comparison=comparison,
        policy_paths=tuple(params.get("policies") or ()),
        color=color,
        plan_text=plan_text,
        plan=plan,
    )
    write_outputs(params["fmt"], outputs, inputs)
    if params["write_baseline"]:
        from kubeplan.report.baseline import render as baseline_document

        try:
            with open(params["write_baseline"], "w", encoding="utf-8", newline="\n") as fh:
                fh.write(baseline_document(full.findings))
        except OSError as exc:
            raise KubeplanError(f"cannot write the baseline: {exc.strerror}", params["write_baseline"]) from None
        note(f"baseline: {len(full.findings)} findings recorded in {params['write_baseline']}", quiet)
        return 0
    fail_on = params["fail_on"] or result.config.get("fail_on") or "error"
    code = exit_code(shown.findings, fail_on)
    return 1 if plan_failed else code
