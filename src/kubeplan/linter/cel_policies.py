"""Lint family: CEL policies — the built-in packs under ``policies/`` (all but ``pss/``,
which has its own family) and the user's ``--policy`` files and directories
(ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, kubeplan Policy).

Each expression is compiled once per run; each object is evaluated only by the policies
whose match constraints select it.
"""

from __future__ import annotations

import functools
import os
import re

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


class DeferredPolicy:
    """A built-in policy whose CEL is compiled the first time an object matches it.

    Every run (a pre-commit hook on one file included) loads every pack; most policies
    never meet an object of their kind in a small run, so compiling them all up front is
    start-up time for nothing. Only what the evaluator reads before matching is computed
    here: the ID, the match constraints and whether the policy reads the pod template (a
    scan for ``podSpec``/``podMeta``/``podPath`` in its expressions; the tests check it
    agrees with the compiler's own answer for every built-in policy). Built-in policies are
    tested, so a compile error showing up only when the policy is first used is acceptable
    here; user policies are still compiled eagerly.
    """

    def __init__(self, obj):
        from kubeplan.linter.cel.matching import parse_match
        from kubeplan.linter.vap import POD_VARIABLES

        self._obj = obj
        self._policy = None
        self.id = obj.name
        self.kind = obj.kind
        self.param_kind = None
        self.match = parse_match(
            obj.get(("spec", "matchConstraints")), "spec.matchConstraints", obj.source.file, obj.source.line, required=False
        )
        sources = " ".join(_expressions(obj.data.get("spec")))
        self.needs_pod = any(re.search(rf"\b{name}\b", sources) for name in POD_VARIABLES)

    def compiled(self):
        if self._policy is None:
            from kubeplan.linter.vap import compile_policy

            self._policy = compile_policy(self._obj)
        return self._policy

    def __getattr__(self, name):  # anything else: the compiled policy's
        return getattr(self.compiled(), name)


def _expressions(node):
    """Every CEL source string under a policy spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expression", "messageExpression", "valueExpression") and isinstance(value, str):
                yield value
            else:
                yield from _expressions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _expressions(item)


@functools.lru_cache(maxsize=4)
def builtin_policies(packs_dir: str = PACKS_DIR) -> tuple:
    """The built-in policies (each compiled on first use, at most once per process)."""
    from kubeplan.linter.vap import POLICY_KIND, load_policies

    files = pack_files(packs_dir)
    if not files:
        return (), ()
    documents, _ = load_policy_files(files)
    deferred = [d for d in documents if d.kind == POLICY_KIND and d.get(("spec", "pss")) is None]
    others = [d for d in documents if d not in deferred]
    policies, bindings = load_policies(others)
    seen = {p.id for p in policies}
    for doc in deferred:
        if doc.name in seen:
            raise KubeplanError(f"two built-in policies have the ID {doc.name!r}", doc.source.file)
        seen.add(doc.name)
        policies.append(DeferredPolicy(doc))
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
