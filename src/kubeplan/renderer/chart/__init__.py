"""Charts as ``helm template`` renders them: Jinja2 charts with our own engine (with
template-line source maps), Go-template charts through Helm's engine.

``render_chart(path, **options)`` is the one entry point; see docs/charts.md.
"""

from __future__ import annotations

from kubeplan.errors import KubeplanError


def render_chart(
    path: str,
    *,
    values_files=(),
    set_values=(),
    set_string=(),
    set_file=(),
    set_json=(),
    set_literal=(),
    release_name: str = "release-name",
    namespace: str = "default",
    kube_version: str | None = None,
    api_versions=(),
    show_only=(),
    output_dir: str | None = None,
    include_crds: bool = False,
    no_hooks: bool = False,
    seed: int = 0,
    now: str | None = None,
):
    """Render the chart at ``path``; returns a RenderResult (objects, text, warnings)."""
    from kubeplan.renderer.chart.render import ChartRender

    options = dict(
        values_files=tuple(values_files or ()),
        set_values=tuple(set_values or ()),
        set_string=tuple(set_string or ()),
        set_file=tuple(set_file or ()),
        set_json=tuple(set_json or ()),
        set_literal=tuple(set_literal or ()),
        release_name=release_name or "release-name",
        namespace=namespace or "default",
        kube_version=kube_version,
        api_versions=tuple(api_versions or ()),
        show_only=tuple(show_only or ()),
        output_dir=output_dir,
        include_crds=bool(include_crds),
        no_hooks=bool(no_hooks),
        seed=int(seed or 0),
        now=now,
    )
    return ChartRender(path, **options).run()


__all__ = ["render_chart", "KubeplanError"]
