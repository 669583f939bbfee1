"""Runs the rule families over the objects of one run and applies configuration and
suppressions to what they find.

A rule family is a module with ``check(ctx: LintContext) -> Iterable[Finding]``; the
engine imports only the families a run needs, in this order.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field

from kubeplan.linter.config import Config
from kubeplan.linter.findings import SEVERITY_RANK, Finding
from kubeplan.linter.suppressions import apply_suppressions

FAMILIES = (
    "kubeplan.linter.schema",  # Kubernetes and CRD schemas (issue: foundation)
    "kubeplan.linter.pss",  # Pod Security Standards, policies/pss
    "kubeplan.linter.cel_policies",  # CEL policy packs and user --policy files
    "kubeplan.linter.rbac_analysis",  # effective-permission rules (escalation paths)
    "kubeplan.linter.netpol_analysis",  # connectivity rules CEL cannot say
    "kubeplan.linter.deprecations",  # deprecated and removed API versions for --kube-version
)


@dataclass
class LintContext:
    """Everything a rule family may read. Families must not change ``objects``."""

    objects: list  # list[ManifestObject], every valid object of the run
    config: Config
    options: dict = field(default_factory=dict)  # command-line options, e.g. kube_version, pss_level, policies

    def option(self, name, default=None):
        value = self.options.get(name)
        if value is None or value == ():
            value = self.config.get(name)
        return default if value is None else value


@dataclass
class LintResult:
    findings: list  # visible findings, sorted
    suppressed: list  # findings hidden by an annotation (counted, never silent)


def run_families(ctx: LintContext, families=FAMILIES) -> list[Finding]:
    findings: list[Finding] = []
    for name in families:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "applies") and not module.applies(ctx):
            continue
        findings.extend(module.check(ctx))
    return findings


def lint(ctx: LintContext, extra_findings=(), families=FAMILIES) -> LintResult:
    """Findings for ``ctx.objects`` plus ``extra_findings`` (load problems), configured."""
    findings = list(extra_findings) + run_families(ctx, families)
    findings = ctx.config.apply(findings)
    visible, suppressed = apply_suppressions(findings, ctx.objects)
    visible.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return LintResult(visible, suppressed)


def exit_code(findings, fail_on: str) -> int:
    threshold = SEVERITY_RANK.get(fail_on, 3)
    if threshold == 0:
        return 0
    return 1 if any(SEVERITY_RANK.get(f.severity, 0) >= threshold for f in findings) else 0
