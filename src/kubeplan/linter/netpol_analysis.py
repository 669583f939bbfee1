"""Lint family: NetworkPolicy rules that need label selectors evaluated against the
workloads and Namespaces of the input, with the semantics of ``kubeplan netpol matrix``
(``kubeplan.analysis.netpol``). Single-object NetworkPolicy rules are CEL policies in
``policies/network/``.

Workloads are indexed by namespace and by label, so a selector costs the workloads that
carry its first ``matchLabels`` pair, not every workload of the input.
"""

from __future__ import annotations

NO_DEFAULT_DENY_INGRESS = "netpol-no-default-deny-ingress"
NO_DEFAULT_DENY_EGRESS = "netpol-no-default-deny-egress"
WORKLOAD_UNSELECTED = "netpol-workload-unselected"
DANGLING_POLICY = "netpol-dangling-policy"
PEER_SELECTS_NOTHING = "netpol-peer-selects-nothing"
EGRESS_BLOCKS_DNS = "netpol-egress-blocks-dns"
NAMED_PORT_UNKNOWN = "netpol-named-port-unknown"

_DEFAULT_DENY_DOC = """What it checks: every namespace with workloads in the input has a
NetworkPolicy that selects all its pods (`podSelector: {{}}`), lists `{type}` in
`policyTypes` and has no `{rules}` rules: a default deny for {direction} traffic. The
finding points at the Namespace object, or at the namespace's first workload when the input
has no Namespace object.

Why it matters: a pod no policy selects for {direction} is open: {why}. A default deny
makes every allowed flow a rule someone wrote; pods added later start closed.

Fails: a namespace whose only policy is `{{podSelector: {{matchLabels: {{app: api}}}}, ...}}`.

Fix:
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {{name: default-deny-{lower}, namespace: shop}}
  spec: {{podSelector: {{}}, policyTypes: [{type}]}}
and a policy per allowed flow."""

# id -> (severity, category, summary, doc); shown by `kubeplan policies list/explain`.
RULES = {
    NO_DEFAULT_DENY_INGRESS: (
        "warning",
        "network",
        "A namespace with workloads should have a default-deny ingress NetworkPolicy.",
        _DEFAULT_DENY_DOC.format(
            type="Ingress", rules="ingress", direction="ingress", lower="ingress",
            why="every pod of the cluster (and anything routed to it) may connect to it",
        ),
    ),
    NO_DEFAULT_DENY_EGRESS: (
        "warning",
        "network",
        "A namespace with workloads should have a default-deny egress NetworkPolicy.",
        _DEFAULT_DENY_DOC.format(
            type="Egress", rules="egress", direction="egress", lower="egress",
            why="it may connect anywhere, the cloud metadata endpoint and the API server included",
        ),
    ),
    WORKLOAD_UNSELECTED: (
        "info",
        "network",
        "In a namespace that uses NetworkPolicies, every workload should be selected by one.",
        """What it checks: a workload whose pod labels no NetworkPolicy of its namespace
selects, in a namespace that has NetworkPolicies. (A namespace with none is reported once
by `netpol-no-default-deny-ingress` and `-egress`.)

Why it matters: NetworkPolicies are allow-lists for the pods they select and do nothing
for the others; a workload whose labels drifted from the policies' selectors, or a new one
nobody wrote a policy for, is open in both directions while the namespace looks covered.

Fails: policies select `app: api` and `app: db`; a Deployment labels its pods `app: worker`.

Fix: add a default-deny policy (`podSelector: {}`) to the namespace, or a policy whose
podSelector matches the workload's pod template labels.""",
    ),
    DANGLING_POLICY: (
        "warning",
        "network",
        "A NetworkPolicy's podSelector should select some workload.",
        """What it checks: a NetworkPolicy with a non-empty `podSelector` that selects no pod
template of its namespace, when the input holds workloads of that namespace.

Why it matters: such a policy protects nothing. Usually a label was renamed in the
workload or a typo slipped into the selector, and the workload it was written for is open.

Fails: `podSelector: {matchLabels: {app: frontend}}` while the Deployment's pods are
labelled `app: web`.

Fix: make the selector match the pod template labels (`kubeplan netpol matrix` shows the
effect), or delete the policy.""",
    ),
    PEER_SELECTS_NOTHING: (
        "warning",
        "network",
        "A NetworkPolicy peer should select some workload or namespace.",
        """What it checks: a `from` or `to` peer whose selectors match nothing in the input: a
`podSelector` peer (the policy's namespace) matching no pod template there; a
`namespaceSelector` matching no Namespace of the input (checked when the input holds
Namespace objects and the selector does not name, by `kubernetes.io/metadata.name`, a
namespace outside the input); both together, matching namespaces whose workloads are in
the input but no pod template of them. `namespaceSelector: {}` is never reported (it also
selects namespaces outside the input, kube-system for instance).

Why it matters: the flow the rule was written for is denied, usually because of a label
typo (`team: web` against `team: frontend`), and the fix someone applies in a hurry is a
wider rule.

Fails: `from: [{podSelector: {matchLabels: {app: frontend}}}]` when the pods are `app: web`.

Fix: match the peer's labels to the pod template or Namespace labels.""",
    ),
    EGRESS_BLOCKS_DNS: (
        "warning",
        "network",
        "Egress policies should let their pods reach DNS (kube-dns, port 53).",
        """What it checks: a workload isolated for egress (some NetworkPolicy of its namespace
with `Egress` selects it) none of whose egress policies allows port 53 (UDP or TCP) to
kube-dns: a rule whose `to` is empty, or has an `ipBlock` (a node-local DNS cache), or a
peer matching pods labelled `k8s-app: kube-dns` in `kube-system`; and whose `ports` is
empty or includes 53 (or the named port `dns`/`dns-tcp`). One finding per set of policies,
at the first of them, naming the workloads.

Why it matters: with egress isolated, every name lookup of those pods times out; the
application fails at start or after its DNS cache expires, far from the policy that caused
it.

Fails: `policyTypes: [Egress]` with `egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]`.

Fix: add a rule to the egress policy (or a namespace-wide policy):
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},
          podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]""",
    ),
    NAMED_PORT_UNKNOWN: (
        "warning",
        "network",
        "A named port in a NetworkPolicy should be declared by a container it applies to.",
        """What it checks: a port given by name (`port: http`) in an ingress rule, where no
container of the workloads the policy selects declares a port of that name and protocol;
or in an egress rule, where no container of the workloads the rule's peers select does
(egress rules whose peers select no workload of the input are not checked).

Why it matters: a named port resolves against the destination pod's container ports; when
no container declares it the rule allows nothing, and the traffic it was written for is
dropped.

Fails: `ports: [{port: http}]` while the container declares `{name: web, containerPort: 8080}`.

Fix: name the container port as the policy does, or use the port number.""",
    ),
}

_SEVERITY = {rule: spec[0] for rule, spec in RULES.items()}


def _finding(rule, message, obj, path):
    from kubeplan.linter.findings import Finding

    return Finding.at(rule, _SEVERITY[rule], message, obj, path, category=RULES[rule][1])


class Inventory:
    """Workloads, namespaces and policies of one input, indexed for selector queries."""

    def __init__(self, objects):
        from kubeplan.analysis.netpol import namespace_labels, policies_of, workloads_of

        self.workloads = workloads_of(objects)  # sorted by (namespace, kind, name)
        self.ns_labels = namespace_labels(objects, self.workloads)
        self.namespace_objects = {o.name: o for o in objects if o.kind == "Namespace" and o.group == ""}
        self.workload_objects = {}
        self.policies = []  # (Policy, ManifestObject), in input order
        for obj in objects:
            if obj.kind == "NetworkPolicy" and obj.group == "networking.k8s.io":
                self.policies.extend((p, obj) for p in policies_of([obj]))
            else:
                self.workload_objects[(obj.namespace or "default", obj.kind, obj.name)] = obj
        self.by_namespace: dict = {}
        self.by_label: dict = {}  # (namespace, key, value) -> workloads
        for w in self.workloads:
            self.by_namespace.setdefault(w.namespace, []).append(w)
            for key, value in w.labels.items():
                if isinstance(value, str):
                    self.by_label.setdefault((w.namespace, key, value), []).append(w)
        self.policies_by_namespace: dict = {}
        for policy, obj in self.policies:
            self.policies_by_namespace.setdefault(policy.namespace, []).append((policy, obj))
        self._selected: dict = {}
        self._ns_by_label = None  # (key, value) -> namespaces, built on first use

    def matching(self, namespace: str, selector) -> list:
        """Workloads of ``namespace`` whose pod labels ``selector`` matches."""
        from kubeplan.analysis.selectors import label_selector_matches

        if not well_formed(selector):
            return []
        match_labels = selector.get("matchLabels")
        candidates = self.by_namespace.get(namespace, [])
        if isinstance(match_labels, dict) and match_labels:
            key, value = sorted(match_labels.items())[0]
            candidates = self.by_label.get((namespace, key, value), [])
        return [w for w in candidates if label_selector_matches(selector, w.labels)]

    def selected(self, policy) -> list:
        key = id(policy)
        if key not in self._selected:
            self._selected[key] = self.matching(policy.namespace, policy.pod_selector)
        return self._selected[key]

    def namespaces_matching(self, selector) -> list:
        from kubeplan.analysis.selectors import label_selector_matches

        if not well_formed(selector):
            return []
        if self._ns_by_label is None:
            self._ns_by_label = {}
            for ns in sorted(self.ns_labels):
                for key, value in self.ns_labels[ns].items():
                    if isinstance(value, str):
                        self._ns_by_label.setdefault((key, value), []).append(ns)
        candidates = sorted(self.ns_labels)
        match_labels = selector.get("matchLabels")
        if isinstance(match_labels, dict) and match_labels:
            candidates = self._ns_by_label.get(sorted(match_labels.items())[0], [])
        return [ns for ns in candidates if label_selector_matches(selector, self.ns_labels[ns])]

    def locate_workload(self, w):
        return self.workload_objects.get((w.namespace, w.kind, w.name))


def well_formed(selector) -> bool:
    """A label selector the API would accept in shape: string matchLabels, a list of
    requirement maps. Malformed ones (the schema family reports them) select nothing here."""
    if not isinstance(selector, dict):
        return False
    labels = selector.get("matchLabels")
    if labels is not None and not (isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())):
        return False
    exprs = selector.get("matchExpressions")
    if exprs is not None and not (
        isinstance(exprs, list)
        and all(isinstance(e, dict) and isinstance(e.get("values") or [], list) for e in exprs)
    ):
        return False
    return True


def _is_default_deny(policy, direction: str) -> bool:
    rules = policy.ingress if direction == "Ingress" else policy.egress
    return direction in policy.types and policy.pod_selector == {} and not rules


def _default_deny(inv: Inventory) -> list:
    findings = []
    for ns in sorted(inv.by_namespace):
        policies = [p for p, _obj in inv.policies_by_namespace.get(ns, ())]
        for direction, rule in (("Ingress", NO_DEFAULT_DENY_INGRESS), ("Egress", NO_DEFAULT_DENY_EGRESS)):
            if any(_is_default_deny(p, direction) for p in policies):
                continue
            message = f'namespace "{ns}" has workloads but no default-deny {direction.lower()} NetworkPolicy'
            namespace_obj = inv.namespace_objects.get(ns)
            if namespace_obj is not None:
                findings.append(_finding(rule, message, namespace_obj, ("metadata", "name")))
                continue
            first = inv.locate_workload(inv.by_namespace[ns][0])
            if first is not None:
                findings.append(_finding(rule, message, first, ("metadata",)))
    return findings


def _unselected(inv: Inventory) -> list:
    findings = []
    for ns, policies in sorted(inv.policies_by_namespace.items()):
        covered = set()
        for policy, _obj in policies:
            covered.update(id(w) for w in inv.selected(policy))
        for w in inv.by_namespace.get(ns, ()):
            if id(w) in covered:
                continue
            obj = inv.locate_workload(w)
            if obj is None:
                continue
            path = ("spec", "template", "metadata", "labels") if w.kind != "Pod" else ("metadata", "labels")
            if w.kind == "CronJob":
                path = ("spec", "jobTemplate", "spec", "template", "metadata", "labels")
            findings.append(
                _finding(
                    WORKLOAD_UNSELECTED,
                    f'{w.kind} "{w.name}" is selected by no NetworkPolicy of namespace "{ns}": its pods are open in both directions',
                    obj,
                    path,
                )
            )
    return findings


def _dangling(inv: Inventory) -> list:
    findings = []
    for policy, obj in inv.policies:
        if not policy.pod_selector or not well_formed(policy.pod_selector) or policy.namespace not in inv.by_namespace:
            continue
        if not inv.selected(policy):
            findings.append(
                _finding(
                    DANGLING_POLICY,
                    f'NetworkPolicy "{policy.name}" selects no workload of namespace "{policy.namespace}"',
                    obj,
                    ("spec", "podSelector"),
                )
            )
    return findings


_NAME_LABEL = "kubernetes.io/metadata.name"


def _names_outside_input(selector: dict, known) -> bool:
    """True when the selector pins ``kubernetes.io/metadata.name`` to a namespace the input lacks."""
    names = []
    if isinstance(selector.get("matchLabels"), dict) and _NAME_LABEL in selector["matchLabels"]:
        names.append(selector["matchLabels"][_NAME_LABEL])
    for expr in selector.get("matchExpressions") or []:
        if isinstance(expr, dict) and expr.get("key") == _NAME_LABEL and expr.get("operator") == "In":
            names.extend(expr.get("values") or [])
    return any(not isinstance(name, str) or name not in known for name in names)


def _peer_problem(inv: Inventory, policy, peer: dict) -> str:
    """Why ``peer`` selects nothing in the input ('' when it selects something or we cannot tell)."""
    if not isinstance(peer, dict) or "ipBlock" in peer or not _peer_selectors_ok(peer):
        return ""
    pod_sel = peer.get("podSelector")
    ns_sel = peer.get("namespaceSelector")
    if ns_sel is None:
        if not isinstance(pod_sel, dict) or policy.namespace not in inv.by_namespace:
            return ""
        if inv.matching(policy.namespace, pod_sel):
            return ""
        return f'selects no workload of namespace "{policy.namespace}"'
    if not isinstance(ns_sel, dict) or ns_sel == {} or _names_outside_input(ns_sel, inv.ns_labels):
        return ""
    if not inv.namespace_objects:
        return ""  # without Namespace objects their labels are unknown
    namespaces = inv.namespaces_matching(ns_sel)
    if not namespaces:
        return "its namespaceSelector matches no Namespace of the input"
    if not isinstance(pod_sel, dict) or pod_sel == {}:
        return ""
    with_workloads = [ns for ns in namespaces if ns in inv.by_namespace]
    if not with_workloads or any(inv.matching(ns, pod_sel) for ns in with_workloads):
        return ""
    return f"selects no workload of namespace(s) {', '.join(with_workloads)}"


def _peers(inv: Inventory) -> list:
    findings = []
    for policy, obj in inv.policies:
        for section, key in (("ingress", "from"), ("egress", "to")):
            for i, rule in enumerate(policy.ingress if section == "ingress" else policy.egress):
                peers = rule.get(key)
                for j, peer in enumerate(peers if isinstance(peers, list) else ()):
                    problem = _peer_problem(inv, policy, peer)
                    if problem:
                        findings.append(
                            _finding(
                                PEER_SELECTS_NOTHING,
                                f'NetworkPolicy "{policy.name}" {section} rule {i} peer {j} {problem}',
                                obj,
                                ("spec", section, i, key, j),
                            )
                        )
    return findings


def _peer_selectors_ok(peer: dict) -> bool:
    return all(peer.get(k) is None or well_formed(peer.get(k)) for k in ("podSelector", "namespaceSelector"))


def _kube_dns():
    from kubeplan.analysis.netpol import Workload

    return Workload(
        "kube-system", "Deployment", "coredns", {"k8s-app": "kube-dns"},
        ports={"dns": ("UDP", 53), "dns-tcp": ("TCP", 53)}, numbered={("UDP", 53), ("TCP", 53)},
    )


def _allows_dns(policy, dns, ns_labels) -> bool:
    from kubeplan.analysis.netpol import ALL, _peer_matches, _port_set

    for rule in policy.egress:
        peers = rule.get("to")
        reaches = not peers or any(
            isinstance(p, dict)
            and ("ipBlock" in p or (_peer_selectors_ok(p) and _peer_matches(p, policy.namespace, dns, ns_labels)))
            for p in peers
        )
        if not reaches:
            continue
        ports = _port_set(rule.get("ports"), dns)
        if ports == ALL or any(lo <= 53 <= hi for _proto, lo, hi in ports):
            return True
    return False


def _dns(inv: Inventory) -> list:
    dns = _kube_dns()
    ns_labels = dict(inv.ns_labels)
    ns_labels.setdefault("kube-system", {_NAME_LABEL: "kube-system"})
    allows: dict = {}
    blocked: dict = {}  # tuple of policy ids -> (policies, [workloads])
    for ns, policies in sorted(inv.policies_by_namespace.items()):
        egress = [(p, o) for p, o in policies if "Egress" in p.types]
        if not egress:
            continue
        selecting: dict = {}
        for policy, obj in egress:
            for w in inv.selected(policy):
                selecting.setdefault(id(w), (w, []))[1].append((policy, obj))
        for w, chosen in selecting.values():
            ok = False
            for policy, _obj in chosen:
                if id(policy) not in allows:
                    allows[id(policy)] = _allows_dns(policy, dns, ns_labels)
                ok = ok or allows[id(policy)]
            if not ok:
                key = tuple(id(p) for p, _o in chosen)
                blocked.setdefault(key, (chosen, []))[1].append(w)
    findings = []
    for chosen, workloads in blocked.values():
        policy, obj = chosen[0]
        names = ", ".join(f"{w.kind} {w.name}" for w in sorted(workloads, key=lambda w: (w.kind, w.name))[:5])
        more = f" and {len(workloads) - 5} more" if len(workloads) > 5 else ""
        others = f" (with {', '.join(p.name for p, _o in chosen[1:])})" if len(chosen) > 1 else ""
        path = ("spec", "egress") if "egress" in obj.data.get("spec", {}) else ("spec", "policyTypes")
        findings.append(
            _finding(
                EGRESS_BLOCKS_DNS,
                f'NetworkPolicy "{policy.name}"{others} isolates the egress of {names}{more} '
                "and allows no DNS (port 53 to kube-dns)",
                obj,
                path,
            )
        )
    return findings


def _declares(workloads, name: str, protocol: str) -> bool:
    return any(w.ports.get(name, ("", 0))[0] == protocol for w in workloads)


def _named_ports(inv: Inventory) -> list:
    findings = []
    for policy, obj in inv.policies:
        for section, key in (("ingress", "from"), ("egress", "to")):
            for i, rule in enumerate(policy.ingress if section == "ingress" else policy.egress):
                named = [
                    (j, p) for j, p in enumerate(rule.get("ports") or [])
                    if isinstance(p, dict) and isinstance(p.get("port"), str) and not p["port"].isdigit()
                ]
                if not named:
                    continue
                if section == "ingress":
                    targets = inv.selected(policy)
                else:
                    targets = _egress_targets(inv, policy, rule.get(key))
                if not targets:
                    continue
                for j, port in named:
                    protocol = port.get("protocol") or "TCP"
                    if _declares(targets, port["port"], protocol):
                        continue
                    whose = "the workloads it selects" if section == "ingress" else "the workloads its peers select"
                    findings.append(
                        _finding(
                            NAMED_PORT_UNKNOWN,
                            f'NetworkPolicy "{policy.name}" {section} rule {i} names port "{port["port"]}" ({protocol}), '
                            f"which no container of {whose} declares",
                            obj,
                            ("spec", section, i, "ports", j, "port"),
                        )
                    )
    return findings


def _egress_targets(inv: Inventory, policy, peers) -> list:
    if not peers:
        return []  # every destination, in the cluster or not: cannot say which
    out = []
    for peer in peers:
        if not isinstance(peer, dict) or "ipBlock" in peer or not _peer_selectors_ok(peer):
            continue
        ns_sel = peer.get("namespaceSelector")
        namespaces = [policy.namespace] if ns_sel is None else inv.namespaces_matching(ns_sel)
        pod_sel = peer.get("podSelector") if peer.get("podSelector") is not None else {}
        for ns in namespaces:
            out.extend(inv.matching(ns, pod_sel))
    return out


def applies(ctx) -> bool:
    return any(o.kind == "NetworkPolicy" for o in ctx.objects) or any(
        o.kind in ("Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet", "ReplicationController")
        for o in ctx.objects
    )


def check(ctx) -> list:
    inv = Inventory(ctx.objects)
    if not inv.workloads and not inv.policies:
        return []
    findings = _default_deny(inv)
    findings += _unselected(inv)
    findings += _dangling(inv)
    findings += _peers(inv)
    findings += _dns(inv)
    findings += _named_ports(inv)
    return findings
