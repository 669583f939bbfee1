"""``kubeplan policies test``: policy unit tests (objects plus expected verdicts), as
``kyverno test`` runs them.

A test file is ``<ID>.test.yaml`` (any ``*.test.yaml``) holding one or more documents::

    apiVersion: kubeplan.io/v1alpha1
    kind: PolicyTest
    metadata: {name: <ID>}
    spec:
      policy: <ID>.yaml            # relative to this file; or `policies: [a.yaml, b.yaml]`
      cases:
        - name: privileged container is refused
          expect: fail             # pass | fail
          violations: 1            # optional: exact number of findings
          options: {}              # optional lint options, e.g. {pssVersion: v1.30, pssLevel: restricted}
          object: {...}            # one inline object; or `objects: [...]`; or `file: fixtures/x.yaml`

Every object of a case is linted with the policies under test only; the other objects of
the case are its context (Namespaces, params, ``inputs``). A case passes when the findings
of those policies match ``expect`` (and ``violations``). Policies with a ``spec.pss``
block are run by the Pod Security Standards family, the others by the CEL engine.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError

TEST_API = "kubeplan.io/v1alpha1"
TEST_KIND = "PolicyTest"


@dataclass
class CaseResult:
    file: str
    line: int
    test: str
    case: str
    expect: str
    passed: bool
    findings: list = field(default_factory=list)  # Finding
    detail: str = ""

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "test": self.test,
            "case": self.case,
            "expect": self.expect,
            "passed": self.passed,
            "detail": self.detail,
            "findings": [f.to_json() for f in self.findings],
        }


def discover(paths) -> list:
    out = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith((".test.yaml", ".test.yml")):
                        out.append(os.path.join(root, name))
        elif os.path.isfile(path):
            out.append(path)
        else:
            raise KubeplanError(f"{path}: no such file or directory")
    return out


def _option_name(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def _load(paths):
    from kubeplan.model.loading import load_paths

    loaded = load_paths(list(paths))
    for finding in loaded.findings:
        raise KubeplanError(finding.message, finding.location.file, finding.location.line or None)
    return loaded.objects


def run_files(paths) -> list:
    results = []
    for path in discover(paths):
        results.extend(run_file(path))
    return results


def run_file(path: str) -> list:
    results = []
    documents = _load([path])
    for doc in documents:
        if doc.api_version != TEST_API or doc.kind != TEST_KIND:
            loc = doc.locate()
            raise KubeplanError(f"not a {TEST_KIND} ({TEST_API}): {doc.kind}", loc.file, loc.line or None)
        results.extend(_run_test(doc, os.path.dirname(path)))
    return results


def _fail(doc, message, path=()):
    loc = doc.locate(tuple(path))
    raise KubeplanError(message, loc.file, loc.line or None)


def _run_test(doc, base: str) -> list:
    from kubeplan.linter.vap import is_policy_document

    name = doc.metadata.get("name") or os.path.basename(doc.source.file)
    spec = doc.data.get("spec")
    if not isinstance(spec, dict):
        _fail(doc, "spec is required")
    policy_files = spec.get("policies") if spec.get("policies") is not None else spec.get("policy")
    if isinstance(policy_files, str):
        policy_files = [policy_files]
    if not isinstance(policy_files, list) or not policy_files or not all(isinstance(p, str) for p in policy_files):
        _fail(doc, "spec.policy (a file) or spec.policies (a list of files) is required", ("spec",))
    files = [os.path.join(base, p) for p in policy_files]
    for file in files:
        if not os.path.exists(file):
            _fail(doc, f"policy file {file} does not exist", ("spec",))
    loaded = _load(files)
    documents = [d for d in loaded if is_policy_document(d)]
    if not documents:
        _fail(doc, f"no policy in {', '.join(files)}", ("spec",))
    runner = _Runner(documents, [d for d in loaded if not is_policy_document(d)])
    cases = spec.get("cases")
    if not isinstance(cases, list) or not cases:
        _fail(doc, "spec.cases must be a non-empty list", ("spec",))
    results = []
    for i, case in enumerate(cases):
        at = ("spec", "cases", i)
        if not isinstance(case, dict):
            _fail(doc, f"spec.cases[{i}] must be a mapping", at)
        case_name = case.get("name") or f"case {i + 1}"
        expect = case.get("expect")
        if expect not in ("pass", "fail"):
            _fail(doc, f"spec.cases[{i}].expect must be pass or fail", at)
        count = case.get("violations")
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
            _fail(doc, f"spec.cases[{i}].violations must be a number", at)
        options = case.get("options") or {}
        if not isinstance(options, dict):
            _fail(doc, f"spec.cases[{i}].options must be a mapping", at)
        objects = _case_objects(doc, case, at, base)
        findings = runner.run(objects, {_option_name(k): v for k, v in options.items()})
        got = "fail" if findings else "pass"
        passed = got == expect and (count is None or count == len(findings))
        detail = ""
        if not passed:
            detail = f"expected {expect}" + (f" with {count} violation(s)" if count is not None else "")
            detail += f", got {len(findings)} finding(s)"
        results.append(
            CaseResult(doc.source.file, doc.locate(at).line, str(name), str(case_name), expect, passed, findings, detail)
        )
    return results


def _case_objects(doc, case, at, base) -> list:
    from kubeplan.model.objects import ManifestObject

    given = [k for k in ("object", "objects", "file") if case.get(k) is not None]
    if len(given) != 1:
        _fail(doc, f"{_path(at)}: give exactly one of object, objects, file", at)
    key = given[0]
    if key == "file":
        path = os.path.join(base, str(case["file"]))
        if not os.path.isfile(path):
            _fail(doc, f"{_path(at)}.file: {path} does not exist", at + ("file",))
        return _load([path])
    items = [case["object"]] if key == "object" else case["objects"]
    if not isinstance(items, list):
        _fail(doc, f"{_path(at)}.objects must be a list", at)
    out = []
    sources = [doc.source.rebased(at + (key,))] if key == "object" else doc.source.items_rebased(at + (key,), len(items))
    for j, item in enumerate(items):
        sub = at + (key,) if key == "object" else at + (key, j)
        if not isinstance(item, dict) or not item.get("kind") or not item.get("apiVersion"):
            _fail(doc, f"{_path(sub)}: an object needs apiVersion and kind", sub)
        out.append(ManifestObject(item, sources[j]))
    return out


def _path(at) -> str:
    from kubeplan.model.objects import format_path

    return format_path(at)


class _Runner:
    """Evaluates the policies under test on the objects of one case."""

    def __init__(self, documents, context):
        from kubeplan.linter.vap import load_policies

        self.context = list(context)  # non-policy objects of the policy files (params)
        self.pss_ids = {d.metadata.get("name") for d in documents if d.kind == "Policy" and d.get(("spec", "pss")) is not None}
        self.policies, self.bindings = load_policies(documents)
        self.ids = {p.id for p in self.policies} | self.pss_ids

    def run(self, objects, options) -> list:
        findings = []
        if self.policies:
            from kubeplan.linter.vap import Evaluator

            evaluator = Evaluator(self.policies, self.bindings, objects, param_objects=self.context)
            findings.extend(f for f in evaluator.unbound_problems if f.rule in self.ids)
            for obj in objects:
                findings.extend(evaluator.check(obj))
        if self.pss_ids:
            from kubeplan.linter import pss
            from kubeplan.linter.config import Config
            from kubeplan.linter.engine import LintContext

            ctx = LintContext(objects, Config(), options)
            findings.extend(f for f in pss.check(ctx) if f.rule in self.pss_ids)
        return sorted(findings, key=lambda f: f.sort_key())
