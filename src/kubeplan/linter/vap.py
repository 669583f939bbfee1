"""ValidatingAdmissionPolicy (and kubeplan's own Policy) applied offline, as the API
server would apply them to the creation of each input object.

``load_policies(objects)`` turns policy documents (``admissionregistration.k8s.io/v1``
ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding, ``kubeplan.io/v1alpha1``
Policy) into compiled policies; every expression is compiled here, once, so a bad policy
is a KubeplanError naming its file, line and expression before any object is read.
``Evaluator(policies, bindings, objects).check(obj)`` gives the findings for one object.

Decisions where offline differs from a cluster (docs/policies.md):
- A ValidatingAdmissionPolicy with no binding in the input is applied as if bound
  cluster-wide with ``validationActions: [Deny]`` (what ``--policy`` users expect); one
  that needs params (``paramKind``) and has no binding is reported, not applied.
- A runtime error follows the policy's ``failurePolicy``: ``Fail`` makes it a finding at
  the binding's severity, ``Ignore`` a warning, never a silent pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding
from kubeplan.model.objects import Location, ManifestObject
from kubeplan.model.workloads import POD_TEMPLATE_PATHS

ADMISSION_GROUP = "admissionregistration.k8s.io"
VAP_KIND = "ValidatingAdmissionPolicy"
BINDING_KIND = "ValidatingAdmissionPolicyBinding"
POLICY_API = "kubeplan.io/v1alpha1"
POLICY_KIND = "Policy"

VAP_VARIABLES = frozenset({"object", "oldObject", "request", "params", "namespaceObject", "variables", "authorizer"})
POD_VARIABLES = frozenset({"podSpec", "podMeta", "podPath"})
# indexes of all input objects, for cross-object rules that must not scan (see docs/policies.md)
INPUT_VARIABLES = frozenset({"inputs", "inputsByName", "podTemplates", "selectorIndex"})
POLICY_VARIABLES = VAP_VARIABLES | POD_VARIABLES | INPUT_VARIABLES

SEVERITIES = ("error", "warning", "info")
CATEGORIES = ("rbac", "network", "reliability", "security", "hygiene", "deprecation")
ACTIONS = ("Deny", "Warn", "Audit")



def is_policy_document(obj: ManifestObject) -> bool:
    if obj.api_version == POLICY_API and obj.kind == POLICY_KIND:
        return True
    return obj.group == ADMISSION_GROUP and obj.kind in (VAP_KIND, BINDING_KIND)


# -- compiled forms ---------------------------------------------------------------------------
@dataclass
class Expr:
    name: str  # variable / matchCondition name, or ""
    source: str
    program: object  # kubeplan.linter.cel.Program
    location: Location
    field: str  # e.g. spec.validations[0].expression


@dataclass
class Validation:
    expr: Expr
    message: str
    message_expr: Expr | None
    reason: str
    field_path: tuple | None


@dataclass
class Policy:
    id: str
    kind: str  # ValidatingAdmissionPolicy | Policy
    location: Location
    severity: str = "error"
    category: str = ""
    summary: str = ""
    doc: str = ""
    failure_policy: str = "Fail"
    match: object = None  # MatchResources | None (None: every object)
    match_conditions: list = field(default_factory=list)
    variables: list = field(default_factory=list)
    validations: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    param_kind: tuple | None = None  # (apiVersion, kind)
    needs_pod: bool = False  # reads podSpec/podMeta/podPath: applies to pod-bearing objects only
    needs_inputs: bool = False


@dataclass
class Binding:
    name: str
    policy: str
    location: Location
    match: object = None
    actions: tuple = ("Deny",)
    param_ref: dict | None = None


# -- loading ----------------------------------------------------------------------------------
class _Reader:
    """Reads one policy document with errors that point into its file."""

    def __init__(self, obj: ManifestObject, label: str):
        self.obj = obj
        self.label = label

    def where(self, path) -> Location:
        return self.obj.locate(tuple(path))

    def fail(self, message: str, path=()):
        loc = self.where(path)
        raise KubeplanError(f"{self.label}: {message}", loc.file, loc.line or None)

    def get(self, path, types, default=None, required=False):
        value = self.obj.get(tuple(path), None)
        if value is None:
            if required:
                self.fail(f"{_dotted(path)} is required", path[:-1])
            return default
        if not isinstance(value, types):
            names = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
            self.fail(f"{_dotted(path)} must be a {_kind_word(names)}", path)
        return value

    def compile(self, path, variables, name=""):
        from kubeplan.linter.cel import CelError, compile_expression

        source = self.obj.get(tuple(path))
        if not isinstance(source, str) or not source.strip():
            self.fail(f"{_dotted(path)} must be a non-empty CEL expression", path)
        try:
            program = compile_expression(source, variables)
        except CelError as exc:
            where = f" at column {exc.column} of the expression" if exc.column else ""
            if exc.line and exc.line > 1:
                where = f" at line {exc.line}, column {exc.column} of the expression"
            loc = self.where(path)
            line = loc.line or None
            if line and exc.line and exc.line > 1:
                # Point at the file line of a multi-line expression (after a | or > block header).
                line = line + exc.line - 1 + (1 if _starts_block_scalar(loc.file, loc.line) else 0)
            message = f"{self.label}: {_dotted(path)}: {exc.message}{where} in CEL expression {_one_line(source)!r}"
            raise KubeplanError(message, loc.file, line) from None
        return Expr(name, source, program, self.where(path), _dotted(path))


def _starts_block_scalar(file: str, line: int) -> bool:
    """Whether the YAML value on ``line`` of ``file`` is a block scalar (``key: |`` / ``>-``)."""
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    value = text.split("#", 1)[0].rstrip()
                    return bool(re.search(r":\s*[|>][-+0-9]*$", value))
    except OSError:
        return False
    return False


def _kind_word(names: str) -> str:
    return {"str": "string", "list": "list", "dict": "mapping", "int": "number", "bool": "boolean"}.get(names, names)


def _dotted(path) -> str:
    from kubeplan.model.objects import format_path

    return format_path(tuple(path))


def _one_line(source: str, limit: int = 160) -> str:
    text = " ".join(source.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


_CEL_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# matchCondition names are qualified names, as label keys: [prefix/]name.
_QUALIFIED_NAME = re.compile(r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")


def _compile_named(reader: _Reader, key: str, variables) -> list:
    items = reader.get(("spec", key), list, [])
    pattern, what = (_CEL_IDENTIFIER, "a CEL identifier") if key == "variables" else (_QUALIFIED_NAME, "a qualified name")
    out = []
    seen = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            reader.fail(f"spec.{key}[{i}] must be a mapping", ("spec", key, i))
        name = item.get("name")
        if not isinstance(name, str) or not pattern.match(name):
            reader.fail(f"spec.{key}[{i}].name must be {what}", ("spec", key, i))
        if name in seen:
            reader.fail(f"spec.{key}[{i}].name: duplicate name {name!r}", ("spec", key, i))
        seen.add(name)
        out.append(reader.compile(("spec", key, i, "expression"), variables, name))
    return out


def compile_policy(obj: ManifestObject) -> Policy:
    """A ValidatingAdmissionPolicy or kubeplan Policy, every expression compiled."""
    from kubeplan.linter.cel.matching import parse_match

    kubeplan_policy = obj.kind == POLICY_KIND
    name = obj.metadata.get("name")
    label = f"{obj.kind} {name}" if isinstance(name, str) and name else obj.kind
    reader = _Reader(obj, label)
    if not isinstance(name, str) or not name:
        reader.fail("metadata.name is required (it is the policy's ID)")
    if not isinstance(obj.data.get("spec"), dict):
        reader.fail("spec is required and must be a mapping")
    variables = POLICY_VARIABLES if kubeplan_policy else VAP_VARIABLES
    loc = obj.locate(())
    policy = Policy(id=name, kind=obj.kind, location=loc)

    failure = reader.get(("spec", "failurePolicy"), str, "Fail")
    if failure not in ("Fail", "Ignore"):
        reader.fail("spec.failurePolicy must be Fail or Ignore", ("spec", "failurePolicy"))
    policy.failure_policy = failure
    policy.match = parse_match(
        obj.get(("spec", "matchConstraints")),
        "spec.matchConstraints",
        loc.file,
        obj.locate(("spec", "matchConstraints")).line,
        required=not kubeplan_policy,
    )
    param_kind = reader.get(("spec", "paramKind"), dict)
    if param_kind is not None:
        api_version, kind = param_kind.get("apiVersion"), param_kind.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
            reader.fail("spec.paramKind needs apiVersion and kind", ("spec", "paramKind"))
        policy.param_kind = (api_version, kind)

    policy.match_conditions = _compile_named(reader, "matchConditions", variables - {"variables"})
    policy.variables = _compile_named(reader, "variables", variables)

    for i, item in enumerate(reader.get(("spec", "validations"), list, [])):
        at = ("spec", "validations", i)
        if not isinstance(item, dict):
            reader.fail(f"spec.validations[{i}] must be a mapping", at)
        expr = reader.compile(at + ("expression",), variables)
        message = item.get("message")
        if message is not None and not isinstance(message, str):
            reader.fail(f"spec.validations[{i}].message must be a string", at + ("message",))
        message_expr = None
        if item.get("messageExpression") is not None:
            message_expr = reader.compile(at + ("messageExpression",), variables)
        reason = item.get("reason") or "Invalid"
        if not isinstance(reason, str):
            reader.fail(f"spec.validations[{i}].reason must be a string", at + ("reason",))
        field_path = None
        if item.get("fieldPath") is not None:
            if not isinstance(item["fieldPath"], str):
                reader.fail(f"spec.validations[{i}].fieldPath must be a string", at + ("fieldPath",))
            field_path = parse_field_path(item["fieldPath"])
        policy.validations.append(Validation(expr, message or "", message_expr, reason, field_path))

    # auditAnnotations have no effect offline, but a broken one is still a broken policy.
    for i, item in enumerate(reader.get(("spec", "auditAnnotations"), list, [])):
        if not isinstance(item, dict):
            reader.fail(f"spec.auditAnnotations[{i}] must be a mapping", ("spec", "auditAnnotations", i))
        reader.compile(("spec", "auditAnnotations", i, "valueExpression"), variables)

    if kubeplan_policy:
        severity = reader.get(("spec", "severity"), str, "error")
        if severity not in SEVERITIES:
            reader.fail(f"spec.severity must be one of {', '.join(SEVERITIES)}", ("spec", "severity"))
        category = reader.get(("spec", "category"), str, "")
        if category and category not in CATEGORIES:
            reader.fail(f"spec.category must be one of {', '.join(CATEGORIES)}", ("spec", "category"))
        policy.severity = severity
        policy.category = category
        policy.summary = reader.get(("spec", "summary"), str, "")
        policy.doc = reader.get(("spec", "doc"), str, "")
        for i, item in enumerate(reader.get(("spec", "violations"), list, [])):
            at = ("spec", "violations", i)
            if not isinstance(item, dict):
                reader.fail(f"spec.violations[{i}] must be a mapping", at)
            policy.violations.append(reader.compile(at + ("expression",), variables))
    else:
        policy.summary = _one_line(obj.annotations.get("kubeplan.io/summary", "") or "")
        policy.category = obj.annotations.get("kubeplan.io/category", "") or ""
    if not policy.validations and not policy.violations and obj.get(("spec", "pss")) is None:
        if not (not kubeplan_policy and obj.get(("spec", "auditAnnotations"))):
            reader.fail("the policy has no validations" + (" or violations" if kubeplan_policy else ""), ("spec",))

    _check_variable_references(reader, policy)
    every = policy.match_conditions + policy.variables + [v.expr for v in policy.validations] + policy.violations
    every += [v.message_expr for v in policy.validations if v.message_expr]
    references = set().union(*(e.program.references for e in every)) if every else set()
    policy.needs_pod = bool(references & POD_VARIABLES)
    policy.needs_inputs = bool(references & INPUT_VARIABLES)
    return policy


def _check_variable_references(reader: _Reader, policy: Policy) -> None:
    """``variables.x`` must name a variable; a variable may use only those before it."""
    names = [v.name for v in policy.variables]
    exprs = [(e, names) for e in policy.match_conditions]
    exprs += [(v, names[:i]) for i, v in enumerate(policy.variables)]
    exprs += [(v.expr, names) for v in policy.validations]
    exprs += [(v.message_expr, names) for v in policy.validations if v.message_expr]
    exprs += [(e, names) for e in policy.violations]
    for expr, allowed in exprs:
        for variable, field_name in sorted(expr.program.selections):
            if variable == "variables" and field_name not in allowed:
                later = " (a variable may only use the variables defined before it)" if field_name in names else ""
                loc = expr.location
                raise KubeplanError(
                    f"{reader.label}: {expr.field}: no variable named {field_name!r}{later}"
                    f" in CEL expression {_one_line(expr.source)!r}",
                    loc.file,
                    loc.line or None,
                )


def compile_binding(obj: ManifestObject) -> Binding:
    from kubeplan.linter.cel.matching import parse_match

    name = obj.metadata.get("name")
    reader = _Reader(obj, f"{BINDING_KIND} {name}")
    if not isinstance(name, str) or not name:
        reader.fail("metadata.name is required")
    policy_name = reader.get(("spec", "policyName"), str, required=True)
    actions = reader.get(("spec", "validationActions"), list, None)
    if not actions:
        reader.fail("spec.validationActions is required (Deny, Warn and/or Audit)", ("spec",))
    for action in actions:
        if action not in ACTIONS:
            reader.fail(f"spec.validationActions: unknown action {action!r} (Deny, Warn, Audit)", ("spec", "validationActions"))
    if "Deny" in actions and "Warn" in actions:
        reader.fail("spec.validationActions: Deny and Warn may not be used together", ("spec", "validationActions"))
    param_ref = reader.get(("spec", "paramRef"), dict)
    if param_ref is not None:
        if param_ref.get("name") is not None and param_ref.get("selector") is not None:
            reader.fail("spec.paramRef: name and selector are mutually exclusive", ("spec", "paramRef"))
        if param_ref.get("name") is None and param_ref.get("selector") is None:
            reader.fail("spec.paramRef needs a name or a selector", ("spec", "paramRef"))
        action = param_ref.get("parameterNotFoundAction") or "Deny"
        if action not in ("Allow", "Deny"):
            reader.fail("spec.paramRef.parameterNotFoundAction must be Allow or Deny", ("spec", "paramRef"))
    loc = obj.locate(())
    match = parse_match(
        obj.get(("spec", "matchResources")),
        "spec.matchResources",
        loc.file,
        obj.locate(("spec", "matchResources")).line,
        required=False,
    )
    return Binding(name, policy_name, loc, match, tuple(actions), param_ref)


def load_policies(objects) -> tuple:
    """(policies, bindings) of the policy documents among ``objects``; other kinds are ignored."""
    policies, bindings, seen = [], [], {}
    for obj in objects:
        if not is_policy_document(obj):
            continue
        if obj.kind == BINDING_KIND:
            bindings.append(compile_binding(obj))
            continue
        if obj.kind == POLICY_KIND and obj.get(("spec", "pss")) is not None:
            continue  # evaluated by the Pod Security Standards family
        policy = compile_policy(obj)
        if policy.id in seen:
            first = seen[policy.id]
            raise KubeplanError(
                f"policy {policy.id!r} is defined twice (first at {first})", policy.location.file, policy.location.line or None
            )
        seen[policy.id] = policy.location
        policies.append(policy)
    return policies, bindings


_FIELD_TOKEN = re.compile(r"\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*\"((?:[^\"\\]|\\.)*)\"\s*\]")


def parse_field_path(text: str) -> tuple:
    """``spec.containers[0].image`` / ``.metadata.labels['app.kubernetes.io/name']`` -> a path tuple."""
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _FIELD_TOKEN.match(text, pos)
        if not m:
            break  # an unreadable tail points at what we have so far
        name, index, single, double = m.groups()
        if name is not None:
            out.append(name)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(re.sub(r"\\(.)", r"\1", single if single is not None else double))
        pos = m.end()
    return tuple(out)


# -- evaluation -------------------------------------------------------------------------------
@dataclass
class _Outcome:
    """One evaluation problem or violation, before it becomes a Finding."""

    message: str
    path: tuple = ()
    error: bool = False  # a runtime error (failurePolicy decides)
    related: list = field(default_factory=list)
    reason: str = ""


class Evaluator:
    """Applies compiled policies to the objects of one run."""

    def __init__(self, policies, bindings, objects, budget: int | None = None, param_objects=()):
        from kubeplan.linter.cel.resources import ResourceCatalog

        self.policies = list(policies)
        self.budget = budget
        self.catalog = ResourceCatalog(objects)
        self.namespaces = {}
        for obj in objects:
            if obj.kind == "Namespace" and obj.group == "" and obj.name:
                self.namespaces.setdefault(obj.name, obj.data)
        self.objects = list(objects)
        # Params may also come with the policies (objects of the policy files); those are
        # not part of the input otherwise (no namespaces, no `inputs`).
        self.param_candidates = self.objects + list(param_objects)
        self._inputs = None
        self._by_name = None
        self._templates = None
        self._selectors = None
        self._base_cache = None
        by_policy: dict = {}
        for binding in bindings:
            by_policy.setdefault(binding.policy, []).append(binding)
        self.bindings = by_policy
        self.unbound_problems = self._configuration_problems(bindings)

    def _configuration_problems(self, bindings) -> list:
        """Findings about the policy set itself (they have no object)."""
        known = {p.id for p in self.policies}
        out = []
        for binding in bindings:
            if binding.policy not in known:
                out.append(
                    Finding(
                        rule="policy-binding",
                        severity="warning",
                        message=f"binding {binding.name} refers to policy {binding.policy!r}, which is not in the input",
                        location=binding.location,
                    )
                )
        for policy in self.policies:
            if policy.kind == VAP_KIND and policy.param_kind and not self.bindings.get(policy.id):
                out.append(
                    Finding(
                        rule=policy.id,
                        severity="warning",
                        message=f"policy {policy.id} needs params ({policy.param_kind[1]}) but no binding provides them; not applied",
                        location=policy.location,
                    )
                )
            for binding in self.bindings.get(policy.id, ()):
                if policy.param_kind and binding.param_ref is None:
                    out.append(
                        Finding(
                            rule=policy.id,
                            severity="error",
                            message=f"binding {binding.name} has no paramRef but policy {policy.id} needs params ({policy.param_kind[1]})",
                            location=binding.location,
                        )
                    )
        return out

    # -- per object ------------------------------------------------------------------------
    def target(self, obj: ManifestObject):
        from kubeplan.linter.cel.matching import Target

        group = obj.group
        namespaced = self.catalog.namespaced(group, obj.kind)
        # A namespaced object without metadata.namespace lands in the client's namespace;
        # offline we assume "default", as kubectl's default context does.
        namespace = (obj.namespace or "default") if namespaced else ""
        ns_labels = None
        if namespaced and namespace:
            ns = self.namespaces.get(namespace)
            labels = (ns.get("metadata") or {}).get("labels") if isinstance(ns, dict) else None
            ns_labels = dict(labels) if isinstance(labels, dict) else {}
            ns_labels.setdefault("kubernetes.io/metadata.name", namespace)
        return Target(
            group=group,
            version=obj.version,
            kind=obj.kind,
            resource=self.catalog.resource(group, obj.kind),
            namespaced=namespaced,
            name=obj.name,
            namespace=namespace,
            labels=obj.labels,
            namespace_labels=ns_labels,
        )

    def inputs_by_name(self) -> dict:
        """``inputsByName``: kind -> namespace -> name -> object (the first of a name wins)."""
        if self._by_name is None:
            index: dict = {}
            for obj in self.objects:
                index.setdefault(obj.kind, {}).setdefault(obj.namespace, {}).setdefault(obj.name, obj.data)
            self._by_name = index
        return self._by_name

    def pod_templates(self) -> dict:
        """``podTemplates``: namespace -> "key=value" -> [{kind, name, labels}] of every pod
        template with that label ("" lists them all), so a selector looks up its first label
        instead of scanning the namespace."""
        if self._templates is None:
            index: dict = {}
            for obj in self.objects:
                pod = pod_template(obj)
                if not pod or obj.kind == "PodTemplate":
                    continue
                labels = pod[1].get("labels") if isinstance(pod[1], dict) else None
                labels = labels if isinstance(labels, dict) else {}
                entry = {"kind": obj.kind, "name": obj.name, "labels": labels}
                by_label = index.setdefault(obj.namespace, {})
                by_label.setdefault("", []).append(entry)
                for key, value in labels.items():
                    by_label.setdefault(f"{key}={value}", []).append(entry)
            self._templates = index
        return self._templates

    def selector_index(self) -> dict:
        """``selectorIndex``: kind -> namespace -> "key=value" -> objects whose selector requires
        that label (Service ``spec.selector``; ``spec.selector.matchLabels`` of
        PodDisruptionBudgets and workloads; NetworkPolicy ``spec.podSelector.matchLabels``).
        Objects whose selector requires no label (``{}``, matchExpressions only) are under "",
        so a pod template's candidates are its labels' entries plus ""."""
        if self._selectors is None:
            index: dict = {}
            for obj in self.objects:
                spec = obj.data.get("spec")
                if not isinstance(spec, dict):
                    continue
                if obj.kind == "Service":
                    selector = spec.get("selector")
                    if not isinstance(selector, dict) or not selector:
                        continue  # no selector: endpoints are managed by hand
                    required = selector
                elif obj.kind == "NetworkPolicy":
                    selector = spec.get("podSelector")
                    required = selector.get("matchLabels") if isinstance(selector, dict) else None
                else:
                    selector = spec.get("selector")
                    if not isinstance(selector, dict):
                        continue
                    required = selector.get("matchLabels")
                by_label = index.setdefault(obj.kind, {}).setdefault(obj.namespace, {})
                pairs = [f"{k}={v}" for k, v in required.items()] if isinstance(required, dict) else []
                for pair in pairs or [""]:
                    by_label.setdefault(pair, []).append(obj.data)
            self._selectors = index
        return self._selectors

    def inputs(self) -> dict:
        """``inputs``: kind -> namespace ("" for cluster-scoped) -> list of objects, in input order."""
        if self._inputs is None:
            index: dict = {}
            for obj in self.objects:
                index.setdefault(obj.kind, {}).setdefault(obj.namespace, []).append(obj.data)
            self._inputs = index
        return self._inputs

    def check(self, obj: ManifestObject) -> list:
        findings = []
        target = None
        pod = None
        for policy in self.policies:
            if policy.needs_pod:
                if pod is None:
                    pod = pod_template(obj) or False
                if pod is False:
                    continue
            if target is None:
                target = self.target(obj)
            if policy.match is not None and not policy.match.matches(target):
                continue
            bindings = self.bindings.get(policy.id)
            if not bindings:
                if policy.kind == VAP_KIND and policy.param_kind:
                    continue  # reported once in unbound_problems
                bindings = [None]
            for binding in bindings:
                findings.extend(self._apply(policy, binding, obj, target, pod))
        return findings

    def _apply(self, policy: Policy, binding, obj, target, pod) -> list:
        if binding is not None and binding.match is not None and not binding.match.matches(target):
            return []
        actions = binding.actions if binding is not None else ("Deny",)
        if policy.kind == POLICY_KIND:
            severity = policy.severity
        else:
            severity = "error" if "Deny" in actions else "warning"
        params_list = [None]
        if policy.param_kind:
            params_list = self._params(policy, binding, target)
            if params_list is None:
                return []  # parameterNotFoundAction: Allow
            if not params_list:
                message = f"no params ({policy.param_kind[1]}) found for binding {binding.name}; parameterNotFoundAction is Deny"
                outcome = _Outcome(message, related=[_note(binding.location, "policy binding")])
                return [self._finding(policy, binding, obj, severity, outcome, actions)]
        out = []
        for params in params_list:
            for outcome in self._evaluate(policy, obj, target, pod, params):
                if outcome.error:
                    # A policy that cannot judge the object is an error of its own (a warning
                    # with failurePolicy: Ignore); a VAP's Warn/Audit binding keeps it a warning.
                    fail_level = severity if policy.kind == VAP_KIND else "error"
                    level = fail_level if policy.failure_policy == "Fail" else "warning"
                else:
                    level = severity
                out.append(self._finding(policy, binding, obj, level, outcome, actions))
        return out

    def _params(self, policy, binding, target):
        """Param objects for the binding; None means "not found, allow"."""
        from kubeplan.linter.cel.matching import parse_selector

        ref = binding.param_ref or {}
        api_version, kind = policy.param_kind
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        namespaced = self.catalog.namespaced(group, kind)
        namespace = ref.get("namespace")
        if namespace is None and namespaced:
            namespace = target.namespace or None
        candidates = [
            o
            for o in self.param_candidates
            if o.kind == kind
            and o.api_version == api_version
            and (not namespaced or namespace is None or o.namespace == namespace)
            and (not namespaced or namespace is not None)
        ]
        if ref.get("name") is not None:
            candidates = [o for o in candidates if o.name == ref["name"]]
        else:
            selector = parse_selector(ref.get("selector"), "spec.paramRef.selector", binding.location.file, binding.location.line)
            if selector is not None:
                candidates = [o for o in candidates if selector.matches(o.labels)]
        if not candidates:
            return None if ref.get("parameterNotFoundAction") == "Allow" else []
        return [o.data for o in candidates]

    def _base_activation(self, obj, target, pod) -> dict:
        """The variables every policy sees for ``obj``; built once per object (CEL cannot
        change them, so policies may share them)."""
        cached = self._base_cache
        if cached is not None and cached[0] is obj:
            return cached[1]
        from kubeplan.linter.cel.admission import AUTHORIZER, make_request, minimal_namespace

        namespace_object = None
        if target.namespaced and target.namespace:
            namespace_object = self.namespaces.get(target.namespace) or minimal_namespace(target.namespace)
        base = {
            "object": obj.data,
            "oldObject": None,
            "request": make_request(target),
            "params": None,
            "namespaceObject": namespace_object,
            "authorizer": AUTHORIZER,
            "podSpec": None,
            "podMeta": None,
            "podPath": "",
        }
        if pod is None:
            pod = pod_template(obj)
        if pod:
            prefix, meta, spec = pod
            base.update(podSpec=spec, podMeta=meta, podPath=_path_text(prefix))
        self._base_cache = (obj, base)
        return base

    def activation(self, policy: Policy, obj, target, pod, params) -> dict:
        from kubeplan.linter.cel.admission import LazyVariables

        activation = dict(self._base_activation(obj, target, pod))
        activation["params"] = params
        if policy.needs_inputs:
            activation["inputs"] = self.inputs()
            activation["inputsByName"] = self.inputs_by_name()
            activation["podTemplates"] = self.pod_templates()
            activation["selectorIndex"] = self.selector_index()
        if policy.variables:
            programs = {v.name: v.program for v in policy.variables}
            activation["variables"] = LazyVariables(programs, activation, self.budget)
        else:
            activation["variables"] = _no_variables()
        return activation

    def _evaluate(self, policy: Policy, obj, target, pod, params) -> list:
        from kubeplan.linter.cel import CelError

        activation = self.activation(policy, obj, target, pod, params)
        # matchConditions: any false skips the policy; errors (and no false) follow failurePolicy.
        condition_error = None
        for cond in policy.match_conditions:
            try:
                value = cond.program.evaluate(activation, self.budget)
            except CelError as exc:
                condition_error = condition_error or (cond, exc.message)
                continue
            if value is False:
                return []
            if value is not True:
                condition_error = condition_error or (cond, f"returned {_type_word(value)}, not a bool")
        if condition_error:
            cond, message = condition_error
            return [self._error(f"matchCondition {cond.name!r}", cond, message)]

        out = []
        for validation in policy.validations:
            expr = validation.expr
            try:
                value = expr.program.evaluate(activation, self.budget)
            except CelError as exc:
                out.append(self._error("validation", expr, exc.message))
                continue
            if value is True:
                continue
            if value is not False:
                out.append(self._error("validation", expr, f"returned {_type_word(value)}, not a bool"))
                continue
            out.append(
                _Outcome(
                    self._message(validation, activation),
                    validation.field_path or (),
                    related=[_note(expr.location, "policy validation")],
                    reason=validation.reason,
                )
            )
        for expr in policy.violations:
            try:
                value = expr.program.evaluate(activation, self.budget)
            except CelError as exc:
                out.append(self._error("violations", expr, exc.message))
                continue
            try:
                found = _violations(value)
            except ValueError as exc:
                out.append(self._error("violations", expr, str(exc)))
                continue
            for outcome in found:
                outcome.related = [_note(expr.location, "policy violation expression")]
            out.extend(found)
        return out

    def _message(self, validation: Validation, activation) -> str:
        from kubeplan.linter.cel import CelError

        if validation.message_expr is not None:
            try:
                value = validation.message_expr.program.evaluate(activation, self.budget)
            except CelError:
                value = None
            # As the API server: a messageExpression that fails, or gives an empty or
            # multi-line string, falls back to message.
            if isinstance(value, str) and value.strip() and "\n" not in value:
                return value.strip()
        if validation.message:
            return validation.message
        return f"failed expression: {_one_line(validation.expr.source)}"

    @staticmethod
    def _error(what: str, expr: Expr, message: str) -> _Outcome:
        loc = expr.location
        return _Outcome(
            f"{what} could not be evaluated: {message} ({loc.file}:{loc.line}: {_one_line(expr.source, 120)})",
            error=True,
            related=[Location(loc.file, loc.line, loc.column, "policy expression")],
        )

    def _finding(self, policy: Policy, binding, obj, severity, outcome: _Outcome, actions) -> Finding:
        extra = {}
        if policy.category:
            extra["category"] = policy.category
        if policy.kind == VAP_KIND:
            info = {"validationActions": list(actions), "failurePolicy": policy.failure_policy}
            if binding is not None:
                info["binding"] = binding.name
            if outcome.reason:
                info["reason"] = outcome.reason
            extra["admission"] = info
        finding = Finding.at(policy.id, severity, outcome.message, obj, outcome.path, **extra)
        finding.related = list(outcome.related) + finding.related
        return finding


_EMPTY_VARIABLES = None


def _no_variables():
    """``variables`` of a policy that declares none (shared: it holds no state)."""
    global _EMPTY_VARIABLES
    if _EMPTY_VARIABLES is None:
        from kubeplan.linter.cel.admission import LazyVariables

        _EMPTY_VARIABLES = LazyVariables({}, {}, None)
    return _EMPTY_VARIABLES


def _note(location: Location, note: str) -> Location:
    return Location(location.file, location.line, location.column, note)


def _type_word(value) -> str:
    from kubeplan.linter.cel.values import type_name

    return f"a {type_name(value)}"


def _path_text(path: tuple) -> str:
    from kubeplan.model.objects import format_path

    return format_path(path)


def _violations(value) -> list:
    """A violations expression's result: a list of messages or {'message', 'path'} maps."""
    if not isinstance(value, list):
        raise ValueError(f"a violations expression must return a list, not {_type_word(value)}")
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(_Outcome(item))
        elif isinstance(item, dict):
            message = item.get("message")
            path = item.get("path", "")
            if not isinstance(message, str) or not isinstance(path, str):
                raise ValueError("each violation map needs a string 'message' (and optionally a string 'path')")
            out.append(_Outcome(message, parse_field_path(path) if path else ()))
        else:
            raise ValueError(f"each violation must be a string or a map, not {_type_word(item)}")
    return out


def pod_template(obj: ManifestObject):
    """(path prefix, pod metadata, pod spec) of the pod an object runs, or None."""
    prefix = POD_TEMPLATE_PATHS.get((obj.group, obj.kind))
    if prefix is None:
        return None
    template = obj.get(prefix) if prefix else obj.data
    if not isinstance(template, dict):
        template = {}
    meta = template.get("metadata")
    spec = template.get("spec")
    return prefix, meta if isinstance(meta, dict) else {}, spec if isinstance(spec, dict) else {}
