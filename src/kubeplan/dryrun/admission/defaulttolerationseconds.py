"""DefaultTolerationSeconds: pods tolerate not-ready and unreachable nodes (NoExecute)
for 300 s unless they already tolerate them."""

from __future__ import annotations

SECONDS = 300
_KEYS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")


def apply(spec: dict) -> None:
    tolerations = spec.get("tolerations")
    if tolerations is not None and not isinstance(tolerations, list):
        return
    tolerations = list(tolerations or [])
    for key in _KEYS:
        covered = any(
            isinstance(t, dict) and t.get("effect") in (None, "", "NoExecute") and t.get("key") in (None, "", key)
            for t in tolerations
        )
        if not covered:
            tolerations.append({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": SECONDS})
    spec["tolerations"] = tolerations
