"""Report formats and where they go: ``--format`` for stdout, ``--output [FORMAT=]FILE``
(repeatable) for files, so one run writes several formats (docs/report-formats.md)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from kubeplan.errors import KubeplanError

FORMATS = ("text", "json", "sarif", "junit", "github")
_EXTENSIONS = ((".sarif", "sarif"), (".sarif.json", "sarif"), (".xml", "junit"), (".json", "json"), (".txt", "text"), (".log", "text"))


@dataclass(frozen=True)
class Output:
    format: str
    file: str  # "-" for stdout


def parse_output(spec: str) -> Output:
    """``sarif=out.sarif`` or ``out.sarif`` (the format from the extension)."""
    name, sep, rest = spec.partition("=")
    if sep and name in FORMATS:
        if not rest:
            raise KubeplanError(f"--output {spec!r}: no file after {name}=")
        return Output(name, rest)
    lowered = spec.lower()
    for suffix, fmt in sorted(_EXTENSIONS, key=lambda e: -len(e[0])):
        if lowered.endswith(suffix):
            return Output(fmt, spec)
    raise KubeplanError(
        f"--output {spec!r}: say the format, e.g. sarif={spec} (formats: {', '.join(FORMATS)}), "
        "or use a file name ending in .sarif, .xml, .json or .txt"
    )


@dataclass
class ReportInputs:
    """Everything a format may need; built once per run."""

    report: object  # LintReport with the findings to show (new ones, with a baseline)
    full_report: object  # LintReport with every finding (SARIF marks baseline states)
    subjects: list
    comparison: object = None  # baseline Comparison
    policy_paths: tuple = ()
    color: bool = False
    plan_text: str = ""  # check: the plan part of the text report
    plan: object = None  # check: the Plan (JSON gains a "plan" member)


def render(fmt: str, inputs: ReportInputs, to_terminal: bool = False) -> str:
    if fmt == "text":
        from kubeplan.report.text import render as text

        out = text(inputs.report, color=inputs.color and to_terminal)
        return out + (("\n" + inputs.plan_text) if inputs.plan_text else "")
    if fmt == "json":
        from kubeplan.report.json_report import render as as_json

        text = as_json(inputs.report)
        if inputs.plan is not None:
            import json

            document = json.loads(text)
            document["plan"] = inputs.plan.to_json()
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        return text
    if fmt == "sarif":
        from kubeplan.pipeline.rules import rule_table
        from kubeplan.report.sarif import render as sarif, rule_ids_of

        rules = rule_table(rule_ids_of(inputs.full_report, inputs.comparison), inputs.policy_paths)
        return sarif(inputs.full_report, rules, inputs.comparison)
    if fmt == "junit":
        from kubeplan.report.junit import render as junit

        return junit(inputs.report, inputs.subjects)
    if fmt == "github":
        from kubeplan.report.github import render as github

        return github(inputs.report)
    raise KubeplanError(f"unknown format {fmt!r}")  # pragma: no cover - click checks the choice


def write_outputs(stdout_format: str, outputs, inputs: ReportInputs) -> None:
    """The stdout report, then each ``--output`` file (written whole, LF line ends)."""
    targets = [Output(stdout_format, "-")] + [o for o in outputs if o.file != "-"]
    stdout_override = [o for o in outputs if o.file == "-"]
    if stdout_override:
        targets[0] = stdout_override[-1]
    for target in targets:
        text = render(target.format, inputs, to_terminal=target.file == "-")
        if target.file == "-":
            sys.stdout.write(text)
            continue
        directory = os.path.dirname(target.file)
        try:
            if directory:
                os.makedirs(directory, exist_ok=True)
            with open(target.file, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise KubeplanError(f"cannot write the {target.format} report: {exc.strerror}", target.file) from None
