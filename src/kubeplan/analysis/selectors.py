"""Label selectors as the API machinery evaluates them (metav1.LabelSelector)."""

from __future__ import annotations


def label_selector_matches(selector: dict, labels: dict) -> bool:
    """matchLabels AND every matchExpressions requirement; an empty selector matches all."""
    if not isinstance(selector, dict):
        return False
    labels = labels if isinstance(labels, dict) else {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict):
            return False
        key = expr.get("key")
        op = expr.get("operator")
        values = expr.get("values") or []
        if op == "In":
            if key not in labels or labels[key] not in values:
                return False
        elif op == "NotIn":
            if key in labels and labels[key] in values:
                return False
        elif op == "Exists":
            if key not in labels:
                return False
        elif op == "DoesNotExist":
            if key in labels:
                return False
        else:
            return False  # an unknown operator selects nothing, as the API validation would refuse it
    return True


def selects_nothing(selector) -> bool:
    """A null selector (as opposed to ``{}``) selects no object."""
    return selector is None
