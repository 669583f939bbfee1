"""Kubernetes ``resource.Quantity`` as the scheduler reads it.

Parsing lives in ``kubeplan.model.quantity`` (shared with the CEL ``quantity`` library);
``parse_quantity`` and ``QuantityError`` are re-exported here for the dryrun modules. The
scheduler reads quantities as apimachinery does: ``MilliValue()`` for cpu and ``Value()``
for everything else, both rounded up to the next integer.
"""

from __future__ import annotations

from fractions import Fraction

from kubeplan.model.quantity import QuantityError, parse_quantity

__all__ = ["QuantityError", "parse_quantity", "milli_value", "int_value", "resource_value"]


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
    # node arrays are int64: clamp absurd values instead of overflowing (to 2**62, not the
    # int64 maximum, so that a node's total of a few such requests still fits)
    return max(min(number, _INT64_LIMIT), -_INT64_LIMIT)


_INT64_LIMIT = 2**62
