"""Lint family: CEL policies — the built-in packs under ``policies/`` (all but ``pss/``,
which has its own family) and the user's ``--policy`` files and directories
(ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, kubeplan Policy).

Each expression is compiled once per run; each object is evaluated only by the policies
whose match constraints select it.
"""

from __future__ import annotations

import functools
import os

from kubeplan.errors import KubeplanError

PACKS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "policies")
OWN_FAMILY_PACKS = frozenset({"pss"})  # packs another lint family evaluates


def pack_files(packs_dir: str = PACKS_DIR, include_own_family: bool = False) -> list:
    """Policy files of the built-in packs, sorted (``policies/<pack>/<ID>.yaml``)."""
    out = []
    if not os.path.isdir(packs_dir):
        return out
    for pack in sorted(os.listdir(packs_dir)):
        directory = os.path.join(packs_dir, pack)
        if not os.path.isdir(directory) or pack.startswith(("_", ".")):
            continue
        if pack in OWN_FAMILY_PACKS and not include_own_family:
            continue
        for name in sorted(os.listdir(directory)):
            if name.endswith(".yaml") and not name.endswith(".test.yaml"):
                out.append(os.path.join(directory, name))
    return out


def load_policy_files(paths) -> tuple:
    """(policy documents, other objects) from files/directories; unreadable input is a KubeplanError."""
    from kubeplan.linter.vap import is_policy_document
    from kubeplan.model.loading import load_paths

    loaded = load_paths(list(paths))
    for finding in loaded.findings:
        loc = finding.location
        raise KubeplanError(f"policy file: {finding.message}", loc.file, loc.line or None)
    policies = [o for o in loaded.objects if is_policy_document(o)]
    others = [o for o in loaded.objects if not is_policy_document(o)]
    for obj in others:
        if obj.api_version.startswith("kubeplan.io/") and obj.kind != "PolicyTest":
            loc = obj.locate()
            raise KubeplanError(
                f"unknown policy document {obj.api_version} {obj.kind} (expected kubeplan.io/v1alpha1 Policy)",
                loc.file,
                loc.line or None,
            )
    if not policies and loaded.files:
        raise KubeplanError(
            f"no policy in {', '.join(str(p) for p in paths)}: expected ValidatingAdmissionPolicy, "
            "ValidatingAdmissionPolicyBinding or kubeplan.io/v1alpha1 Policy documents"
        )
    return policies, others


@functools.lru_cache(maxsize=4)
def builtin_policies(packs_dir: str = PACKS_DIR) -> tuple:
    """The compiled built-in policies (compiled once per process)."""
    from kubeplan.linter.vap import load_policies

    files = pack_files(packs_dir)
    if not files:
        return (), ()
    documents, _ = load_policy_files(files)
    policies, bindings = load_policies(documents)
    return tuple(policies), tuple(bindings)


def _policy_paths(ctx) -> list:
    paths = ctx.option("policies") or ()
    if isinstance(paths, str):
        paths = [paths]
    base = getattr(ctx.config, "base_dir", None)
    out = []
    for path in paths:
        path = str(path)
        if not os.path.exists(path) and base and not os.path.isabs(path):
            candidate = os.path.join(base, path)
            if os.path.exists(candidate):
                path = candidate
        out.append(path)
    return out


def applies(ctx) -> bool:
    return bool(_policy_paths(ctx)) or bool(pack_files())


def check(ctx) -> list:
    from kubeplan.linter.vap import Evaluator, load_policies

    policies, bindings = builtin_policies()
    policies, bindings = list(policies), list(bindings)
    extra_objects = []
    user_paths = _policy_paths(ctx)
    if user_paths:
        documents, extra_objects = load_policy_files(user_paths)
        user_policies, user_bindings = load_policies(documents)
        known = {p.id: p for p in policies}
        for policy in user_policies:
            if policy.id in known:
                loc = policy.location
                raise KubeplanError(
                    f"policy {policy.id!r} has the ID of a built-in policy ({known[policy.id].location.file}); rename it",
                    loc.file,
                    loc.line or None,
                )
        policies += user_policies
        bindings += user_bindings
    if not policies and not bindings:
        return []
    evaluator = Evaluator(policies, bindings, ctx.objects, param_objects=extra_objects)
    findings = list(evaluator.unbound_problems)
    for obj in ctx.objects:
        findings.extend(evaluator.check(obj))
    return findings
