"""Fixtures for chart tests: tiny charts written on the fly, one per engine."""

from __future__ import annotations

import os
import textwrap

ENGINE_ANNOTATION = "  kubeplan.io/template-engine: jinja2\n"


def write_chart(root, name, *, engine="jinja2", values="", templates=None, extra_chart_yaml="", files=None,
                chart_type="application", version="0.1.0"):
    """Write a chart directory; ``templates`` maps file name -> text (dedented)."""
    os.makedirs(os.path.join(root, "templates"), exist_ok=True)
    annotations = f"annotations:\n{ENGINE_ANNOTATION}" if engine == "jinja2" else ""
    with open(os.path.join(root, "Chart.yaml"), "w") as fh:
        fh.write(
            f"apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"1.0\"\ntype: {chart_type}\n"
            f"{annotations}{textwrap.dedent(extra_chart_yaml)}"
        )
    with open(os.path.join(root, "values.yaml"), "w") as fh:
        fh.write(textwrap.dedent(values))
    for rel, text in (templates or {}).items():
        path = os.path.join(root, "templates", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(textwrap.dedent(text))
    for rel, text in (files or {}).items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(textwrap.dedent(text))
    return str(root)


EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "charts")
JINJA_EXAMPLE = os.path.normpath(os.path.join(EXAMPLES, "webapp"))
GO_EXAMPLE = os.path.normpath(os.path.join(EXAMPLES, "webapp-go"))
