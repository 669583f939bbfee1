"""The Kubernetes ``quantity`` CEL library: ``quantity("500Mi")``, ``isQuantity(s)`` and
the methods sign, isInteger, asInteger, asApproximateFloat, add, sub, isGreaterThan,
isLessThan, compareTo. Values are exact fractions, as resource.Quantity is exact."""

from __future__ import annotations

from fractions import Fraction

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.registry import function, register_wrapper
from kubeplan.linter.cel.values import INT64_MAX, INT64_MIN
from kubeplan.model.quantity import QuantityError
from kubeplan.model.quantity import parse_quantity as _parse_quantity


def parse_quantity(text: str) -> Fraction | None:
    """The exact value of a quantity string, or None when ``text`` is not one (CEL takes
    strings only, so YAML numbers are not quantities here)."""
    if type(text) is not str:
        return None
    try:
        return _parse_quantity(text)
    except QuantityError:
        return None


@register_wrapper
class Quantity:
    cel_type_name = "kubernetes.Quantity"
    __slots__ = ("text", "value")

    def __init__(self, text: str, value: Fraction):
        self.text = text
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Quantity) and other.value == self.value

    def __hash__(self):
        return hash(self.value)

    def __repr__(self) -> str:
        return f"quantity({self.text!r})"

    def cel_string(self):
        return self.text

    def cel_compare(self, other):
        return (self.value > other.value) - (self.value < other.value)

    def _other(self, other, name):
        if isinstance(other, Quantity):
            return other.value
        if type(other) is int:
            return Fraction(other)
        raise no_overload(name, self, other)

    def _sign(self):
        return (self.value > 0) - (self.value < 0)

    def _is_integer(self):
        return self.value.denominator == 1 and INT64_MIN <= self.value <= INT64_MAX

    def _as_integer(self):
        if not self._is_integer():
            raise CelError(f"cannot convert quantity {self.text!r} to an integer (it is fractional or too large)")
        return int(self.value)

    def _add(self, other, sign, name):
        value = self.value + sign * self._other(other, name)
        return Quantity(_format(value), value)

    def _cmp(self, other, name):
        o = self._other(other, name) if not isinstance(other, Quantity) else other.value
        if not isinstance(other, Quantity):
            raise no_overload(name, self, other)
        return (self.value > o) - (self.value < o)

    cel_methods = {
        "sign": lambda q: q._sign(),
        "isInteger": lambda q: q._is_integer(),
        "asInteger": lambda q: q._as_integer(),
        "asApproximateFloat": lambda q: float(q.value),
        "add": lambda q, o: q._add(o, 1, "add"),
        "sub": lambda q, o: q._add(o, -1, "sub"),
        "isGreaterThan": lambda q, o: q._cmp(o, "isGreaterThan") > 0,
        "isLessThan": lambda q, o: q._cmp(o, "isLessThan") < 0,
        "compareTo": lambda q, o: q._cmp(o, "compareTo"),
    }


def _format(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    for suffix, scale in (("m", 1000), ("u", 10**6), ("n", 10**9)):
        scaled = value * scale
        if scaled.denominator == 1:
            return f"{scaled.numerator}{suffix}"
    return str(float(value))


@function("quantity")
def quantity(text):
    value = parse_quantity(text)
    if value is None:
        if type(text) is not str:
            raise no_overload("quantity", text)
        raise CelError(f"quantity: invalid quantity {text!r}")
    return Quantity(text, value)


@function("isQuantity")
def is_quantity(text):
    if type(text) is not str:
        raise no_overload("isQuantity", text)
    return parse_quantity(text) is not None
