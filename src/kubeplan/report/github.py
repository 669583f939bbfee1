"""``--format github``: GitHub Actions workflow commands, one per finding, which GitHub
shows as annotations on the pull request's diff:

``::error file=app.yaml,line=6,col=12,title=schema-type::metadata.labels.x: expected ...``

Severity maps to ``error``, ``warning`` and ``notice``; values are escaped as the runner
expects (``%``, CR, LF everywhere; ``:`` and ``,`` inside properties).
"""

from __future__ import annotations

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report) -> str:
    lines = []
    for f in report.findings:
        loc = f.location
        props = [f"file={_property(loc.file)}"]
        if loc.line:
            props.append(f"line={loc.line}")
            props.append(f"col={loc.column or 1}")
        props.append(f"title={_property(f.rule)}")
        message = f.message + (f" ({f.object})" if f.object and str(f.object) else "")
        lines.append(f"::{_COMMANDS.get(f.severity, 'warning')} {','.join(props)}::{_data(message)}")
    return "".join(line + "\n" for line in lines)
