"""The node predicates the DaemonSet controller evaluates itself (before any pod
exists): nodeSelector and required node affinity, and taints a pod does not tolerate.
Same semantics as component-helpers' nodeaffinity and the core v1 toleration helpers.
"""

from __future__ import annotations


def _label_requirement_matches(req: dict, labels: dict) -> bool:
    key, op = req.get("key"), req.get("operator")
    values = req.get("values") or []
    present = key in labels
    value = labels.get(key)
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not present or value not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt"):
        if not present or len(values) != 1:
            return False
        try:
            have, want = int(value), int(values[0])
        except (TypeError, ValueError):
            return False
        return have > want if op == "Gt" else have < want
    return False  # an unknown operator matches nothing, as upstream's parse error does


def _field_requirement_matches(req: dict, node: dict) -> bool:
    if req.get("key") != "metadata.name":
        return False
    name = (node.get("metadata") or {}).get("name")
    values = req.get("values") or []
    if req.get("operator") == "In":
        return len(values) == 1 and name == values[0]
    if req.get("operator") == "NotIn":
        return len(values) == 1 and name != values[0]
    return False


def term_matches(term: dict, node: dict) -> bool:
    expressions = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not expressions and not fields:
        return False  # an empty term selects no node
    labels = (node.get("metadata") or {}).get("labels") or {}
    return all(_label_requirement_matches(r, labels) for r in expressions if isinstance(r, dict)) and all(
        _field_requirement_matches(r, node) for r in fields if isinstance(r, dict)
    )


def required_affinity_matches(pod_spec: dict, node: dict) -> bool:
    """nodeSelector and requiredDuringSchedulingIgnoredDuringExecution both hold."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    for key, value in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    required = (((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    if not isinstance(required, dict):
        return True
    terms = required.get("nodeSelectorTerms") or []
    return any(term_matches(t, node) for t in terms if isinstance(t, dict))


def tolerates(toleration: dict, taint: dict) -> bool:
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def untolerated_taint(taints: list, tolerations: list, effects=("NoSchedule", "NoExecute")) -> dict | None:
    for taint in taints or []:
        if not isinstance(taint, dict) or taint.get("effect") not in effects:
            continue
        if not any(tolerates(t, taint) for t in tolerations or [] if isinstance(t, dict)):
            return taint
    return None
