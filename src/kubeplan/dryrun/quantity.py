"""Kubernetes ``resource.Quantity`` as apimachinery parses it.

A quantity is ``<sign><digits>[.<digits>]<suffix>`` where the suffix is a binary SI
suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m "" k M G T P E) or a decimal
exponent (``e3``, ``E-2``). Values are kept exact (Fraction); the scheduler reads them as
apimachinery does: ``MilliValue()`` for cpu and ``Value()`` for everything else, both
rounded up to the next integer.
"""

from __future__ import annotations

import re
from fractions import Fraction

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_QUANTITY = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$")
_CACHE: dict = {}


class QuantityError(ValueError):
    """Not a valid resource quantity."""


def parse_quantity(value) -> Fraction:
    """The exact value of a quantity given as a string or a YAML number."""
    if isinstance(value, bool):
        raise QuantityError(f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got {value!r})")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else _bad(value)
    if not isinstance(value, str):
        _bad(value)
    cached = _CACHE.get(value)
    if cached is not None:
        return cached
    match = _QUANTITY.match(value)
    if not match:
        _bad(value)
    sign, number, suffix, exponent = match.groups()
    result = Fraction(number)
    if exponent is not None:
        if abs(int(exponent)) > 100:
            _bad(value)
        result *= Fraction(10) ** int(exponent)
    elif suffix in _BINARY:
        result *= _BINARY[suffix]
    else:
        result *= _DECIMAL[suffix or ""]
    if sign == "-":
        result = -result
    if len(_CACHE) < 100_000:
        _CACHE[value] = result
    return result


def _bad(value):
    raise QuantityError(
        f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got {value!r})"
    )


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def milli_value(value) -> int:
    """``Quantity.MilliValue()``: thousandths, rounded up (cpu)."""
    return _ceil(parse_quantity(value) * 1000)


def int_value(value) -> int:
    """``Quantity.Value()``: the integer value, rounded up (memory, storage, counts)."""
    return _ceil(parse_quantity(value))


def resource_value(name: str, value) -> int:
    """How the scheduler counts resource ``name``: milli-cpu for cpu, units otherwise."""
    number = milli_value(value) if name == "cpu" else int_value(value)
    # node arrays are int64: clamp absurd values instead of overflowing
    return max(min(number, _INT64_LIMIT), -_INT64_LIMIT)


_INT64_LIMIT = 2**62
