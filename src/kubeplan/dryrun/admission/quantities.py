"""Quantities as the API server prints them in admission messages.

``Quantity.String()`` is the canonical form in the format the value was written in
(binary suffixes, decimal suffixes or an exponent); sums keep the format of their first
nonzero term (``Quantity.Add``).
"""

from __future__ import annotations

from kubeplan.dryrun.quantity import parse_quantity

Qty = tuple  # (Fraction value, format: "BinarySI" | "DecimalSI" | "DecimalExponent")

_CACHE: dict = {}
_DECIMAL_SUFFIX = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BINARY_SUFFIX = {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}


def qty(value) -> Qty:
    if isinstance(value, str):
        hit = _CACHE.get(value)
        if hit is not None:
            return hit
        if len(_CACHE) < 100_000:
            hit = _CACHE[value] = _parse(value)
            return hit
    return _parse(value)


def _parse(value) -> Qty:
    number = parse_quantity(value)
    fmt = "DecimalSI"
    if isinstance(value, str):
        if value.rstrip()[-2:] in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"):
            fmt = "BinarySI"
        elif "e" in value.lower() and not value.endswith("E"):
            fmt = "DecimalExponent"
    return number, fmt


def add(a: Qty | None, b: Qty) -> Qty:
    if a is None:
        return b
    # Quantity.Add: a zero receiver takes the format of what is added to it
    return (a[0] + b[0], a[1] if a[0] != 0 else b[1])


def sum_into(total: dict, values: dict) -> None:
    for name, value in values.items():
        total[name] = add(total.get(name), qty(value))


def format_quantity(value: Qty) -> str:
    number, fmt = value
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    number = abs(number)
    if fmt == "BinarySI" and number >= 1024 and number.denominator == 1:
        n, power = int(number), 0
        while power < 6 and n % 1024 == 0:
            n //= 1024
            power += 1
        return f"{sign}{n}{_BINARY_SUFFIX[power]}"
    # decimal: round up to nano units, then the largest exponent (a multiple of 3) that
    # leaves an integer mantissa
    nanos = -((-number.numerator * 10**9) // number.denominator)
    exponent = -9
    while exponent < 18 and nanos % 1000 == 0:
        nanos //= 1000
        exponent += 3
    if fmt == "DecimalExponent":
        return f"{sign}{nanos}" + (f"e{exponent}" if exponent else "")
    return f"{sign}{nanos}{_DECIMAL_SUFFIX[exponent]}"
