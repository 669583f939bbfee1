"""Go-template charts through Helm's own engine (helm-python-sdk, the ``kubeplan[helm]``
extra). The wrapper renders templates to text; we do what ``helm template`` does around
that (documents, install order, CRDs, output), so both engines share ``output``."""

from __future__ import annotations

import os

from kubeplan.errors import KubeplanError

INSTALL_HINT = "this chart uses Go templates, which need Helm's engine: pip install 'kubeplan[helm]'"


def load_helm():
    try:
        import helm_python
    except ImportError:
        return None
    return helm_python


def render_go_chart(chart, given_values: dict, *, release_name: str, namespace: str, is_upgrade: bool = False) -> dict:
    """{Helm template name: rendered text} from Helm's engine."""
    helm = load_helm()
    if helm is None:
        raise KubeplanError(INSTALL_HINT, chart.chart_yaml)
    origin = chart.origin
    if not os.path.exists(origin):
        raise KubeplanError("cannot find the chart for Helm's engine", origin)
    try:
        helm_chart = helm.Chart.load(origin)
    except helm.HelmError as exc:
        raise KubeplanError(f"helm could not load the chart: {_one_line(exc)}", chart.chart_yaml) from None
    try:
        with helm_chart:
            return helm_chart.render(
                given_values, name=release_name, namespace=namespace, revision=1,
                is_install=not is_upgrade, is_upgrade=is_upgrade,
            )
    except helm.HelmError as exc:
        raise _render_error(exc, chart) from None


def _one_line(exc) -> str:
    text = str(exc).strip()
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _render_error(exc, chart) -> KubeplanError:
    """Helm's 'template: web/templates/x.yaml:12:3: executing ...' as file:line."""
    import re

    message = _one_line(exc)
    # "execution error at (web/templates/x.yaml:2:6): need x", "parse error at (...:2): ..."
    match = re.search(r"(\w[\w ]*error) at \(([^:()\s]+):(\d+)(?::(\d+))?\): (.*)", message)
    if match is None:  # Go's own "template: web/templates/x.yaml:12:3: executing ..."
        match = re.search(r"()template: ([^:\s]+):(\d+)(?::(\d+))?: (.*)", message)
    if match:
        kind, name, line, column, rest = match.groups()
        prefix = f"{kind}: " if kind else "template error: "
        return KubeplanError(f"{prefix}{rest}", disk_path(chart, name), int(line), int(column) if column else None)
    return KubeplanError(f"helm: {message}", chart.chart_yaml)


def disk_path(chart, helm_name: str) -> str:
    """The file on disk of a Helm template name ("web/charts/db/templates/x.yaml")."""
    parts = helm_name.split("/")
    current = chart
    index = 1
    while index + 1 < len(parts) and parts[index] == "charts":
        sub = next((c for c in current.dependencies if c.name == parts[index + 1]), None)
        if sub is None:
            break
        current = sub
        index += 2
    return current.path_of("/".join(parts[index:]))
