"""kubeplan: render, lint and plan Kubernetes manifests before they reach a cluster."""

__version__ = "0.1.0"
