"""Label selectors (metav1.LabelSelector) compiled once and matched many times, with the
semantics of apimachinery: a nil selector matches nothing, an empty one everything. Shared
by the dry run (scheduler, rollout) and the analyses (RBAC aggregation, NetworkPolicy)."""

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
            if isinstance(v, (dict, list)):
                raise SelectorError(f"matchLabels values must be strings (key {k})")
            reqs.append((str(k), "In", frozenset([label_value(v)])))
        exprs = selector.get("matchExpressions") or []
        if not isinstance(exprs, list):
            raise SelectorError("matchExpressions must be a list")
        for expr in exprs:
            if not isinstance(expr, dict) or not isinstance(expr.get("key"), str):
                raise SelectorError("each matchExpressions item needs a key")
            op = expr.get("operator")
            values = requirement_values(expr)
            if op in ("In", "NotIn"):
                if not values:
                    raise SelectorError(f"operator {op} needs at least one value (key {expr['key']})")
            elif op in ("Exists", "DoesNotExist"):
                if values:
                    raise SelectorError(f"operator {op} takes no values (key {expr['key']})")
            else:
                raise SelectorError(f"{op!r} is not a valid label selector operator")
            reqs.append((expr["key"], op, frozenset(values)))
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


def label_value(value) -> str:
    """A label value as text: YAML may read ``version: 1`` or ``enabled: true`` as a number
    or a boolean; Kubernetes labels are strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def requirement_values(expr: dict) -> list:
    """The ``values`` of a selector requirement as label text; a list of scalars or nothing."""
    values = expr.get("values") or []
    if not isinstance(values, list) or any(isinstance(v, (dict, list)) for v in values):
        raise SelectorError(f"values must be a list of strings (key {expr.get('key')})")
    return [label_value(v) for v in values]


def selector_from_map(labels: dict) -> LabelSelector:
    """A Service or ReplicationController selector (a plain map): equality on each key."""
    return LabelSelector(tuple((str(k), "In", frozenset([label_value(v)])) for k, v in (labels or {}).items()))
