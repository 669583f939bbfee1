"""Rendering: charts (``renderer/chart``) and kustomizations (``renderer/kustomize``) into
ManifestObjects that remember where each field came from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass
class RenderResult:
    objects: list  # list[ManifestObject], in output order, with source maps
    text: str  # the YAML stream exactly as `kubeplan render` prints it
    warnings: list = field(default_factory=list)  # one-line notes for stderr


def detect(path: str) -> str | None:
    """``"chart"``, ``"kustomize"`` or None (plain manifests) for a directory."""
    if not os.path.isdir(path):
        return None
    if os.path.isfile(os.path.join(path, "Chart.yaml")):
        return "chart"
    if any(os.path.isfile(os.path.join(path, name)) for name in KUSTOMIZATION_FILES):
        return "kustomize"
    return None
