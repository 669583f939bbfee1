"""Pod Security Standards: the ``policies/pss`` pack applied as Pod Security Admission would.

Each official check is a policy file (``policies/pss/<checkId>.yaml``) whose ``spec.pss``
block holds its level and per-version revisions of CEL ``variables`` and ``violations``
(docs/pss.md). This module picks, per object, the levels and versions that apply
(Namespace labels, options, ``.kubeplan.yaml``), selects the checks of each level at its
version, evaluates their compiled expressions on the pod template and turns what they
return into findings at the offending field.

Modules: ``pack`` (policy files, revisions, which checks run), ``levels`` (options,
configuration, Namespace labels), ``pods`` (the activation and evaluation on one pod),
``cel`` (the CEL engines). This one is the lint rule family.
"""

from __future__ import annotations

import os

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding
from kubeplan.linter.pss.cel import ACTIVATION_NAMES, Engine, engine  # noqa: F401
from kubeplan.linter.pss.levels import (  # noqa: F401
    INVALID_LABEL_RULE,
    LABEL_PREFIX,
    LEVELS,
    MODES,
    ModePolicy,
    default_policy,
    exemptions,
    namespace_policy,
)
from kubeplan.linter.pss.pack import (  # noqa: F401
    NEWEST,
    PACK_DIR,
    Check,
    Expression,
    Revision,
    checks_for,
    format_version,
    load_check,
    load_pack,
    parse_version,
    policy_files,
    version_is_valid,
)
from kubeplan.linter.pss.pods import (  # noqa: F401
    EVALUATION_ERROR,
    POD_TEMPLATE_PATHS,
    Violation,
    evaluate,
    evaluate_pod,
    parse_path,
    pod_activation,
    pod_template,
)

MODE_SEVERITY = {"enforce": "error", "warn": "warning", "audit": "warning"}


def applies(ctx) -> bool:
    return any(pod_template(obj) is not None for obj in ctx.objects) or bool(ctx.config.section("pss"))


def check(ctx) -> list:
    defaults = default_policy(ctx)
    exempt_namespaces, exempt_runtime_classes = exemptions(ctx)
    findings: list = []
    namespaces = {}
    for obj in ctx.objects:
        if obj.kind == "Namespace" and obj.api_version == "v1":
            namespaces[obj.name] = obj
    policies = {}
    for name, ns in sorted(namespaces.items()):
        labels = {k: v for k, v in ns.labels.items() if str(k).startswith(LABEL_PREFIX)}
        if labels:
            policies[name] = namespace_policy(defaults, labels, ns, findings)
    default_modes = namespace_policy(defaults, {})
    pack = load_pack()
    selections: dict = {}

    def select(level, version):
        key = (level, version)
        if key not in selections:
            selections[key] = checks_for(level, version, pack)
        return selections[key]

    for obj in ctx.objects:
        found = pod_template(obj)
        if found is None:
            continue
        prefix, metadata, spec = found
        namespace = obj.namespace
        if namespace in exempt_namespaces or spec.get("runtimeClassName") in exempt_runtime_classes:
            continue
        modes = policies.get(namespace, default_modes)
        findings.extend(_object_findings(obj, prefix, metadata, spec, modes, select))
    return findings


def _object_findings(obj, prefix, metadata, spec, modes, select) -> list:
    out = []
    seen = set()
    prepared = None
    memo = {}  # (check, revision) -> violations: the modes share most checks
    for mode in modes:
        selected = select(mode.level, mode.version)
        if not selected:
            continue
        if prepared is None:
            prepared = selected[0][0].engine.prepare(pod_activation(metadata, spec))
        version = format_version(mode.version)
        for check, revision in selected:
            violations = memo.get((check.check_id, revision.since))
            if violations is None:
                violations = memo[(check.check_id, revision.since)] = evaluate(check, revision, prepared)
            for violation in violations:
                key = (check.check_id, violation.path, violation.message)
                if key in seen:
                    continue  # the stricter mode already reported it
                seen.add(key)
                out.append(
                    Finding.at(
                        check.rule,
                        MODE_SEVERITY[mode.mode],
                        violation.message,
                        obj,
                        prefix + violation.path,
                        pss={"level": mode.level, "version": version, "check": check.check_id, "mode": mode.mode},
                        category="security",
                    )
                )
    return out


def evaluate_check(check_id: str, data: dict, level: str, version="latest", pack=None) -> list:
    """Violations of one check on a manifest (any workload kind) at ``level`` and ``version``;
    what ``kubeplan policies test`` compares with a case's expectations."""
    from kubeplan.model.objects import ManifestObject, SourceMap

    obj = ManifestObject(data, SourceMap("<case>"))
    found = pod_template(obj)
    if found is None:
        return []
    prefix, metadata, spec = found
    wanted = [(c, r) for c, r in checks_for(level, parse_version(version), pack) if c.check_id == check_id]
    if not wanted:
        return []
    prepared = wanted[0][0].engine.prepare(pod_activation(metadata, spec))
    return [
        Violation(v.message, prefix + v.path) for check, revision in wanted for v in evaluate(check, revision, prepared)
    ]


def evaluate_policy_case(policy_file: str, data: dict, options=None) -> list:
    """Violations for one ``PolicyTest`` case of a policy with ``spec.pss``: ``options``
    may hold ``pssLevel`` (default: the check's own level) and ``pssVersion`` (default:
    latest). The policy's directory is its pack, so replacements between checks apply."""
    options = options or {}
    policy_file = os.path.abspath(policy_file)
    check = next(c for c in load_pack(os.path.dirname(policy_file)) if c.file == policy_file)
    level = options.get("pssLevel", check.level)
    if level not in LEVELS:
        raise KubeplanError(f"pssLevel must be one of {', '.join(LEVELS)}, not {level!r}", policy_file)
    pack = load_pack(os.path.dirname(policy_file))
    return evaluate_check(check.check_id, data, level, options.get("pssVersion", "latest"), pack)


def is_pss_policy(data) -> bool:
    """Whether a Policy document belongs to this family (the generic CEL runner skips it)."""
    return isinstance(data, dict) and isinstance(data.get("spec"), dict) and "pss" in data["spec"]
