"""Lint family: RBAC rules that need effective permissions — every Role, ClusterRole
(aggregation included), built-in role and binding of the input, as the RBAC authorizer
(``kubeplan.analysis.rbac``) resolves them. The single-object RBAC rules are CEL policies
in ``policies/rbac/``.

Bindings are indexed by subject once, so the permissions of one account cost the bindings
that name it (or its groups), not every binding of the input.
"""

from __future__ import annotations

from dataclasses import dataclass

SECRETS_CLUSTER_WIDE = "rbac-secrets-read-cluster-wide"
POD_CREATE_ESCALATION = "rbac-pod-create-escalation"
TOKEN_AUTOMOUNT_RISKY = "rbac-token-automount-risky"

# id -> (severity, category, summary, doc); shown by `kubeplan policies list/explain`.
RULES = {
    SECRETS_CLUSTER_WIDE: (
        "warning",
        "rbac",
        "A ClusterRoleBinding should not grant reading Secrets in every namespace.",
        """What it checks: a ClusterRoleBinding whose ClusterRole, after aggregation
(`aggregationRule`) and with the built-in roles' bootstrap rules, lets its subjects `get`,
`list` or `watch` Secrets of the core API group in every namespace. Roles granting `*` on
`*` are left to `rbac-cluster-admin-binding`.

Why it matters: reading Secrets in every namespace is reading every credential of the
cluster, every ServiceAccount token included; it makes the subject (often a monitoring or
backup agent) as valuable to an attacker as cluster-admin. Aggregation hides it: the
bound role may list no Secrets itself.

Fails:
  kind: ClusterRole
  metadata: {name: read-core, labels: {aggregate-to-monitoring: "true"}}
  rules: [{apiGroups: [""], resources: [pods, secrets], verbs: [get, list, watch]}]
  # aggregated into a ClusterRole bound by a ClusterRoleBinding

Fix: drop `secrets` from the rule, or grant it through RoleBindings in the namespaces
that need it, with `resourceNames` where you can.""",
    ),
    POD_CREATE_ESCALATION: (
        "warning",
        "rbac",
        "A subject that can create pods can act as every ServiceAccount of the namespace.",
        """What it checks: a subject of a binding whose role lets it `create` pods (or
Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs or
ReplicationControllers, whose controllers create the pods) in a
namespace (a RoleBinding: that namespace; a ClusterRoleBinding: every namespace), while a
ServiceAccount there holds a risky permission the subject itself does not hold: read
Secrets; create pods, pods/exec, pods/attach, pods/portforward or serviceaccounts/token;
nodes/proxy; approve CSRs; escalate, bind or impersonate; write RBAC objects or webhook
configurations. The finding names the account, the permission it reaches and the binding
that grants it. ServiceAccounts are those of the input, those named by bindings and those
pod templates run as.

Why it matters: whoever creates a pod chooses its `serviceAccountName` and gets that
account's token mounted; RBAC does not check that the creator may act as the account. The
subject's effective permissions are the union of its own and those of every account it can
run a pod as.

Fails: Group `devs` may create pods in `shop` (ClusterRole edit through a RoleBinding)
while ServiceAccount `shop/deployer` may write RoleBindings.

Fix: move the powerful account to a namespace the subject cannot create pods in, or take
pod creation away from the subject (let it edit Deployments through a pipeline instead).""",
    ),
    TOKEN_AUTOMOUNT_RISKY: (
        "warning",
        "security",
        "Pods should not automount the token of a ServiceAccount that holds risky permissions.",
        """What it checks: a pod template whose ServiceAccount (`serviceAccountName`, or
`default`) holds a risky permission (read Secrets; create pods, pods/exec, pods/attach,
pods/portforward or serviceaccounts/token; nodes/proxy; approve CSRs; escalate, bind or
impersonate; write RBAC objects or webhook configurations) and whose token is mounted:
`automountServiceAccountToken` is not `false` on the pod, nor (when the pod does not set it)
on the ServiceAccount.

Why it matters: the token is a file in every container of the pod. Anyone who gets code
execution in any of them (a vulnerable dependency, an exposed debug endpoint) holds the
account's permissions.

Fails: a Deployment running as ServiceAccount `ci` bound to a role that creates
RoleBindings, with no `automountServiceAccountToken: false`.

Fix: set `automountServiceAccountToken: false` where the pod does not call the API; where
it does, cut the account's role to what the pod calls, or use a projected token with a
short lifetime and an audience.""",
    ),
}

_WRITE = ("create", "update", "patch", "delete", "deletecollection")
# Creating any of these runs pods as a ServiceAccount of the creator's choosing: the
# controllers create the pods, and RBAC never checks the account.
POD_RUNNERS = (
    ("", "pods"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
)


def _probes():
    """(what a permission lets you do, [(verb, group, resource, subresource, namespaced)])."""
    rbac = "rbac.authorization.k8s.io"
    admission = "admissionregistration.k8s.io"
    return (
        ("read secrets", [(v, "", "secrets", "", True) for v in ("get", "list", "watch")]),
        ("create pods", [("create", "", "pods", "", True)]),
        ("exec into pods", [("create", "", "pods", "exec", True)]),
        ("attach to pods", [("create", "", "pods", "attach", True)]),
        ("port-forward to pods", [("create", "", "pods", "portforward", True)]),
        ("request ServiceAccount tokens", [("create", "", "serviceaccounts", "token", True)]),
        ("proxy to the kubelet (nodes/proxy)", [(v, "", "nodes", "proxy", False) for v in ("create", "get")]),
        ("approve CSRs", [("update", "certificates.k8s.io", "certificatesigningrequests", "approval", False)]),
        ("escalate roles", [("escalate", rbac, r, "", r == "roles") for r in ("roles", "clusterroles")]),
        ("bind roles", [("bind", rbac, r, "", r == "roles") for r in ("roles", "clusterroles")]),
        ("impersonate", [("impersonate", "", r, "", r == "serviceaccounts") for r in ("users", "groups", "serviceaccounts")]),
        (
            "write RBAC objects",
            [
                (v, rbac, r, "", r in ("roles", "rolebindings"))
                for r in ("roles", "rolebindings", "clusterroles", "clusterrolebindings")
                for v in _WRITE
            ],
        ),
        (
            "write admission webhook configurations",
            [(v, admission, r, "", False) for r in ("validatingwebhookconfigurations", "mutatingwebhookconfigurations") for v in _WRITE],
        ),
    )


@dataclass(frozen=True)
class Reach:
    """A risky permission one subject holds, where, and through which binding."""

    what: str
    scope: str  # a namespace, or "" for every namespace / cluster-wide
    via: str

    def key(self):
        return (self.what, self.scope)

    def text(self) -> str:
        where = f' in namespace "{self.scope}"' if self.scope else " cluster-wide"
        return f"{self.what}{where} ({self.via})"


def _is_superuser(rules) -> bool:
    return any(
        "*" in (r.get("verbs") or []) and "*" in (r.get("resources") or []) and "*" in (r.get("apiGroups") or [])
        for r in rules
    )


class Permissions:
    """Risky permissions of subjects, from bindings indexed by subject."""

    def __init__(self, model):
        from kubeplan.analysis.rbac import Request

        self.model = model
        self.by_subject: dict = {}  # ("User", name) | ("Group", name) | ("ServiceAccount", ns, name) -> [binding]
        for binding in model.bindings:
            _kind, ns, _name, data, _obj = binding
            for subject in _subjects(data):
                key = _subject_key(subject, ns)
                if key is not None:
                    bucket = self.by_subject.setdefault(key, [])
                    if not bucket or bucket[-1] is not binding:
                        bucket.append(binding)
        self.probes = [
            (what, [Request(verb=v, group=g, resource=r, subresource=s, namespaced=n) for v, g, r, s, n in requests])
            for what, requests in _probes()
        ]
        self._cache: dict = {}
        self._roles: dict = {}

    def reaches(self, keys) -> list:
        """Risky permissions held through the bindings that name any of ``keys``."""
        keys = tuple(keys)
        if keys in self._cache:
            return self._cache[keys]
        seen: set = set()
        out: list = []
        bindings = []
        for key in keys:
            bindings.extend(self.by_subject.get(key, ()))
        for kind, ns, name, data, _obj in bindings:
            role_ref = _role_ref(data)
            scope = ns if kind == "RoleBinding" else ""
            via = f"{kind} {ns + '/' if ns else ''}{name} -> {role_ref.get('kind', '')} {role_ref.get('name', '')}"
            for what in self.role_grants(kind, role_ref, ns):
                if (what, scope) not in seen:
                    seen.add((what, scope))
                    out.append(Reach(what, scope, via))
        out.sort(key=lambda r: (r.what, r.scope, r.via))
        self._cache[keys] = out
        return out

    def role_grants(self, binding_kind: str, role_ref: dict, namespace: str) -> tuple:
        """The risky permissions (``what``) a role grants through a binding of that kind.
        Cached per role: many bindings share one (large, aggregated) role."""
        from kubeplan.analysis.rbac import rule_allows

        if not role_ref:
            return ()
        role_kind, role_name = role_ref.get("kind"), role_ref.get("name")
        key = (binding_kind, role_kind, role_name, namespace if role_kind == "Role" else "")
        cached = self._roles.get(key)
        if cached is None:
            rules = self.model.role_rules(role_ref, namespace) or []
            found = []
            for what, requests in self.probes:
                for request in requests:
                    if binding_kind == "RoleBinding" and not request.namespaced:
                        continue  # RoleBindings never grant cluster-scoped resources
                    if any(rule_allows(rule, request) for rule in rules):
                        found.append(what)
                        break
            cached = self._roles[key] = tuple(found)
        return cached

    def pod_creation(self, binding_kind: str, role_ref: dict, namespace: str) -> str:
        """What the role lets one create that runs pods ("pods", "deployments"...), or ""."""
        from kubeplan.analysis.rbac import Request, rule_allows

        if not role_ref:
            return ""
        key = ("pods", binding_kind, role_ref.get("kind"), role_ref.get("name"), namespace if role_ref.get("kind") == "Role" else "")
        if key not in self._roles:
            rules = self.model.role_rules(role_ref, namespace) or []
            self._roles[key] = next(
                (
                    resource
                    for group, resource in POD_RUNNERS
                    if any(rule_allows(rule, Request(verb="create", group=group, resource=resource)) for rule in rules)
                ),
                "",
            )
        return self._roles[key]

    def of_account(self, namespace: str, name: str) -> list:
        return self.reaches(
            (
                ("ServiceAccount", namespace, name),
                ("Group", "system:serviceaccounts"),
                ("Group", f"system:serviceaccounts:{namespace}"),
                ("Group", "system:authenticated"),
            )
        )

    def of_subject(self, subject: dict, binding_namespace: str) -> list:
        if subject.get("kind") == "ServiceAccount":
            return self.of_account(subject.get("namespace") or binding_namespace, str(subject.get("name")))
        key = _subject_key(subject, binding_namespace)
        return self.reaches((key,)) if key else []


def _role_ref(data: dict) -> dict:
    """The binding's roleRef with string kind and name, or {} (bad input refers to nothing)."""
    ref = data.get("roleRef")
    if isinstance(ref, dict) and isinstance(ref.get("kind"), str) and isinstance(ref.get("name"), str):
        return ref
    return {}


def _subjects(data: dict) -> list:
    """The binding's subjects list, positions kept (entries may still be malformed)."""
    subjects = data.get("subjects")
    return subjects if isinstance(subjects, list) else []


def _subject_key(subject, binding_namespace: str):
    if not isinstance(subject, dict):
        return None
    kind, name = subject.get("kind"), subject.get("name")
    if not isinstance(name, str) or not isinstance(subject.get("namespace") or "", str):
        return None
    if kind == "ServiceAccount":
        return ("ServiceAccount", subject.get("namespace") or binding_namespace, name)
    if kind in ("User", "Group"):
        return (kind, name)
    return None


def _covers(held: list, reach: Reach) -> bool:
    """True when ``held`` already grants ``reach`` (cluster-wide covers any namespace)."""
    return any(h.what == reach.what and (h.scope == "" or h.scope == reach.scope) for h in held)


def _subject_text(subject: dict, binding_namespace: str) -> str:
    kind = subject.get("kind", "?")
    if kind == "ServiceAccount":
        return f'ServiceAccount "{subject.get("namespace") or binding_namespace}/{subject.get("name")}"'
    return f'{kind} "{subject.get("name")}"'


def _shorten(items: list, limit: int = 3) -> str:
    text = "; ".join(items[:limit])
    if len(items) > limit:
        text += f"; and {len(items) - limit} more"
    return text


# -- the rules -------------------------------------------------------------------------


def _secrets_cluster_wide(model) -> list:
    from kubeplan.analysis.rbac import Request, rule_allows
    from kubeplan.linter.findings import Finding

    severity = RULES[SECRETS_CLUSTER_WIDE][0]
    reads = [Request(verb=v, resource="secrets") for v in ("get", "list", "watch")]
    findings = []
    per_role: dict = {}  # ClusterRole name -> (verbs that read secrets, granting role); many bindings share one role
    for kind, _ns, name, data, obj in model.bindings:
        if kind != "ClusterRoleBinding":
            continue
        role_ref = _role_ref(data)
        role_name = role_ref.get("name", "")
        if (role_ref.get("kind"), role_name) not in per_role:
            rules = model.role_rules(role_ref, "") or []
            verbs = [] if _is_superuser(rules) else [r.verb for r in reads if any(rule_allows(rule, r) for rule in rules)]
            per_role[(role_ref.get("kind"), role_name)] = (verbs, _granting_role(model, role_name, rules, reads) if verbs else "")
        verbs, source = per_role[(role_ref.get("kind"), role_name)]
        if not verbs:
            continue
        subjects = [s for s in _subjects(data) if isinstance(s, dict)]
        if not subjects:
            continue
        who = ", ".join(_subject_text(s, "") for s in subjects)
        through = f'ClusterRole "{role_name}"' + (f' (aggregated from "{source}")' if source and source != role_name else "")
        finding = Finding.at(
            SECRETS_CLUSTER_WIDE,
            severity,
            f'ClusterRoleBinding "{name}" lets {who} {", ".join(verbs)} Secrets in every namespace through {through}',
            obj,
            ("roleRef", "name"),
            category="rbac",
        )
        src = model.sources.get(("ClusterRole", "", source))
        if src is not None:
            finding.related.append(src.locate()._replace(note=f'ClusterRole "{source}" holds the rule'))
        findings.append(finding)
    return findings


def _granting_role(model, role_name: str, rules, reads) -> str:
    """The ClusterRole whose own rule grants the read (an aggregated role names its source)."""
    from kubeplan.analysis.rbac import rule_allows

    rule = next((r for r in rules if any(rule_allows(r, q) for q in reads)), None)
    own = model.sources.get(("ClusterRole", "", role_name))
    if rule is None or own is None:
        return role_name
    if any(r is rule for r in own.data.get("rules") or []):
        return role_name
    for (kind, _ns, other), obj in sorted(model.sources.items()):
        if kind == "ClusterRole" and any(r is rule for r in obj.data.get("rules") or []):
            return other
    return role_name


def _accounts(objects, model) -> dict:
    """namespace -> sorted ServiceAccount names known to exist or to be used."""
    from kubeplan.analysis.netpol import WORKLOAD_TEMPLATES

    out: dict = {}
    for obj in objects:
        if obj.kind == "ServiceAccount" and obj.group == "":
            out.setdefault(obj.namespace or "default", set()).add(obj.name)
        elif obj.kind in WORKLOAD_TEMPLATES:
            spec = _pod_spec(obj)
            if spec is not None:
                name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
                out.setdefault(obj.namespace or "default", set()).add(str(name))
    for _kind, ns, _name, data, _obj in model.bindings:
        for subject in _subjects(data):
            key = _subject_key(subject, ns)
            if key and key[0] == "ServiceAccount":
                out.setdefault(key[1], set()).add(key[2])
    return {ns: sorted(names) for ns, names in out.items()}


def _pod_create_escalation(model, perms: Permissions, objects) -> list:
    from kubeplan.linter.findings import Finding

    severity = RULES[POD_CREATE_ESCALATION][0]
    accounts = _accounts(objects, model)
    risky = {
        ns: [(name, perms.of_account(ns, name)) for name in names if perms.of_account(ns, name)]
        for ns, names in accounts.items()
    }
    findings = []
    for kind, ns, name, data, obj in model.bindings:
        role_ref = _role_ref(data)
        creates = perms.pod_creation(kind, role_ref, ns)
        if not creates:
            continue
        namespaces = [ns] if kind == "RoleBinding" else sorted(risky)
        for i, subject in enumerate(_subjects(data)):
            if not isinstance(subject, dict) or _subject_key(subject, ns) is None:
                continue
            own = perms.of_subject(subject, ns)
            self_key = _subject_key(subject, ns)
            reached = []
            for target_ns in namespaces:
                for account, reaches in risky.get(target_ns, ()):
                    if self_key == ("ServiceAccount", target_ns, account):
                        continue
                    new = [r for r in reaches if not _covers(own, r)]
                    if new:
                        perms_text = ", ".join(r.text() for r in new[:2]) + (f" (+{len(new) - 2})" if len(new) > 2 else "")
                        reached.append(f'ServiceAccount "{target_ns}/{account}", which can {perms_text}')
            if not reached:
                continue
            where = f'namespace "{ns}"' if kind == "RoleBinding" else "every namespace"
            findings.append(
                Finding.at(
                    POD_CREATE_ESCALATION,
                    severity,
                    f"{_subject_text(subject, ns)} can create {creates} in {where} ({kind} "
                    f'{ns + "/" if ns else ""}{name} -> {role_ref.get("kind", "")} {role_ref.get("name", "")}) and so act as '
                    + _shorten(reached),
                    obj,
                    ("subjects", i),
                    category="rbac",
                )
            )
    return findings


def _pod_spec(obj):
    from kubeplan.analysis.netpol import WORKLOAD_TEMPLATES

    path = WORKLOAD_TEMPLATES.get(obj.kind)
    if path is None or obj.group not in ("", "apps", "batch"):
        return None
    template = obj.get(path) if path else obj.data
    spec = template.get("spec") if isinstance(template, dict) else None
    return spec if isinstance(spec, dict) else None


def _token_automount(perms: Permissions, objects) -> list:
    from kubeplan.analysis.netpol import WORKLOAD_TEMPLATES
    from kubeplan.linter.findings import Finding

    severity = RULES[TOKEN_AUTOMOUNT_RISKY][0]
    account_automount = {}
    for obj in objects:
        if obj.kind == "ServiceAccount" and obj.group == "":
            value = obj.data.get("automountServiceAccountToken")
            if isinstance(value, bool):
                account_automount[(obj.namespace or "default", obj.name)] = value
    findings = []
    for obj in objects:
        spec = _pod_spec(obj) if obj.kind in WORKLOAD_TEMPLATES else None
        if spec is None:
            continue
        ns = obj.namespace or "default"
        field = "serviceAccountName" if "serviceAccountName" in spec else "serviceAccount"
        account = str(spec.get(field) or "default")
        mounted = spec.get("automountServiceAccountToken")
        if not isinstance(mounted, bool):
            mounted = account_automount.get((ns, account), True)
        if not mounted:
            continue
        reaches = perms.of_account(ns, account)
        if not reaches:
            continue
        prefix = tuple(WORKLOAD_TEMPLATES[obj.kind]) + ("spec",)
        path = prefix + ((field,) if field in spec else ())
        findings.append(
            Finding.at(
                TOKEN_AUTOMOUNT_RISKY,
                severity,
                f'{obj.kind} "{obj.name}" mounts the token of ServiceAccount "{ns}/{account}", which can '
                + _shorten([r.text() for r in reaches]),
                obj,
                path,
                category="security",
            )
        )
    return findings


def applies(ctx) -> bool:
    return any(o.group == "rbac.authorization.k8s.io" for o in ctx.objects)


def check(ctx) -> list:
    from kubeplan.analysis.rbac import RbacModel

    model = RbacModel(ctx.objects)
    if not model.bindings:
        return []
    perms = Permissions(model)
    findings = _secrets_cluster_wide(model)
    findings += _pod_create_escalation(model, perms, ctx.objects)
    findings += _token_automount(perms, ctx.objects)
    return findings
