"""``matchConstraints`` / ``matchResources`` as the API server applies them to a CREATE:
resourceRules, excludeResourceRules, namespaceSelector, objectSelector, matchPolicy.

Every rule is checked when the policy is loaded, so a bad selector is a user error at
load time, not a surprise per object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError

OPERATIONS = frozenset({"*", "CREATE", "UPDATE", "DELETE", "CONNECT"})
_SELECTOR_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})

# API groups that serve the same resources (matchPolicy: Equivalent).
_EQUIVALENT_GROUPS = {
    ("extensions", "deployments"): "apps",
    ("extensions", "daemonsets"): "apps",
    ("extensions", "replicasets"): "apps",
    ("extensions", "networkpolicies"): "networking.k8s.io",
    ("extensions", "ingresses"): "networking.k8s.io",
    ("extensions", "podsecuritypolicies"): "policy",
}


@dataclass(frozen=True)
class Target:
    """What one object looks like to admission: a CREATE of this resource."""

    group: str
    version: str
    kind: str
    resource: str
    namespaced: bool
    name: str
    namespace: str
    labels: dict
    namespace_labels: dict | None  # None when the namespace is unknown / object cluster-scoped


@dataclass
class LabelSelector:
    match_labels: dict = field(default_factory=dict)
    expressions: list = field(default_factory=list)  # (key, operator, values)

    def matches(self, labels: dict) -> bool:
        for key, value in self.match_labels.items():
            if labels.get(key) != value:
                return False
        for key, operator, values in self.expressions:
            present = key in labels
            if operator == "In" and not (present and labels[key] in values):
                return False
            if operator == "NotIn" and present and labels[key] in values:
                return False
            if operator == "Exists" and not present:
                return False
            if operator == "DoesNotExist" and present:
                return False
        return True

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.expressions


def parse_selector(value, where: str, file: str, line: int) -> LabelSelector | None:
    """A metav1.LabelSelector; None (absent) matches everything, like an empty selector."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise KubeplanError(f"{where}: a label selector must be a mapping", file, line)
    match_labels = value.get("matchLabels") or {}
    if not isinstance(match_labels, dict) or not all(isinstance(v, str) for v in match_labels.values()):
        raise KubeplanError(f"{where}.matchLabels: must map label names to strings", file, line)
    expressions = []
    for i, expr in enumerate(value.get("matchExpressions") or []):
        if not isinstance(expr, dict):
            raise KubeplanError(f"{where}.matchExpressions[{i}]: must be a mapping", file, line)
        key, operator, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if not isinstance(key, str) or operator not in _SELECTOR_OPERATORS:
            raise KubeplanError(
                f"{where}.matchExpressions[{i}]: needs a key and an operator (In, NotIn, Exists, DoesNotExist)", file, line
            )
        if operator in ("In", "NotIn") and (not isinstance(values, list) or not values):
            raise KubeplanError(f"{where}.matchExpressions[{i}]: {operator} needs a non-empty values list", file, line)
        if operator in ("Exists", "DoesNotExist") and values:
            raise KubeplanError(f"{where}.matchExpressions[{i}]: {operator} takes no values", file, line)
        expressions.append((key, operator, frozenset(str(v) for v in values)))
    return LabelSelector(dict(match_labels), expressions)


@dataclass
class ResourceRule:
    groups: tuple
    versions: tuple
    resources: tuple
    operations: tuple
    names: tuple
    scope: str

    def matches(self, target: Target, equivalent: bool) -> bool:
        if "*" not in self.operations and "CREATE" not in self.operations:
            return False
        if self.names and target.name not in self.names:
            return False
        if self.scope == "Cluster" and target.namespaced:
            return False
        if self.scope == "Namespaced" and not target.namespaced:
            return False
        if not self._resource_matches(target.resource):
            return False
        if self._group_version_matches(target.group, target.version):
            return True
        if equivalent:
            # Equivalent: a rule for apps/v1 deployments also sees extensions/v1beta1 ones,
            # and a rule naming one version of a group sees the others (the API server
            # converts the object to the version the rule names).
            other = _EQUIVALENT_GROUPS.get((target.group, target.resource))
            groups = {target.group, other} if other else {target.group}
            return any("*" in self.groups or g in self.groups for g in groups)
        return False

    def _resource_matches(self, resource: str) -> bool:
        for pattern in self.resources:
            if pattern in ("*", "*/*") or pattern == resource:
                return True
        return False

    def _group_version_matches(self, group: str, version: str) -> bool:
        return ("*" in self.groups or group in self.groups) and ("*" in self.versions or version in self.versions)


def _strings(value, where, file, line) -> tuple:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KubeplanError(f"{where}: must be a list of strings", file, line)
    return tuple(value)


def parse_rules(value, where: str, file: str, line: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise KubeplanError(f"{where}: must be a list of rules", file, line)
    rules = []
    for i, rule in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(rule, dict):
            raise KubeplanError(f"{at}: must be a mapping", file, line)
        operations = _strings(rule.get("operations"), f"{at}.operations", file, line)
        unknown = [op for op in operations if op not in OPERATIONS]
        if unknown:
            raise KubeplanError(f"{at}.operations: unknown operation {unknown[0]!r} (CREATE, UPDATE, DELETE, CONNECT, *)", file, line)
        scope = rule.get("scope") or "*"
        if scope not in ("*", "Cluster", "Namespaced"):
            raise KubeplanError(f"{at}.scope: must be *, Cluster or Namespaced", file, line)
        rules.append(
            ResourceRule(
                groups=_strings(rule.get("apiGroups"), f"{at}.apiGroups", file, line),
                versions=_strings(rule.get("apiVersions"), f"{at}.apiVersions", file, line),
                # Subresource patterns ("pods/status", "pods/*") never match the CREATE
                # of an object itself; "*/*" does.
                resources=tuple(
                    r for r in _strings(rule.get("resources"), f"{at}.resources", file, line) if "/" not in r or r == "*/*"
                ),
                operations=operations,
                names=_strings(rule.get("resourceNames"), f"{at}.resourceNames", file, line),
                scope=scope,
            )
        )
    return rules


@dataclass
class MatchResources:
    rules: list
    exclude: list
    namespace_selector: LabelSelector | None
    object_selector: LabelSelector | None
    equivalent: bool = True

    def matches(self, target: Target) -> bool:
        # A binding without resourceRules does not narrow what its policy matches.
        if self.rules and not any(rule.matches(target, self.equivalent) for rule in self.rules):
            return False
        if any(rule.matches(target, self.equivalent) for rule in self.exclude):
            return False
        if self.object_selector is not None and not self.object_selector.matches(target.labels):
            return False
        if self.namespace_selector is not None and not self.namespace_selector.empty:
            if target.kind == "Namespace" and target.group == "":
                # A Namespace is matched against its own labels.
                return self.namespace_selector.matches(target.labels)
            if target.namespaced:
                return self.namespace_selector.matches(target.namespace_labels or {})
        return True


def parse_match(value, where: str, file: str, line: int, required: bool) -> MatchResources | None:
    if value is None:
        if required:
            raise KubeplanError(f"{where}: required (which resources the policy applies to)", file, line)
        return None
    if not isinstance(value, dict):
        raise KubeplanError(f"{where}: must be a mapping", file, line)
    policy = value.get("matchPolicy") or "Equivalent"
    if policy not in ("Equivalent", "Exact"):
        raise KubeplanError(f"{where}.matchPolicy: must be Equivalent or Exact", file, line)
    rules = parse_rules(value.get("resourceRules"), f"{where}.resourceRules", file, line)
    if required and not rules:
        raise KubeplanError(f"{where}.resourceRules: at least one rule is required", file, line)
    return MatchResources(
        rules=rules,
        exclude=parse_rules(value.get("excludeResourceRules"), f"{where}.excludeResourceRules", file, line),
        namespace_selector=parse_selector(value.get("namespaceSelector"), f"{where}.namespaceSelector", file, line),
        object_selector=parse_selector(value.get("objectSelector"), f"{where}.objectSelector", file, line),
        equivalent=policy == "Equivalent",
    )
