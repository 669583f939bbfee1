"""Rule metadata for reports that describe their rules (SARIF): ID, default severity, a
one-line summary and a longer doc, collected from each family where it is defined.

- loading and the pipeline itself: ``BUILTIN_RULES`` below;
- the lint families with a ``RULES`` table (schema, RBAC, network, deprecations, ...);
- policies (PSS pack, other packs, user ``--policy`` files): ``spec.summary``/``spec.doc``
  through ``kubeplan.linter.cel.catalog``.
A rule found in no table still gets an entry (its ID), so a report never drops a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

BUILTIN_RULES = {
    "yaml-syntax": ("error", "The file is not valid YAML (or JSON).", "Fix the syntax at the line shown; the API server cannot read the file."),
    "yaml-duplicate-key": ("error", "A mapping key appears twice.", "The API server's strict decoding rejects duplicate keys; keep one."),
    "invalid-file": ("error", "The file is not UTF-8 text.", "Manifests must be UTF-8 YAML or JSON; binary files and other encodings cannot be read."),
    "file-too-large": ("error", "The file is larger than --max-file-size.", "Split the file or raise --max-file-size."),
    "invalid-object": ("error", "A document that is not a Kubernetes object.", "Every document needs to be a mapping with apiVersion and kind."),
    "invalid-suppression": ("warning", "A kubeplan.io/ignore annotation that cannot be applied.", "Name the rules to ignore, or give a reason for a blanket ignore."),
    "render-failed": ("error", "A chart or kustomization that does not render.", "Fix the template or kustomization at the location shown; nothing from it was linted."),
    "plan-failed": ("error", "Manifests the dry run cannot read (kubeplan check).", "Fix the object at the location shown; the plan needs valid workloads."),
    "plan-unschedulable": ("error", "Pods of this workload cannot be placed on the cluster (kubeplan check).", "Lower the requests, relax affinity, spread or tolerations, or plan against a cluster with room (--cluster)."),
    "policy-binding": ("error", "A policy binding that cannot be applied.", "Check the binding's policyName, paramRef and validationActions."),
}


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str  # default severity
    summary: str
    doc: str = ""


def _family_rules() -> dict:
    """Rules of every lint family module with a ``RULES`` table: ID -> (severity, text) or
    (severity, category, summary, doc)."""
    import importlib
    import importlib.util

    from kubeplan.linter.engine import FAMILIES

    out = {}
    for name in FAMILIES:
        if importlib.util.find_spec(name) is None:
            continue
        table = getattr(importlib.import_module(name), "RULES", None)
        if not isinstance(table, dict):
            continue
        for rule, entry in table.items():
            if not isinstance(entry, tuple) or len(entry) < 2:
                continue
            texts = [str(t) for t in entry[1:]]
            summary = texts[-2] if len(texts) >= 3 else texts[0]
            out[rule] = RuleInfo(rule, str(entry[0]), " ".join(summary.split()), texts[-1].strip())
    return out


def _policy_rules(policy_paths) -> dict:
    from kubeplan.errors import KubeplanError
    from kubeplan.linter.cel.catalog import catalog

    try:
        entries = catalog(tuple(policy_paths))
    except KubeplanError:
        entries = catalog(())
    out = {}
    for entry in entries:
        out.setdefault(entry.id, RuleInfo(entry.id, entry.severity, entry.summary or entry.id, entry.doc or entry.summary))
    return out


def rule_table(rule_ids, policy_paths=()) -> dict:
    """RuleInfo for every ID in ``rule_ids`` (sorted)."""
    wanted = sorted(set(rule_ids))
    table = {rule: RuleInfo(rule, *texts) for rule, texts in BUILTIN_RULES.items()}
    if any(rule not in table for rule in wanted):
        table.update({k: v for k, v in _family_rules().items() if k not in table})
    if any(rule not in table for rule in wanted):
        table.update({k: v for k, v in _policy_rules(policy_paths).items() if k not in table})
    return {rule: table.get(rule) or RuleInfo(rule, "error", f"kubeplan rule {rule}") for rule in wanted}
