"""List and set functions: the Kubernetes lists library (isSorted, sum, min, max,
indexOf, lastIndexOf), cel-go's lists extension (slice, flatten, sort, distinct, reverse,
first, last, lists.range) and the sets extension (sets.contains/equivalent/intersects)."""

from __future__ import annotations

import functools

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.registry import function
from kubeplan.linter.cel.operators import add
from kubeplan.linter.cel.values import NONE, Duration, Optional, Uint, cel_equal, compare

MAX_RANGE = 1_000_000  # lists.range(n) beyond this is refused rather than filling memory


def _list(name, value, *rest):
    if type(value) is not list:
        raise no_overload(name, value, *rest)
    return value


def _ordered(name, items):
    try:
        return sorted(items, key=functools.cmp_to_key(lambda a, b: compare(name, a, b)))
    except CelError:
        raise no_overload(name, items) from None


@function("isSorted", method=True, glob=False)
def is_sorted(items):
    _list("isSorted", items)
    return all(compare("isSorted", a, b) <= 0 for a, b in zip(items, items[1:]))


@function("sum", method=True, glob=False)
def sum_(items):
    _list("sum", items)
    if not items:
        return 0
    total = items[0]
    for item in items[1:]:
        total = add(total, item)
    if type(total) not in (int, Uint, float, Duration) and not hasattr(total, "cel_add"):
        raise no_overload("sum", items)
    return total


def _extreme(name, items, sign):
    _list(name, items)
    if not items:
        raise CelError(f"{name}(): the list is empty")
    best = items[0]
    for item in items[1:]:
        if compare(name, item, best) == sign:
            best = item
    return best


@function("min", method=True, glob=False)
def min_(items):
    return _extreme("min", items, -1)


@function("max", method=True, glob=False)
def max_(items):
    return _extreme("max", items, 1)


def list_index_of(items, value):
    for i, item in enumerate(items):
        if cel_equal(item, value):
            return i
    return -1


def list_last_index_of(items, value):
    for i in range(len(items) - 1, -1, -1):
        if cel_equal(items[i], value):
            return i
    return -1


@function("slice", method=True, glob=False)
def slice_(items, start, end):
    _list("slice", items, start, end)
    if type(start) is not int or type(end) is not int:
        raise no_overload("slice", items, start, end)
    if start < 0 or end < 0 or start > end or end > len(items):
        raise CelError(f"slice: invalid range [{start}:{end}] of a list of size {len(items)}")
    return items[start:end]


@function("flatten", method=True, glob=False)
def flatten(items, depth=1):
    _list("flatten", items)
    if type(depth) is not int:
        raise no_overload("flatten", items, depth)
    if depth < 0:
        raise CelError("flatten: depth must not be negative")
    out = []
    for item in items:
        if type(item) is list and depth > 0:
            out.extend(flatten(item, depth - 1))
        else:
            out.append(item)
    return out


@function("sort", method=True, glob=False)
def sort(items):
    _list("sort", items)
    return _ordered("sort", items)


def _hash_key(value):
    """A key equal for CEL-equal scalars (1 == 1.0 == 1u), or None for other values."""
    t = type(value)
    if t is str or t is bytes or value is None:
        return (t.__name__, value)
    if t is bool:
        return ("bool", value)
    if t in (int, Uint, float):
        return ("number", value) if value == value else None
    return None


def _membership(items):
    """A fast `in` over ``items``: hashable scalars in a set, the rest scanned."""
    keys = set()
    others = []
    for item in items:
        key = _hash_key(item)
        if key is None:
            others.append(item)
        else:
            keys.add(key)

    def contains(value):
        key = _hash_key(value)
        if key is not None and key in keys:
            return True
        return any(cel_equal(value, other) for other in others) if (key is None or others) else False

    return contains


@function("distinct", method=True, glob=False)
def distinct(items):
    _list("distinct", items)
    seen = set()
    out = []
    for item in items:
        key = _hash_key(item)
        if key is not None:
            if key not in seen:
                seen.add(key)
                out.append(item)
        elif list_index_of(out, item) < 0:
            out.append(item)
    return out


@function("first", method=True, glob=False)
def first(items):
    _list("first", items)
    return Optional(True, items[0]) if items else NONE


@function("last", method=True, glob=False)
def last(items):
    _list("last", items)
    return Optional(True, items[-1]) if items else NONE


@function("lists.range")
def lists_range(n):
    if type(n) is not int:
        raise no_overload("lists.range", n)
    if n > MAX_RANGE:
        raise CelError(f"lists.range({n}) is too large")
    return list(range(max(n, 0)))


def _sets(name, a, b):
    if type(a) is not list or type(b) is not list:
        raise no_overload(name, a, b)


@function("sets.contains")
def sets_contains(a, b):
    _sets("sets.contains", a, b)
    contains = _membership(a)
    return all(contains(item) for item in b)


@function("sets.equivalent")
def sets_equivalent(a, b):
    _sets("sets.equivalent", a, b)
    return sets_contains(a, b) and sets_contains(b, a)


@function("sets.intersects")
def sets_intersects(a, b):
    _sets("sets.intersects", a, b)
    contains = _membership(a)
    return any(contains(item) for item in b)
