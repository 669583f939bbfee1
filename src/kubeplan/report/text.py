"""``--format text``: compiler-style lines, then one summary line.

``file:line:col: severity [rule] message (Kind namespace/name)``
"""

from __future__ import annotations

from kubeplan.report import LintReport

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(report: LintReport, color: bool = False) -> str:
    lines = []
    for f in report.findings:
        loc = f.location
        where = f"{loc.file}:{loc.line or 1}:{loc.column or 1}"
        severity = f"{_COLORS.get(f.severity, '')}{f.severity}{_RESET}" if color else f.severity
        subject = f" ({f.object})" if f.object and str(f.object) else ""
        lines.append(f"{where}: {severity} [{f.rule}] {f.message}{subject}")
    counts = report.counts()
    summary = (
        f"{_plural(report.files, 'file')}, {_plural(report.objects, 'object')}: "
        f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info"
    )
    if report.suppressed:
        summary += f" ({len(report.suppressed)} suppressed)"
    lines.append(summary)
    return "\n".join(lines) + "\n"
