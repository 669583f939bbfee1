"""``kubeplan rbac``: effective permissions of the RBAC objects in the input."""

from __future__ import annotations

import json
import sys

import click


def _model(paths):
    from kubeplan.analysis.rbac import RbacModel
    from kubeplan.model.loading import load_paths

    loaded = load_paths(paths or (".",))
    for finding in loaded.findings:
        click.echo(f"kubeplan: warning: {finding.location}: {finding.message}", err=True)
    return RbacModel(loaded.objects)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def rbac():
    """Answer RBAC questions from the Roles, ClusterRoles and bindings in the input."""


@rbac.command("can-i")
@click.argument("subject")
@click.argument("verb")
@click.argument("resource")
@click.argument("paths", nargs=-1)
@click.option("-n", "--namespace", default=None, help="Namespace of the request (default: default).")
@click.option("-A", "--all-namespaces", is_flag=True, help="Only grants that hold in every namespace.")
@click.option("--name", "resource_name", default="", help="Name of the object (for resourceNames rules).")
@click.option("--explain", is_flag=True, help="Say which binding and role allow it.")
def can_i(subject, verb, resource, paths, namespace, all_namespaces, resource_name, explain):
    """Can SUBJECT do VERB on RESOURCE? Prints yes or no; exit 0 for yes, 1 for no (as kubectl auth can-i).

    SUBJECT is system:serviceaccount:NS:NAME, user:NAME or group:NAME; RESOURCE as kubectl takes it
    (pods, pods/exec, deployments.apps, /healthz). PATHS hold the manifests (default: .).
    """
    from dataclasses import replace

    from kubeplan.analysis.rbac import Subject

    model = _model(paths)
    who = Subject.parse(subject)
    request = model.request(verb, resource, namespace, all_namespaces)
    if resource_name:
        request = replace(request, name=resource_name)
    grants = model.grants(who, request)
    click.echo("yes" if grants else "no")
    if explain:
        for grant in grants:
            click.echo(f"  via {grant.describe()}")
    return 0 if grants else 1


@rbac.command("who-can")
@click.argument("verb")
@click.argument("resource")
@click.argument("paths", nargs=-1)
@click.option("-n", "--namespace", default=None, help="Namespace of the request (default: default).")
@click.option("-A", "--all-namespaces", is_flag=True)
@click.option("--name", "resource_name", default="")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def who_can(verb, resource, paths, namespace, all_namespaces, resource_name, fmt):
    """Which subjects may do VERB on RESOURCE, and through which binding and role."""
    from dataclasses import replace

    from kubeplan.analysis.rbac import subject_text

    model = _model(paths)
    request = model.request(verb, resource, namespace, all_namespaces)
    if resource_name:
        request = replace(request, name=resource_name)
    rows = sorted(
        ((subject_text(s), g) for s, g in model.who_can(request)),
        key=lambda r: (r[0], r[1].binding_kind, r[1].binding_namespace, r[1].binding_name),
    )
    if fmt == "json":
        doc = {
            "version": 1,
            "request": {"verb": verb, "resource": request.resource_text, "namespace": request.namespace},
            "subjects": [
                {
                    "subject": text,
                    "binding": {"kind": g.binding_kind, "namespace": g.binding_namespace, "name": g.binding_name},
                    "role": {"kind": g.role_kind, "name": g.role_name},
                }
                for text, g in rows
            ],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return 0
    where = f" in namespace {request.namespace}" if request.namespace else ""
    if not rows:
        click.echo(f"No subject can {verb} {request.resource_text}{where}.")
        return 0
    width = max(len(t) for t, _ in rows)
    click.echo(f"{'SUBJECT'.ljust(width)}  VIA")
    for text, grant in rows:
        click.echo(f"{text.ljust(width)}  {grant.describe()}")
    return 0
