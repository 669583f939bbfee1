"""``kubeplan policies list | explain ID | test PATH...``."""

from __future__ import annotations

import json
import sys

import click

HELP = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=HELP)
def policies():
    """List, explain and test policies (built-in packs and your own)."""


@policies.command("list", context_settings=HELP)
@click.option("--policy", "paths", multiple=True, help="Also list the policies in this file or directory (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_(paths, fmt):
    """Every policy: ID, severity and one-line summary."""
    from kubeplan.linter.cel.catalog import catalog

    entries = catalog(paths)
    if fmt == "json":
        sys.stdout.write(json.dumps([e.to_json() for e in entries], indent=2, sort_keys=True) + "\n")
        return
    if not entries:
        click.echo("no policies")
        return
    width = max(len(e.id) for e in entries)
    for e in entries:
        click.echo(f"{e.id:<{width}}  {e.severity:<7}  {e.summary}")


@policies.command(context_settings=HELP)
@click.argument("policy_id")
@click.option("--policy", "paths", multiple=True, help="Also look in this file or directory (repeatable).")
def explain(policy_id, paths):
    """Print the documentation of policy POLICY_ID."""
    from kubeplan.linter.cel.catalog import find

    entry = find(policy_id, paths)
    click.echo(entry.explain())


@policies.command(context_settings=HELP)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show the findings of every case, not only of failing ones.")
def test(paths, fmt, verbose):
    """Run the policy tests (*.test.yaml) in PATHS; exit 1 if a case fails."""
    from kubeplan.linter.cel.policy_tests import run_files

    results = run_files(paths)
    failed = [r for r in results if not r.passed]
    if fmt == "json":
        out = {"version": 1, "cases": len(results), "failed": len(failed), "results": [r.to_json() for r in results]}
        sys.stdout.write(json.dumps(out, indent=2, sort_keys=True) + "\n")
    else:
        for r in results:
            status = "PASS" if r.passed else "FAIL"
            line = f"{status} {r.test}: {r.case}"
            if not r.passed:
                line += f"  ({r.file}:{r.line}: {r.detail})"
            click.echo(line)
            if verbose or not r.passed:
                for f in r.findings:
                    click.echo(f"    {f.severity} [{f.rule}] {f.message}" + (f" at {f.path}" if f.path else ""))
        click.echo(f"{len(results)} cases, {len(results) - len(failed)} passed, {len(failed)} failed")
    if not results:
        from kubeplan.errors import KubeplanError

        raise KubeplanError(f"no policy tests (*.test.yaml) in {', '.join(paths)}")
    sys.exit(1 if failed else 0)
