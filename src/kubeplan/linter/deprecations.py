"""Deprecated and removed API versions for the target ``--kube-version``, with the
replacement, from the table in ``policies/deprecation/versions.tsv`` (Pluto's view).

Not CEL: the verdict depends on the target version, a run option rather than the object.
"""

from __future__ import annotations

import os
from functools import lru_cache

from kubeplan.linter.findings import Finding

TABLE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "policies", "deprecation", "versions.tsv")

RULES = {
    "deprecated-api": (
        "warning",
        "deprecation",
        "An API version that is deprecated in the target Kubernetes version.",
        """What it checks: the object's apiVersion is deprecated at the target --kube-version (and
not yet removed), per the table in policies/deprecation/versions.tsv.

Why it matters: a deprecated version will be removed in a later release; manifests that use it
stop applying on the upgrade, usually at the worst time.

Fails: `apiVersion: autoscaling/v2beta2` for a HorizontalPodAutoscaler with --kube-version 1.24.

Fix: move to the replacement the finding names (for autoscaling/v2beta2: autoscaling/v2).""",
    ),
    "removed-api": (
        "error",
        "deprecation",
        "An API version that the target Kubernetes version no longer serves.",
        """What it checks: the object's apiVersion was removed at or before the target --kube-version,
per the table in policies/deprecation/versions.tsv.

Why it matters: the API server answers `no matches for kind ... in version ...`; the apply fails.

Fails: `apiVersion: policy/v1beta1` for a PodDisruptionBudget with --kube-version 1.25 or later.

Fix: move to the replacement the finding names (for policy/v1beta1 PodDisruptionBudget: policy/v1).""",
    ),
}


def _minor(version: str) -> tuple:
    major, _, minor = version.partition(".")
    return int(major), int(minor)


@lru_cache(maxsize=1)
def table() -> dict:
    """apiVersion -> kind -> {"deprecated", "removed", "replacement"}."""
    out: dict = {}
    with open(TABLE, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]
    for api_version, kind, deprecated, removed, replacement in rows[1:]:
        out.setdefault(api_version, {})[kind] = {"deprecated": deprecated, "removed": removed, "replacement": replacement}
    return out


def check(ctx) -> list:
    from kubeplan.linter.schema import normalize_version

    target = _minor(normalize_version(ctx.option("kube_version")))
    entries = table()
    findings = []
    for obj in ctx.objects:
        entry = (entries.get(obj.api_version) or {}).get(obj.kind)
        if not entry:
            continue
        removed, deprecated = _minor(entry["removed"]), _minor(entry["deprecated"])
        replacement = entry["replacement"]
        if target >= removed:
            message = (
                f"{obj.api_version} {obj.kind} was removed in Kubernetes {entry['removed']} "
                f"(target {target[0]}.{target[1]}); use {replacement}"
            )
            rule = "removed-api"
        elif target >= deprecated:
            message = (
                f"{obj.api_version} {obj.kind} is deprecated since Kubernetes {entry['deprecated']} and "
                f"removed in {entry['removed']}; use {replacement}"
            )
            rule = "deprecated-api"
        else:
            continue
        severity, category, _, _ = RULES[rule]
        findings.append(Finding.at(rule, severity, message, obj, ("apiVersion",), category=category))
    return findings
