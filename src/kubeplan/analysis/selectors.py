"""Label selectors as the API machinery evaluates them (metav1.LabelSelector), matched by
the compiled selector of kubeplan.model.selectors.

The analyses read selectors leniently and never raise. Every answer their own loop gave
before the compiled selector served them stands (a NotIn without values excludes nothing,
an Exists ignores values, a requirement without a key finds no label, values compare
with Python's ``==``, not as strings); an unknown operator, an In without values or a
requirement that is not a mapping selects nothing; where the loop raised, on a selector
too malformed to read, there is now an answer instead."""

from __future__ import annotations

import copy

from kubeplan.model.selectors import LabelSelector, SelectorError

# id(selector) -> (a copy of the selector, its _Compiled or None): the analyses match one
# selector against many label sets. The copy must still equal the selector for a hit, so an
# id reused by another object, or a selector edited in place, is compiled afresh.
_CACHE: dict = {}
_CACHE_SIZE = 4096


def label_selector_matches(selector: dict, labels: dict) -> bool:
    """matchLabels AND every matchExpressions requirement; an empty selector matches all."""
    if not isinstance(selector, dict):
        return False
    hit = _CACHE.get(id(selector))
    if hit is None or hit[0] != selector:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        hit = _CACHE[id(selector)] = (copy.deepcopy(selector), _Compiled.parse(selector))
    compiled = hit[1]
    if compiled is None:
        return False
    return compiled.matches(labels if isinstance(labels, dict) else {})


def selects_nothing(selector) -> bool:
    """A null selector (as opposed to ``{}``) selects no object."""
    return selector is None


class _Compiled:
    """A lenient selector as a LabelSelector over stand-ins: each key and value becomes a
    string equal to another's exactly when the two are equal in Python (1 == 1.0 == True,
    "1" != 1), the way the analyses have always compared them. Strings stand for themselves;
    other values (and strings that could pass for a stand-in) for "\\0" and their index in
    ``seen``."""

    __slots__ = ("selector", "null_keys", "seen")

    def __init__(self):
        self.seen = []
        self.null_keys = []  # matchLabels {key: null}: labels.get(key) == None, so absent matches too

    @classmethod
    def parse(cls, selector: dict):
        """None where the selector can only select nothing."""
        self = cls()
        match_labels = selector.get("matchLabels") or {}
        exprs = selector.get("matchExpressions") or []
        if not isinstance(match_labels, dict) or not isinstance(exprs, list):
            return None
        required = {}
        for key, value in match_labels.items():
            if value is None:
                self.null_keys.append(key)
            elif value != value:  # NaN equals nothing, not even itself
                return None
            else:
                required[self.stand_in(key, add=True)] = self.stand_in(value, add=True)
        requirements = []
        for expr in exprs:
            if not isinstance(expr, dict):
                return None
            op = expr.get("operator")
            # Exists and DoesNotExist never looked at values; other operators select nothing.
            values = _members(expr.get("values") or []) if op in ("In", "NotIn") else []
            if op == "NotIn" and not values:
                continue  # excludes nothing
            key = self.stand_in(expr.get("key"), add=True)
            values = [self.stand_in(v, add=True) for v in values]
            requirements.append({"key": key, "operator": op, "values": values})
        try:
            self.selector = LabelSelector.parse({"matchLabels": required, "matchExpressions": requirements})
        except SelectorError:  # e.g. an unknown operator, or In without values
            return None
        return self

    def stand_in(self, value, add: bool = False) -> str:
        if isinstance(value, str) and not value.startswith("\0"):
            return value
        for index, other in enumerate(self.seen):
            if other is value or other == value:
                return f"\0{index}"
        if not add:
            return "\0"  # a label value equal to none of the selector's
        self.seen.append(value)
        return f"\0{len(self.seen) - 1}"

    def matches(self, labels: dict) -> bool:
        for key in self.null_keys:
            if labels.get(key) is not None:
                return False
        if not self.seen:  # plain strings: a label value of another type equals none of them
            try:
                return self.selector.matches(labels)
            except TypeError:  # a list or map as a label value, which a set cannot hold
                pass
        return self.selector.matches({self.stand_in(k): self.stand_in(v) for k, v in labels.items()})


def _members(values) -> list:
    """What ``label_value in values`` found: a list's items, a mapping's keys, and for a
    string (``values: web`` for ``[web]``) its substrings; nothing in a number."""
    if isinstance(values, str):
        return list({values[i:j] for i in range(len(values) + 1) for j in range(i, len(values) + 1)})
    if isinstance(values, (list, dict)):
        return list(values)
    return []
