"""``kubeplan render DIR``: a chart as `helm template` prints it, a kustomization as
`kustomize build` prints it."""

from __future__ import annotations

import sys

import click

from kubeplan.errors import KubeplanError


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=click.Path(file_okay=False))
# chart options (as `helm template`)
@click.option("-f", "--values", "values_files", multiple=True, help="Chart values file (repeatable, later wins).")
@click.option("--set", "set_values", multiple=True, help="Set values (Helm's --set syntax).")
@click.option("--set-string", "set_string", multiple=True, help="Set STRING values.")
@click.option("--set-file", "set_file", multiple=True, help="Set values from files (key=path).")
@click.option("--set-json", "set_json", multiple=True, help="Set JSON values (key=json).")
@click.option("--set-literal", "set_literal", multiple=True, help="Set a literal STRING value.")
@click.option("--release-name", default="release-name", show_default=True)
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("--kube-version", default=None, help="Kubernetes version for Capabilities.KubeVersion.")
@click.option("-a", "--api-versions", multiple=True, help="Extra API versions for Capabilities.APIVersions.")
@click.option("-s", "--show-only", multiple=True, help="Only templates matching this path.")
@click.option("--output-dir", default=None, help="Write each template to a file under this directory.")
@click.option("--include-crds", is_flag=True, help="Include CRDs from the chart's crds/ directory.")
@click.option("--no-hooks", is_flag=True, help="Leave out hook resources.")
@click.option("--seed", default=0, type=int, show_default=True, help="Seed for random template functions.")
@click.option("--now", default=None, help="Fixed time for time functions (RFC 3339).")
# kustomize options (as `kustomize build`)
@click.option(
    "--load-restrictor",
    type=click.Choice(["LoadRestrictionsRootOnly", "LoadRestrictionsNone", "rootonly", "none"]),
    default="LoadRestrictionsRootOnly",
    show_default=True,
    help="Whether a kustomization may read files outside its root.",
)
def render(path, load_restrictor, **chart_options):
    """Render the chart or kustomization in PATH to a YAML stream on stdout."""
    from kubeplan.renderer import detect

    kind = detect(path)
    if kind == "kustomize":
        from kubeplan.renderer.kustomize import build

        result = build(path, load_restrictor=load_restrictor)
    elif kind == "chart":
        from kubeplan.renderer.chart import render_chart

        result = render_chart(path, **chart_options)
    else:
        raise KubeplanError(
            f"{path}: neither a chart (Chart.yaml) nor a kustomization (kustomization.yaml, kustomization.yml, Kustomization)"
        )
    for warning in result.warnings:
        click.echo(f"kubeplan: warning: {warning}", err=True)
    if result.text:
        sys.stdout.write(result.text)
