"""Optional values: ``optional.of/none/ofNonZeroValue``, ``hasValue``, ``value``,
``orValue``, ``or``, ``optional.unwrap``."""

from __future__ import annotations

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.registry import METHODS, function
from kubeplan.linter.cel.values import NONE, Duration, Optional, Timestamp, Uint



@function("optional.of")
def optional_of(value):
    return Optional(True, value)


@function("optional.none")
def optional_none():
    return NONE


def _is_zero(value):
    if value is None or value is False:
        return True
    t = type(value)
    if t in (int, Uint, float, str, bytes, list, dict):
        return not value
    if t is Duration or t is Timestamp:
        return value.ns == 0
    return False


@function("optional.ofNonZeroValue")
def optional_of_non_zero(value):
    return NONE if _is_zero(value) else Optional(True, value)


def _optional(value, name):
    if type(value) is not Optional:
        raise no_overload(name, value)
    return value


@function("hasValue", method=True, glob=False)
def has_value(opt):
    return _optional(opt, "hasValue").present


@function("value", method=True, glob=False)
def opt_value(opt):
    opt = _optional(opt, "value")
    if not opt.present:
        raise CelError("optional.none() has no value")
    return opt.value


@function("orValue", method=True, glob=False)
def or_value(opt, default):
    opt = _optional(opt, "orValue")
    return opt.value if opt.present else default


@function("or", method=True, glob=False)
def opt_or(opt, other):
    opt = _optional(opt, "or")
    _optional(other, "or")
    return opt if opt.present else other


@function("optional.unwrap")
def optional_unwrap(items):
    if type(items) is not list:
        raise no_overload("optional.unwrap", items)
    return [_optional(o, "optional.unwrap").value for o in items if _optional(o, "optional.unwrap").present]


METHODS["unwrapOpt"] = lambda items: optional_unwrap(items)
