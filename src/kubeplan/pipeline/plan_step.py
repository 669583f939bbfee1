"""The plan part of ``kubeplan check``: the rendered objects of the run through
``kubeplan.dryrun.plan.make_plan`` (controllers, admission, kube-scheduler) when this
kubeplan has it."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from kubeplan.errors import KubeplanError


@dataclass
class PlanOutcome:
    plan: object  # kubeplan.dryrun.plan.Plan, or None when it could not be made
    text: str  # the plan as text (report/plan_text)
    unplaced: int  # pods that cannot be placed
    problem: object = None  # a Finding when the manifests could not be planned
    findings: list = None  # plan-unschedulable findings, one per workload with unplaced pods


def available() -> bool:
    return importlib.util.find_spec("kubeplan.dryrun.plan") is not None


def admissible(objects, findings) -> tuple:
    """(objects the API server would accept, how many were left out): an object with a
    schema error is rejected on apply, so it never reaches controllers or scheduler."""
    rejected = {f.object for f in findings if f.object and f.severity == "error" and f.rule.startswith("schema-") and f.rule != "schema-missing"}
    kept = [obj for obj in objects if obj.ref not in rejected]
    return kept, len(objects) - len(kept)


def relative(location):
    """``location`` with an absolute file under the working directory made relative."""
    import os

    cwd = os.getcwd()
    if os.path.isabs(location.file) and (location.file + os.sep).startswith(cwd + os.sep):
        return location._replace(file=os.path.relpath(location.file, cwd))
    return location


def load_cluster(cluster_paths):
    """The Cluster of ``--cluster`` files, or kubeplan's default cluster."""
    from kubeplan.dryrun.cluster import Cluster

    if cluster_paths:
        from kubeplan.model.loading import load_paths

        loaded = load_paths(list(cluster_paths))
        for finding in loaded.findings:
            loc = finding.location
            raise KubeplanError(f"cluster: {finding.message}", loc.file, loc.line, loc.column)
        objects = loaded.objects
    else:
        from kubeplan.dryrun.defaults import default_cluster

        objects = default_cluster()
    return Cluster.from_objects(list(objects))


def run_plan(objects, cluster_paths=(), color: bool = False) -> PlanOutcome | None:
    """The plan of ``objects``, or None when the plan stage is not part of this kubeplan.

    A bad ``--cluster`` is a KubeplanError (the run cannot go on); manifests the planner
    cannot read become a ``plan-failed`` finding, so they share the run's one report.
    """
    if not available():
        return None
    from kubeplan.dryrun.plan import make_plan
    from kubeplan.linter.findings import Finding
    from kubeplan.model.objects import Location
    from kubeplan.report.plan_text import render

    cluster = load_cluster(cluster_paths)
    try:
        plan = make_plan(list(objects), cluster)
    except KubeplanError as exc:
        where = Location(exc.file or "<plan>", exc.line or 0, exc.column or 0)
        return PlanOutcome(None, "", 0, Finding("plan-failed", "error", f"cannot plan: {exc.message}", where))
    return PlanOutcome(plan, render(plan, color=color), len(plan.unplaced), findings=unplaced_findings(plan, objects))


def _owner_object(placement, by_identity: dict):
    meta = placement.pod.get("metadata") or {}
    namespace = meta.get("namespace") or "default"
    owner = placement.owner or {"kind": "Pod", "name": meta.get("name") or ""}
    return by_identity.get((owner.get("kind"), namespace, owner.get("name"))) or by_identity.get((owner.get("kind"), "", owner.get("name")))


def unplaced_findings(plan, objects) -> list:
    """One ``plan-unschedulable`` finding per workload whose pods cannot be placed, at the
    workload's source, so CI formats (SARIF, JUnit, GitHub) show what the plan found."""
    from kubeplan.linter.findings import Finding
    from kubeplan.model.objects import Location

    by_identity = {}
    for obj in objects:
        by_identity.setdefault((obj.kind, obj.namespace or "", obj.name), obj)
        by_identity.setdefault((obj.kind, obj.namespace or "default", obj.name), obj)
    groups: dict = {}  # key -> (object or None, placements)
    for placement in plan.placements:
        if not placement.failed:
            continue
        obj = _owner_object(placement, by_identity)
        meta = placement.pod.get("metadata") or {}
        key = id(obj) if obj is not None else ("pod", meta.get("namespace"), meta.get("name"))
        groups.setdefault(key, (obj, []))[1].append(placement)
    out = []
    for obj, placements in groups.values():
        first = placements[0]
        total = sum(1 for p in plan.placements if _owner_object(p, by_identity) is obj) if obj is not None else len(placements)
        what = "pod" if total == 1 else "pods"
        message = f"{len(placements)} of {total} {what} cannot be placed: {' '.join((first.message or 'no message').split())}"
        if obj is not None:
            out.append(Finding.at("plan-unschedulable", "error", message, obj))
        else:
            meta = first.pod.get("metadata") or {}
            out.append(Finding("plan-unschedulable", "error", f"pod {meta.get('namespace')}/{meta.get('name')}: {message}", Location("<plan>")))
    return out
