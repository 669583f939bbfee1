"""The RBAC and NetworkPolicy packs (CEL packs rbac/ and network/, rbac_analysis,
netpol_analysis) over ~10,000 RBAC- and NetworkPolicy-heavy objects, on one core.

    python benchmarks/bench_packs_security.py [--objects 10000]

Per application: a ServiceAccount, a Deployment running as it, a Role, a RoleBinding and a
NetworkPolicy; per namespace a Namespace and default-deny policies; every tenth
application a ClusterRole aggregated into a shared one, bound cluster-wide.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

import yaml

from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext
from kubeplan.model.loading import LoadResult, load_text

RBAC = "rbac.authorization.k8s.io/v1"


def corpus(n: int) -> str:
    apps = n // 5
    namespaces = max(1, apps // 40)
    docs = [
        {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "observer"},
         "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"aggregate-to-observer": "true"}}]}},
    ]
    for k in range(namespaces):
        ns = f"team-{k:03d}"
        docs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"team": ns}}})
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "default-deny", "namespace": ns},
                     "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "dns", "namespace": ns},
                     "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                                                                                        "ports": [{"protocol": "UDP", "port": 53}]}]}})
    for i in range(apps):
        ns = f"team-{i % namespaces:03d}"
        name = f"app-{i:05d}"
        tier = ("web", "api", "db")[i % 3]
        labels = {"app": name, "tier": tier}
        docs.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}})
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
                     "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                              "template": {"metadata": {"labels": labels},
                                           "spec": {"serviceAccountName": name, "containers": [
                                               {"name": "app", "image": f"example/{name}:1.0", "ports": [{"name": "http", "containerPort": 8080}]}]}}}})
        docs.append({"apiVersion": RBAC, "kind": "Role", "metadata": {"name": name, "namespace": ns},
                     "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]},
                               {"apiGroups": [""], "resources": ["secrets"], "resourceNames": [f"{name}-db"], "verbs": ["get"]}]})
        docs.append({"apiVersion": RBAC, "kind": "RoleBinding", "metadata": {"name": name, "namespace": ns},
                     "subjects": [{"kind": "ServiceAccount", "name": name}],
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name}})
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns},
                     "spec": {"podSelector": {"matchLabels": {"app": name}},
                              "ingress": [{"from": [{"podSelector": {"matchLabels": {"tier": "web"}}},
                                                    {"namespaceSelector": {"matchLabels": {"team": f"team-{(i + 1) % apps % namespaces:03d}"}}, "podSelector": {"matchLabels": {"app": f"app-{(i + 1) % apps:05d}"}}}],
                                           "ports": [{"port": "http"}]}]}})
        if i % 10 == 0:
            docs.append({"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": f"{name}-view", "labels": {"aggregate-to-observer": "true"}},
                         "rules": [{"apiGroups": ["example.com"], "resources": [f"widgets{i}"], "verbs": ["get", "list"]}]})
            docs.append({"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": f"{name}-observer"},
                         "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "observer"}})
    return yaml.dump_all(docs, Dumper=yaml.CSafeDumper, sort_keys=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=10_000)
    args = ap.parse_args()
    result = LoadResult()
    load_text(corpus(args.objects), "corpus.yaml", result)
    n = len(result.objects)
    print(f"corpus: {n} objects ({Counter(o.kind for o in result.objects).most_common()})")

    from kubeplan.linter import cel_policies, netpol_analysis, rbac_analysis
    from kubeplan.linter.vap import Evaluator, load_policies

    packs = [f for f in cel_policies.pack_files() if os.sep + "rbac" + os.sep in f or os.sep + "network" + os.sep in f]
    documents, _ = cel_policies.load_policy_files(packs)
    policies, bindings = load_policies(documents)
    total = 0.0
    findings = []
    start = time.process_time()
    evaluator = Evaluator(policies, bindings, result.objects)
    for obj in result.objects:
        findings.extend(evaluator.check(obj))
    spent = time.process_time() - start
    total += spent
    print(f"{'CEL packs rbac/ + network/':34s} {spent:6.2f} s  {len(findings):6d} findings")
    for family in (rbac_analysis, netpol_analysis):
        start = time.process_time()
        out = family.check(LintContext(result.objects, Config(), {}))
        spent = time.process_time() - start
        total += spent
        findings += out
        print(f"{family.__name__:34s} {spent:6.2f} s  {len(out):6d} findings")
    print(f"rbac + network packs together: {n / total:8.0f} objects/s on one core")
    print("findings by rule:", dict(Counter(f.rule for f in findings).most_common(10)))


if __name__ == "__main__":
    sys.exit(main())
