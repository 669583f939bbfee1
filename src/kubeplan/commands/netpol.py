"""``kubeplan netpol``: NetworkPolicy connectivity between the workloads of the input."""

from __future__ import annotations

import json
import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def netpol():
    """Answer NetworkPolicy questions from the policies, workloads and namespaces in the input."""


@netpol.command("matrix")
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def matrix(paths, fmt):
    """Which workload may reach which, and on which ports (PATHS default: .)."""
    from kubeplan.analysis import netpol as np
    from kubeplan.model.loading import load_paths

    loaded = load_paths(paths or (".",))
    for finding in loaded.findings:
        click.echo(f"kubeplan: warning: {finding.location}: {finding.message}", err=True)
    rows = np.matrix(loaded.objects)
    if fmt == "json":
        doc = {
            "version": 1,
            "allowed": [{"from": s.ref(), "to": d.ref(), "ports": np.ports_json(p)} for s, d, p in rows],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    if not rows:
        click.echo("No traffic is allowed between the workloads of the input.")
        return 0
    width_from = max(len("FROM"), *(len(s.label()) for s, _, _ in rows))
    width_to = max(len("TO"), *(len(d.label()) for _, d, _ in rows))
    click.echo(f"{'FROM'.ljust(width_from)}  {'TO'.ljust(width_to)}  PORTS")
    for src, dst, ports in rows:
        click.echo(f"{src.label().ljust(width_from)}  {dst.label().ljust(width_to)}  {np.ports_text(ports)}")
    return 0
