"""Effective RBAC permissions of the objects in the input, answered as the API server's RBAC
authorizer answers them.

How the authorizer decides (pkg/registry/rbac/validation, plugin/pkg/auth/authorizer/rbac):
a request is allowed when some ClusterRoleBinding, or some RoleBinding in the request's
namespace, names one of the user's subjects and refers to a role with a rule that covers
the request. RoleBindings never grant cluster-scoped resources. A rule covers a request when
its verbs, apiGroups and resources match (``*`` matches anything; ``*/sub`` any resource's
subresource ``sub``), and resourceNames is empty or holds the request's name. Non-resource
URLs (``/healthz``) are matched by ClusterRoles only, ``/path*`` as a prefix. ClusterRoles
with an ``aggregationRule`` get the rules of every ClusterRole whose labels match.

Offline, only bindings in the input grant anything; the cluster's built-in bindings
(``system:discovery``, ``system:basic-user``...) are not assumed. A binding to one of the
user-facing built-in ClusterRoles (cluster-admin, admin, edit, view) that the input does not
define uses the bootstrap policy's rules (``data/builtin_roles.yaml``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from kubeplan.errors import KubeplanError

RBAC_GROUP = "rbac.authorization.k8s.io"
_DATA = os.path.join(os.path.dirname(__file__), "data")


@lru_cache(maxsize=1)
def _resource_table():
    import yaml

    with open(os.path.join(_DATA, "resources.yaml"), encoding="utf-8") as fh:
        raw = yaml.load(fh, Loader=yaml.CSafeLoader)
    table = {}  # plural -> list of (group, namespaced)
    for scope, groups in (("namespaced", True), ("cluster", False)):
        for group, resources in raw[scope].items():
            for resource in resources:
                table.setdefault(resource, []).append((group, scope == "namespaced"))
    return table


@lru_cache(maxsize=1)
def builtin_roles() -> dict:
    import yaml

    with open(os.path.join(_DATA, "builtin_roles.yaml"), encoding="utf-8") as fh:
        raw = yaml.load(fh, Loader=yaml.CSafeLoader)
    resolved: dict = {}

    def rules_of(name):
        if name in resolved:
            return resolved[name]
        out = []
        for rule in raw[name]:
            if "aggregate" in rule:
                out.extend(rules_of(rule["aggregate"]))
            else:
                out.append(rule)
        resolved[name] = out
        return out

    for name in raw:
        rules_of(name)
    return resolved


@dataclass(frozen=True)
class Subject:
    """Who asks: a user name and the groups the authenticator gives it."""

    user: str
    groups: tuple
    display: str

    @classmethod
    def parse(cls, text: str, extra_groups=()) -> "Subject":
        if text.startswith("system:serviceaccount:"):
            parts = text.split(":")
            if len(parts) != 4 or not parts[2] or not parts[3]:
                raise KubeplanError(f"{text!r}: a service account is system:serviceaccount:NAMESPACE:NAME")
            ns = parts[2]
            groups = ("system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated")
            return cls(text, groups + tuple(extra_groups), text)
        if text.startswith("user:"):
            name = text[5:]
            groups = () if name == "system:anonymous" else ("system:authenticated",)
            if name == "system:anonymous":
                groups = ("system:unauthenticated",)
            return cls(name, groups + tuple(extra_groups), text)
        if text.startswith("group:"):
            return cls("", (text[6:],) + tuple(extra_groups), text)
        raise KubeplanError(
            f"{text!r}: name a subject as system:serviceaccount:NAMESPACE:NAME, user:NAME or group:NAME"
        )

    def matches(self, subject: dict, binding_namespace: str) -> bool:
        kind = subject.get("kind")
        name = subject.get("name")
        if kind == "User":
            return bool(self.user) and name == self.user
        if kind == "Group":
            return name in self.groups
        if kind == "ServiceAccount":
            ns = subject.get("namespace") or binding_namespace
            return self.user == f"system:serviceaccount:{ns}:{name}"
        return False


@dataclass(frozen=True)
class Request:
    verb: str
    group: str = ""
    resource: str = ""  # plural
    subresource: str = ""
    name: str = ""
    namespace: str = ""  # "" for cluster-scoped resources and non-resource URLs
    path: str = ""  # non-resource URL
    namespaced: bool = True

    @property
    def resource_text(self) -> str:
        if self.path:
            return self.path
        text = self.resource + (f".{self.group}" if self.group else "")
        return text + (f"/{self.subresource}" if self.subresource else "")


@dataclass
class Grant:
    """One way a request is allowed: a binding, its role, and the rule."""

    binding_kind: str
    binding_name: str
    binding_namespace: str
    role_kind: str
    role_name: str
    rule: dict
    subject: dict = field(default_factory=dict)

    def describe(self) -> str:
        where = f"{self.binding_namespace}/" if self.binding_namespace else ""
        return f"{self.binding_kind} {where}{self.binding_name} -> {self.role_kind} {self.role_name}"


class RbacModel:
    """Roles, ClusterRoles and bindings of one input, with aggregation resolved."""

    def __init__(self, objects):
        self.roles: dict = {}  # (namespace, name) -> rules
        self.cluster_roles: dict = {}  # name -> rules
        self.bindings: list = []  # (kind, namespace, name, data)
        self.crd_resources: dict = {}  # plural -> (group, namespaced)
        self.sources: dict = {}  # ("Role", ns, name) / ("ClusterRole", "", name) -> ManifestObject
        aggregating = []
        labels: dict = {}
        for obj in objects:
            data = obj.data
            if obj.group == RBAC_GROUP:
                rules = [r for r in data.get("rules") or [] if isinstance(r, dict)]
                if obj.kind == "Role":
                    self.roles[(obj.namespace or "default", obj.name)] = rules
                    self.sources[("Role", obj.namespace or "default", obj.name)] = obj
                elif obj.kind == "ClusterRole":
                    self.cluster_roles[obj.name] = rules
                    self.sources[("ClusterRole", "", obj.name)] = obj
                    labels[obj.name] = obj.labels
                    if isinstance(data.get("aggregationRule"), dict):
                        aggregating.append((obj.name, data["aggregationRule"]))
                elif obj.kind in ("RoleBinding", "ClusterRoleBinding"):
                    ns = (obj.namespace or "default") if obj.kind == "RoleBinding" else ""
                    self.bindings.append((obj.kind, ns, obj.name, data, obj))
            elif obj.kind == "CustomResourceDefinition":
                spec = data.get("spec") or {}
                names = spec.get("names") or {}
                if isinstance(names.get("plural"), str):
                    self.crd_resources[names["plural"]] = (spec.get("group", ""), spec.get("scope") != "Cluster")
        from kubeplan.analysis.selectors import label_selector_matches

        for name, rule in sorted(aggregating, key=lambda x: x[0]):
            selectors = rule.get("clusterRoleSelectors") or []
            merged = list(self.cluster_roles.get(name, []))
            for other in sorted(self.cluster_roles):
                if other == name:
                    continue
                if any(isinstance(s, dict) and label_selector_matches(s, labels.get(other, {})) for s in selectors):
                    merged.extend(self.cluster_roles[other])
            self.cluster_roles[name] = merged
        self.bindings.sort(key=lambda b: (b[0] != "ClusterRoleBinding", b[1], b[2]))

    # -- requests -------------------------------------------------------------------
    def request(self, verb: str, resource: str, namespace: str | None, all_namespaces: bool = False) -> Request:
        """A request from kubectl-style arguments: ``pods``, ``pods/log``, ``deployments.apps/scale``,
        ``secrets/db-password`` is not a name (use ``--name``), ``/healthz`` a non-resource URL."""
        if resource.startswith("/"):
            return Request(verb=verb, path=resource, namespaced=False)
        base, _, sub = resource.partition("/")
        plural, _, group = base.partition(".")
        plural = plural.lower()
        candidates = list(_resource_table().get(plural, ()))
        if plural in self.crd_resources:
            candidates.append(self.crd_resources[plural])
        if plural == "*":
            candidates = [(group, True)]
        if group:
            candidates = [c for c in candidates if c[0] == group] or [(group, True)]
        if not candidates:
            raise KubeplanError(
                f"the server doesn't have a resource type {plural!r} (give its group, e.g. {plural}.example.com, "
                "or put its CustomResourceDefinition in the input)"
            )
        group, namespaced = candidates[0]
        ns = "" if not namespaced or all_namespaces else (namespace or "default")
        return Request(verb=verb, group=group, resource=plural, subresource=sub, namespace=ns, namespaced=namespaced)

    # -- the authorizer ---------------------------------------------------------------
    def role_rules(self, role_ref: dict, binding_namespace: str):
        kind = role_ref.get("kind")
        name = role_ref.get("name")
        if kind == "ClusterRole":
            if name in self.cluster_roles:
                return self.cluster_roles[name]
            return builtin_roles().get(name)
        if kind == "Role":
            return self.roles.get((binding_namespace, name))
        return None

    def grants(self, subject: Subject, request: Request):
        """Every (binding, rule) that allows ``request`` for ``subject``, in a stable order."""
        out = []
        for kind, ns, name, data, _obj in self.bindings:
            if kind == "RoleBinding":
                if not request.namespaced or request.path or ns != request.namespace:
                    continue
            subjects = [s for s in data.get("subjects") or [] if isinstance(s, dict)]
            matched = next((s for s in subjects if subject.matches(s, ns)), None)
            if matched is None:
                continue
            role_ref = data.get("roleRef") or {}
            rules = self.role_rules(role_ref, ns)
            if not rules:
                continue
            for rule in rules:
                if rule_allows(rule, request):
                    out.append(Grant(kind, name, ns, role_ref.get("kind", ""), role_ref.get("name", ""), rule, matched))
                    break
        return out

    def who_can(self, request: Request):
        """[(subject dict, Grant)] for every subject of a binding that allows the request."""
        out = []
        for kind, ns, name, data, _obj in self.bindings:
            if kind == "RoleBinding" and (not request.namespaced or request.path or ns != request.namespace):
                continue
            role_ref = data.get("roleRef") or {}
            rules = self.role_rules(role_ref, ns) or []
            rule = next((r for r in rules if rule_allows(r, request)), None)
            if rule is None:
                continue
            for s in data.get("subjects") or []:
                if isinstance(s, dict):
                    subject = dict(s)
                    if subject.get("kind") == "ServiceAccount" and not subject.get("namespace"):
                        subject["namespace"] = ns
                    out.append((subject, Grant(kind, name, ns, role_ref.get("kind", ""), role_ref.get("name", ""), rule, subject)))
        return out


def _matches(values, wanted: str) -> bool:
    return isinstance(values, list) and ("*" in values or wanted in values)


def rule_allows(rule: dict, request: Request) -> bool:
    verbs = rule.get("verbs")
    if not _matches(verbs, request.verb):
        return False
    if request.path:
        for url in rule.get("nonResourceURLs") or []:
            if url == request.path or url == "*" or (url.endswith("*") and request.path.startswith(url[:-1])):
                return True
        return False
    if rule.get("nonResourceURLs") and not rule.get("resources"):
        return False
    if not _matches(rule.get("apiGroups"), request.group):
        return False
    resources = rule.get("resources")
    if not isinstance(resources, list):
        return False
    combined = request.resource + (f"/{request.subresource}" if request.subresource else "")
    ok = False
    for resource in resources:
        if resource == "*" or resource == combined:
            ok = True
            break
        if request.subresource and resource == f"*/{request.subresource}":
            ok = True
            break
    if not ok:
        return False
    names = rule.get("resourceNames")
    if names:
        return bool(request.name) and request.name in names
    return True


def subject_text(subject: dict) -> str:
    kind = subject.get("kind")
    if kind == "ServiceAccount":
        return f"system:serviceaccount:{subject.get('namespace', '')}:{subject.get('name', '')}"
    if kind == "Group":
        return f"group:{subject.get('name', '')}"
    return f"user:{subject.get('name', '')}"
