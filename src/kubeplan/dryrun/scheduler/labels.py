"""Label selectors (metav1.LabelSelector) and node selectors (v1.NodeSelector), compiled
once and matched many times, with the exact semantics of apimachinery and
component-helpers: a nil label selector matches nothing, an empty one everything; an
empty node selector term matches nothing; Gt/Lt compare integers."""

from __future__ import annotations

import json


class SelectorError(ValueError):
    """A selector the API server would reject."""


class LabelSelector:
    """A compiled ``metav1.LabelSelector``; ``key`` identifies equal selectors."""

    __slots__ = ("requirements", "nothing", "key")

    def __init__(self, requirements: tuple, nothing: bool = False):
        self.requirements = requirements  # ((key, op, frozenset(values)), ...)
        self.nothing = nothing
        self.key = "<nothing>" if nothing else json.dumps(
            sorted([k, op, sorted(v)] for k, op, v in requirements)
        )

    @classmethod
    def parse(cls, selector, extra=()) -> "LabelSelector":
        """``selector`` as in a pod spec (None means nothing); ``extra`` adds requirements."""
        if selector is None:
            return NOTHING
        if not isinstance(selector, dict):
            raise SelectorError("a label selector must be a mapping")
        reqs = []
        match_labels = selector.get("matchLabels") or {}
        if not isinstance(match_labels, dict):
            raise SelectorError("matchLabels must be a mapping")
        for k, v in match_labels.items():
            reqs.append((str(k), "In", frozenset([_label_value(v)])))
        exprs = selector.get("matchExpressions") or []
        if not isinstance(exprs, list):
            raise SelectorError("matchExpressions must be a list")
        for expr in exprs:
            if not isinstance(expr, dict) or not isinstance(expr.get("key"), str):
                raise SelectorError("each matchExpressions item needs a key")
            op = expr.get("operator")
            values = expr.get("values") or []
            if op in ("In", "NotIn"):
                if not values:
                    raise SelectorError(f"operator {op} needs at least one value (key {expr['key']})")
            elif op in ("Exists", "DoesNotExist"):
                if values:
                    raise SelectorError(f"operator {op} takes no values (key {expr['key']})")
            else:
                raise SelectorError(f"{op!r} is not a valid label selector operator")
            reqs.append((expr["key"], op, frozenset(_label_value(v) for v in values)))
        reqs.extend(extra)
        return cls(tuple(reqs))

    def empty(self) -> bool:
        return not self.nothing and not self.requirements

    def hint(self):
        """(key, values) of an In requirement every matching label set satisfies, or None:
        lets callers look at only the pods carrying one of those labels."""
        for key, op, values in self.requirements:
            if op == "In":
                return key, values
        return None

    def matches(self, labels: dict) -> bool:
        if self.nothing:
            return False
        for key, op, values in self.requirements:
            if op == "In":
                if key not in labels or labels[key] not in values:
                    return False
            elif op == "NotIn":
                if key in labels and labels[key] in values:
                    return False
            elif op == "Exists":
                if key not in labels:
                    return False
            elif key in labels:  # DoesNotExist
                return False
        return True


NOTHING = LabelSelector((), nothing=True)
EVERYTHING = LabelSelector(())


def _label_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def selector_from_map(labels: dict) -> LabelSelector:
    """A Service or ReplicationController selector (a plain map): equality on each key."""
    return LabelSelector(tuple((str(k), "In", frozenset([_label_value(v)])) for k, v in (labels or {}).items()))


def merge(a: LabelSelector, b: LabelSelector) -> LabelSelector:
    if a.nothing or b.nothing:
        return NOTHING
    return LabelSelector(a.requirements + b.requirements)


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
    values = [_label_value(v) for v in expr.get("values") or []]
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
        self.node_selector = {str(k): _label_value(v) for k, v in (node_selector or {}).items()}
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
