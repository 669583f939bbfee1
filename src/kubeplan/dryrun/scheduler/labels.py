"""Label selectors (metav1.LabelSelector) and node selectors (v1.NodeSelector), compiled
once and matched many times, with the exact semantics of apimachinery and
component-helpers: a nil label selector matches nothing, an empty one everything; an
empty node selector term matches nothing; Gt/Lt compare integers. The label selector lives
in kubeplan.model.selectors (the analyses use it too) and is re-exported here."""

from __future__ import annotations

import json

from kubeplan.model.selectors import (  # noqa: F401 - re-exported for the dry run's imports
    EVERYTHING,
    NOTHING,
    LabelSelector,
    SelectorError,
    label_value,
    requirement_values,
    selector_from_map,
)

# --- node selectors -------------------------------------------------------------------


class NodeSelectorTerm:
    __slots__ = ("expressions", "fields")

    def __init__(self, term: dict):
        if not isinstance(term, dict):
            raise SelectorError("a nodeSelectorTerm must be a mapping")
        self.expressions = [_node_requirement(e) for e in term.get("matchExpressions") or []]
        self.fields = [_node_requirement(e, field=True) for e in term.get("matchFields") or []]

    def empty(self) -> bool:
        return not self.expressions and not self.fields

    def matches(self, labels: dict, name: str) -> bool:
        if self.empty():
            return False
        for key, op, values in self.expressions:
            if not _requirement_matches(labels, key, op, values):
                return False
        for key, op, values in self.fields:
            if not _requirement_matches({"metadata.name": name}, key, op, values):
                return False
        return True


def _node_requirement(expr, field: bool = False):
    if not isinstance(expr, dict) or not isinstance(expr.get("key"), str):
        raise SelectorError("each node selector requirement needs a key")
    op = expr.get("operator")
    values = requirement_values(expr)
    key = expr["key"]
    if field:
        if key != "metadata.name":
            raise SelectorError(f"matchFields supports only metadata.name, not {key!r}")
        if op not in ("In", "NotIn") or len(values) != 1:
            raise SelectorError("matchFields on metadata.name needs operator In or NotIn and exactly one value")
    if op in ("In", "NotIn"):
        if not values:
            raise SelectorError(f"operator {op} needs at least one value (key {key})")
        return key, op, frozenset(values)
    if op in ("Exists", "DoesNotExist"):
        if values:
            raise SelectorError(f"operator {op} takes no values (key {key})")
        return key, op, frozenset()
    if op in ("Gt", "Lt"):
        if len(values) != 1:
            raise SelectorError(f"operator {op} needs exactly one value (key {key})")
        try:
            number = int(values[0])
        except ValueError:
            raise SelectorError(f"operator {op} needs an integer value (key {key})") from None
        return key, op, number
    raise SelectorError(f"{op!r} is not a valid node selector operator")


def _requirement_matches(labels: dict, key: str, op: str, values) -> bool:
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if key not in labels:
        return False
    try:
        number = int(labels[key])
    except ValueError:
        return False
    return number > values if op == "Gt" else number < values


class RequiredNodeAffinity:
    """``nodeSelector`` AND ``requiredDuringSchedulingIgnoredDuringExecution`` of a pod."""

    __slots__ = ("node_selector", "terms", "key")

    def __init__(self, node_selector: dict | None, required: dict | None):
        self.node_selector = {str(k): label_value(v) for k, v in (node_selector or {}).items()}
        self.terms = None
        if required is not None:
            if not isinstance(required, dict):
                raise SelectorError("requiredDuringSchedulingIgnoredDuringExecution must be a mapping")
            raw_terms = required.get("nodeSelectorTerms") or []
            self.terms = [NodeSelectorTerm(t) for t in raw_terms]
        self.key = json.dumps([self.node_selector, required], sort_keys=True, default=str)

    def matches(self, labels: dict, name: str) -> bool:
        for k, v in self.node_selector.items():
            if labels.get(k) != v:
                return False
        if self.terms is None:
            return True
        return any(term.matches(labels, name) for term in self.terms)

    def trivial(self) -> bool:
        return not self.node_selector and self.terms is None
