"""A deterministic corpus of realistic Kubernetes objects (~2 KB each) for the benchmarks."""

from __future__ import annotations

import random

import yaml


def deployment(i: int, rng: random.Random) -> dict:
    name = f"svc-{i:05d}"
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": f"team-{i % 37}", "tier": rng.choice(["web", "api", "worker"])}
    container = {
        "name": "app",
        "image": f"registry.example.com/team-{i % 37}/{name}:1.{i % 50}.{i % 7}",
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090}],
        "env": [{"name": f"SETTING_{k}", "value": f"value-{rng.randint(0, 10**6)}"} for k in range(6)]
        + [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "resources": {"requests": {"cpu": f"{rng.choice([100, 250, 500])}m", "memory": f"{rng.choice([128, 256, 512])}Mi"}, "limits": {"memory": "1Gi"}},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 15},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": f"ns-{i % 20}", "labels": labels, "annotations": {"owner": f"team-{i % 37}@example.com"}},
        "spec": {
            "replicas": rng.randint(1, 6),
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": name,
                    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [container],
                    "volumes": [{"name": "config", "configMap": {"name": f"{name}-config"}}, {"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }


def corpus_text(n: int = 10_000, seed: int = 1) -> str:
    rng = random.Random(seed)
    docs = [deployment(i, rng) for i in range(n)]
    return yaml.dump_all(docs, Dumper=yaml.CSafeDumper, sort_keys=False, default_flow_style=False)


def mixed_objects(n: int = 10_000, seed: int = 2) -> list:
    """A repository-like mix: per application a Deployment, Service, ConfigMap, PDB and HPA,
    plus one Namespace and default-deny NetworkPolicy per namespace (~n objects in all)."""
    rng = random.Random(seed)
    docs = []
    apps = n // 5
    namespaces = sorted({f"ns-{i % 20}" for i in range(apps)})
    for ns in namespaces:
        docs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "default-deny", "namespace": ns},
                     "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
    for i in range(apps):
        dep = deployment(i, rng)
        name, ns = dep["metadata"]["name"], dep["metadata"]["namespace"]
        selector = {"app.kubernetes.io/name": name}
        docs.append(dep)
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                     "spec": {"selector": selector, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-config", "namespace": ns},
                     "data": {"LOG_LEVEL": "info", "FEATURES": "a,b,c"}})
        docs.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name, "namespace": ns},
                     "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector}}})
        docs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name, "namespace": ns},
                     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                              "minReplicas": 2, "maxReplicas": 10}})
    return docs


def mixed_text(n: int = 10_000) -> str:
    return yaml.dump_all(mixed_objects(n), Dumper=yaml.CSafeDumper, sort_keys=False, default_flow_style=False)
