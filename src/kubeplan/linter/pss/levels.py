"""Which levels and versions apply to an object, as Pod Security Admission decides:
command-line options, ``.kubeplan.yaml`` and Namespace labels."""

from __future__ import annotations

from dataclasses import dataclass

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding
from kubeplan.linter.pss.pack import parse_version, version_is_valid

LEVELS = ("privileged", "baseline", "restricted")
MODES = ("enforce", "warn", "audit")
LABEL_PREFIX = "pod-security.kubernetes.io/"
INVALID_LABEL_RULE = "pss-invalid-label"


@dataclass(frozen=True)
class ModePolicy:
    mode: str
    level: str
    version: tuple


_CONFIG_KEYS = {"enforce", "enforceVersion", "warn", "warnVersion", "audit", "auditVersion", "exemptions"}


def default_policy(ctx) -> dict:
    """mode -> (level, version text) from --pss-level/--pss-version, then .kubeplan.yaml."""
    section = ctx.config.section("pss")
    where = ctx.config.path
    unknown = sorted(set(section) - _CONFIG_KEYS)
    if unknown:
        raise KubeplanError(f"pss: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_CONFIG_KEYS))}", where)
    level_flag = ctx.options.get("pss_level")
    version_flag = ctx.options.get("pss_version")
    if level_flag:
        policy = {"enforce": (level_flag, "latest"), "warn": ("privileged", "latest"), "audit": ("privileged", "latest")}
    else:
        policy = {}
        for mode, default in (("enforce", "baseline"), ("warn", "restricted"), ("audit", "privileged")):
            level = section.get(mode, default)
            if level not in LEVELS:
                raise KubeplanError(f"pss.{mode} must be one of {', '.join(LEVELS)}, not {level!r}", where)
            version = section.get(f"{mode}Version", "latest")
            if not version_is_valid(str(version)):
                raise KubeplanError(f'pss.{mode}Version must be "latest" or "v1.<minor>", not {version!r}', where)
            policy[mode] = (level, str(version))
    if version_flag:
        # Like PSA with a label, an unparsable version means the newest rules (parse_version).
        policy = {mode: (level, str(version_flag)) for mode, (level, _) in policy.items()}
    return policy


def exemptions(ctx):
    raw = ctx.config.section("pss").get("exemptions") or {}
    if not isinstance(raw, dict):
        raise KubeplanError("pss.exemptions must be a mapping of namespaces and runtimeClassNames", ctx.config.path)
    out = []
    for key in ("namespaces", "runtimeClassNames"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KubeplanError(f"pss.exemptions.{key} must be a list of strings", ctx.config.path)
        out.append(frozenset(value))
    unknown = sorted(set(raw) - {"namespaces", "runtimeClassNames", "usernames"})
    if unknown:
        raise KubeplanError(f"pss.exemptions: unknown key {unknown[0]!r}", ctx.config.path)
    return tuple(out)


def namespace_policy(defaults: dict, labels: dict, namespace_obj=None, problems=None):
    """The ModePolicies PSA evaluates for a namespace with ``labels`` (PolicyToEvaluate)."""
    policy = {mode: list(value) for mode, value in defaults.items()}
    has_enforce = has_warn_level = has_warn_version = False

    def bad(key, value, expected):
        if problems is not None and namespace_obj is not None:
            problems.append(
                Finding.at(
                    INVALID_LABEL_RULE,
                    "warning",
                    f"namespace label {key}={value!r} {expected}; Pod Security Admission reads it as "
                    + ("restricted" if key.endswith("/enforce") else "latest" if key.endswith("version") else "privileged"),
                    namespace_obj,
                    ("metadata", "labels", key),
                    category="security",
                )
            )

    for mode in MODES:
        key = LABEL_PREFIX + mode
        if key in labels:
            value = labels[key]
            if value in LEVELS:
                policy[mode][0] = value
                has_enforce = has_enforce or mode == "enforce"
            else:
                bad(key, value, "must be one of privileged, baseline, restricted")
                # PSA fails closed for enforce and open for warn and audit.
                policy[mode][0] = "restricted" if mode == "enforce" else "privileged"
            has_warn_level = has_warn_level or mode == "warn"
        vkey = f"{key}-version"
        if vkey in labels:
            value = labels[vkey]
            if not version_is_valid(str(value)):
                bad(vkey, value, 'must be "latest" or "v1.<minor>"')
            policy[mode][1] = str(value)
            has_warn_version = has_warn_version or mode == "warn"
    # PSA warns at least at an explicitly set enforce level.
    if not has_warn_level and has_enforce and LEVELS.index(policy["enforce"][0]) > LEVELS.index(policy["warn"][0]):
        policy["warn"][0] = policy["enforce"][0]
        if not has_warn_version:
            policy["warn"][1] = policy["enforce"][1]
    return [ModePolicy(mode, level, parse_version(version)) for mode, (level, version) in policy.items()]
