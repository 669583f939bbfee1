"""Kubernetes ``resource.Quantity`` as apimachinery parses it, shared by the scheduler
(``kubeplan.dryrun.quantity``) and the CEL ``quantity`` library.

A quantity is ``<sign><digits>[.<digits>]<suffix>`` where the suffix is a binary SI
suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m "" k M G T P E) or a decimal
exponent (``e3``, ``E-2``). Values are kept exact (Fraction).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NoReturn

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
# groups: sign, number, SI suffix, exponent; "1E3" backtracks from the exa suffix to the exponent
# (ASCII digits only, and nothing after the suffix: not even the newline "$" would allow)
_QUANTITY = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?[0-9]+))?")
# apimachinery takes any int32 exponent; this only keeps Fraction powers from growing huge
_MAX_EXPONENT = 1000
_CACHE: dict = {}
_CACHE_LIMIT = 100_000


class QuantityError(ValueError):
    """Not a valid resource quantity."""


def parse_quantity(value) -> Fraction:
    """The exact value of a quantity given as a string or a YAML number (int or float)."""
    # bool is an int subclass, but `true` is not a quantity
    if isinstance(value, bool):
        _bad(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            _bad(value)
        # repr is the shortest decimal that round-trips: 0.1 is 1/10, not the binary double
        return Fraction(repr(value))
    if not isinstance(value, str):
        _bad(value)
    cached = _CACHE.get(value)
    if cached is not None:
        return cached
    match = _QUANTITY.fullmatch(value)
    if not match:
        _bad(value)
    sign, number, suffix, exponent = match.groups()
    result = Fraction(number)
    if exponent is not None:
        if abs(int(exponent)) > _MAX_EXPONENT:
            _bad(value)
        result *= Fraction(10) ** int(exponent)
    elif suffix in _BINARY:
        result *= _BINARY[suffix]
    else:
        result *= _DECIMAL[suffix or ""]
    if sign == "-":
        result = -result
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[value] = result
    return result


def _bad(value) -> NoReturn:
    # apimachinery's own message, so users see what kubectl would tell them
    raise QuantityError(
        f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got {value!r})"
    )
