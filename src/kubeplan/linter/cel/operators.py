"""CEL arithmetic: int and uint are 64-bit with overflow errors, no implicit conversions."""

from __future__ import annotations

import math

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.values import INT64_MIN, Duration, Timestamp, Uint, check_int, check_uint

_TS = Timestamp
_DUR = Duration


MAX_VALUE_SIZE = 10_000_000  # characters, bytes or items of one value built by an expression


def check_size(length: int, what: str = "value"):
    if length > MAX_VALUE_SIZE:
        raise CelError(f"{what} too large ({length} > {MAX_VALUE_SIZE}): the expression builds too much")


def add(a, b):
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is int:
            return check_int(a + b)
        if ta is float:
            return a + b
        if ta is str or ta is bytes or ta is list:
            check_size(len(a) + len(b))
            return a + b
        if ta is Uint:
            return check_uint(a + b)
        if ta is _DUR:
            return Duration(a.ns + b.ns)
    if ta is _TS and tb is _DUR:
        return Timestamp(a.ns + b.ns)
    if ta is _DUR and tb is _TS:
        return Timestamp(a.ns + b.ns)
    if isinstance(a, list) and isinstance(b, list):
        check_size(len(a) + len(b))
        return list(a) + list(b)
    method = getattr(type(a), "cel_add", None)
    if method is not None and ta is tb:
        return method(a, b)
    raise no_overload("_+_", a, b)


def subtract(a, b):
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is int:
            return check_int(a - b)
        if ta is float:
            return a - b
        if ta is Uint:
            return check_uint(a - b)
        if ta is _TS or ta is _DUR:
            return Duration(a.ns - b.ns)
    if ta is _TS and tb is _DUR:
        return Timestamp(a.ns - b.ns)
    raise no_overload("_-_", a, b)


def multiply(a, b):
    ta = type(a)
    if ta is type(b):
        if ta is int:
            return check_int(a * b)
        if ta is float:
            return a * b
        if ta is Uint:
            return check_uint(a * b)
    raise no_overload("_*_", a, b)


def divide(a, b):
    ta = type(a)
    if ta is type(b):
        if ta is int or ta is Uint:
            if b == 0:
                raise CelError("division by zero")
            if ta is int and a == INT64_MIN and b == -1:
                raise CelError("integer overflow")
            quotient = abs(a) // abs(b)
            if (a < 0) != (b < 0):
                quotient = -quotient
            return quotient if ta is int else Uint(quotient)
        if ta is float:
            if b == 0.0:
                if a != a or a == 0.0:
                    return math.nan
                return math.copysign(math.inf, a) * math.copysign(1.0, b)
            return a / b
    raise no_overload("_/_", a, b)


def modulo(a, b):
    ta = type(a)
    if ta is type(b) and (ta is int or ta is Uint):
        if b == 0:
            raise CelError("modulus by zero")
        if ta is int and a == INT64_MIN and b == -1:
            raise CelError("integer overflow")
        remainder = abs(a) % abs(b)  # Go semantics: the sign follows the dividend
        if a < 0:
            remainder = -remainder
        return remainder if ta is int else Uint(remainder)
    raise no_overload("_%_", a, b)


def negate(a):
    ta = type(a)
    if ta is int:
        return check_int(-a)
    if ta is float:
        return -a
    if ta is _DUR:
        return Duration(-a.ns)
    raise no_overload("-_", a)
