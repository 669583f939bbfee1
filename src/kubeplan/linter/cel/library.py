"""The CEL standard library on plain Python data: field access, ``size``, ``contains``,
``startsWith``, ``endsWith``, ``matches`` and the type conversions. Macros, timestamps and
optionals have their own modules; every module registers its functions in ``registry``."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.registry import function
from kubeplan.linter.cel.timelib import format_duration, format_timestamp
from kubeplan.linter.cel.values import (
    INT64_MAX,
    INT64_MIN,
    NANOS,
    NONE,
    UINT64_MAX,
    Duration,
    Optional,
    Timestamp,
    Uint,
    map_lookup,
    type_of,
)

_TS = Timestamp
_DUR = Duration


# -- field access -------------------------------------------------------------------------------
def select(obj, name):
    if type(obj) is Optional:
        return optional_select(obj, name)
    selector = getattr(obj, "cel_select", None)
    if selector is not None:
        return selector(name)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        raise CelError(f"no such key: {name}")
    if obj is None:
        raise CelError(f"no such key: {name} (selecting a field of null)")
    raise CelError(f"type '{type_of(obj).name}' does not support field selection ('.{name}')")


def has_field(obj, name):
    if type(obj) is Optional:
        # has() through an optional: false when empty, else a test on the value.
        return obj.present and has_field(obj.value, name)
    checker = getattr(obj, "cel_has", None)
    if checker is not None:
        return checker(name)
    if isinstance(obj, dict):
        return name in obj
    if obj is None:
        raise CelError(f"has(): cannot test field '{name}' of null")
    raise CelError(f"has(): type '{type_of(obj).name}' does not have fields ('{name}')")


def optional_select(obj, name):
    if type(obj) is Optional:
        if not obj.present:
            return NONE
        obj = obj.value
    if type(obj) is dict:
        if name in obj:
            return Optional(True, obj[name])
        return NONE
    checker = getattr(obj, "cel_has", None)
    if checker is not None:
        return Optional(True, obj.cel_select(name)) if checker(name) else NONE
    if isinstance(obj, dict):
        return Optional(True, obj[name]) if name in obj else NONE
    raise CelError(f"type '{type_of(obj).name}' does not support field selection ('.?{name}')")


def _list_index(seq, key):
    tk = type(key)
    if tk is int or tk is Uint:
        i = key
    elif tk is float and key == key and math.isfinite(key) and key == int(key):
        i = int(key)
    else:
        raise CelError(f"invalid list index type '{type_of(key).name}'")
    if 0 <= i < len(seq):
        return True, seq[i]
    return False, i


def index(obj, key):
    if type(obj) is list:
        found, value = _list_index(obj, key)
        if found:
            return value
        raise CelError(f"index out of range: {value} (list of size {len(obj)})")
    if type(obj) is dict:
        found, value = map_lookup(obj, key)
        if found:
            return value
        raise CelError(f"no such key: {key!r}" if type(key) is not str else f"no such key: {key}")
    if type(obj) is Optional:
        return optional_index(obj, key)
    indexer = getattr(obj, "cel_index", None)
    if indexer is not None:
        return indexer(key)
    raise no_overload("_[_]", obj, key)


def optional_index(obj, key):
    if type(obj) is Optional:
        if not obj.present:
            return NONE
        obj = obj.value
    if type(obj) is list:
        found, value = _list_index(obj, key)
        return Optional(True, value) if found else NONE
    if type(obj) is dict:
        found, value = map_lookup(obj, key)
        return Optional(True, value) if found else NONE
    raise no_overload("_[?_]", obj, key)


# -- core functions -----------------------------------------------------------------------------
@function("size", method=True)
def size(value):
    if type(value) in (str, bytes, list, dict):
        return len(value)
    raise no_overload("size", value)


def _strings(function_name, a, b):
    if type(a) is not str or type(b) is not str:
        raise no_overload(function_name, a, b)


@function("contains", method=True, glob=False)
def contains(s, sub):
    _strings("contains", s, sub)
    return sub in s


@function("startsWith", method=True, glob=False)
def starts_with(s, prefix):
    _strings("startsWith", s, prefix)
    return s.startswith(prefix)


@function("endsWith", method=True, glob=False)
def ends_with(s, suffix):
    _strings("endsWith", s, suffix)
    return s.endswith(suffix)


_REGEX_CACHE: dict = {}


def compile_regex(pattern):
    """RE2 semantics (linear time: an untrusted pattern cannot hang a run)."""
    compiled = _REGEX_CACHE.get(pattern)
    if compiled is None:
        try:
            import re2

            options = re2.Options()
            options.log_errors = False  # the C++ library would print to stderr
            try:
                compiled = re2.compile(pattern, options=options)
            except Exception as exc:  # re2 raises its own error type
                detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
                raise CelError(f"invalid regular expression {pattern!r}: {detail}") from None
        except ImportError:  # pragma: no cover - google-re2 ships with cel-python here
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise CelError(f"invalid regular expression {pattern!r}: {exc}") from None
        if len(_REGEX_CACHE) > 1000:
            _REGEX_CACHE.clear()
        _REGEX_CACHE[pattern] = compiled
    return compiled


@function("matches", method=True)
def matches(s, pattern):
    _strings("matches", s, pattern)
    return compile_regex(pattern).search(s) is not None


# -- conversions --------------------------------------------------------------------------------
@function("dyn")
def dyn(value):
    return value


@function("type")
def type_(value):
    return type_of(value)


@function("int")
def to_int(value):
    t = type(value)
    if t is int:
        return value
    if t is Uint:
        if value > INT64_MAX:
            raise CelError("integer overflow converting uint to int")
        return int(value)
    if t is float:
        if not math.isfinite(value) or not (-9.223372036854775e18 <= value < 9.223372036854775807e18):
            raise CelError("integer overflow converting double to int")
        return int(value)
    if t is str:
        try:
            result = int(value, 10)
        except ValueError:
            raise CelError(f"cannot convert string {value!r} to int") from None
        if not INT64_MIN <= result <= INT64_MAX or "_" in value or value.strip() != value:
            raise CelError(f"cannot convert string {value!r} to int")
        return result
    if t is _TS:
        return value.ns // NANOS  # Unix seconds
    if t is _DUR:
        return value.ns
    raise no_overload("int", value)


@function("uint")
def to_uint(value):
    t = type(value)
    if t is Uint:
        return value
    if t is int:
        if value < 0:
            raise CelError("unsigned integer overflow converting int to uint")
        return Uint(value)
    if t is float:
        if not math.isfinite(value) or not (0 <= value < 1.8446744073709552e19):
            raise CelError("unsigned integer overflow converting double to uint")
        return Uint(int(value))
    if t is str:
        try:
            result = int(value, 10)
        except ValueError:
            raise CelError(f"cannot convert string {value!r} to uint") from None
        if not 0 <= result <= UINT64_MAX or "_" in value or value.strip() != value or value.startswith(("+", "-")):
            raise CelError(f"cannot convert string {value!r} to uint")
        return Uint(result)
    raise no_overload("uint", value)


@function("double")
def to_double(value):
    t = type(value)
    if t is float:
        return value
    if t is int or t is Uint:
        return float(value)
    if t is str:
        try:
            return float(value)
        except ValueError:
            raise CelError(f"cannot convert string {value!r} to double") from None
    raise no_overload("double", value)


def format_double(value: float) -> str:
    """Go's strconv.FormatFloat(value, 'g', -1, 64), as cel-go's string(double)."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + exponent  # position of the decimal point in the digit string
    exp = point - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:  # Go's %g with the shortest precision switches to %e there
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{prefix}{text}{'0' * (point - len(text))}"
    return f"{prefix}{text[:point]}.{text[point:]}"


@function("string")
def to_string(value):
    t = type(value)
    if t is str:
        return value
    if t is bool:
        return "true" if value else "false"
    if t is int or t is Uint:
        return str(int(value))
    if t is float:
        return format_double(value)
    if t is bytes:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise CelError("invalid UTF-8 in bytes, cannot convert to string") from None
    if t is _TS:
        return format_timestamp(value)
    if t is _DUR:
        return format_duration(value)
    converter = getattr(value, "cel_string", None)
    if converter is not None:
        return converter()
    raise no_overload("string", value)


@function("bytes")
def to_bytes(value):
    if type(value) is bytes:
        return value
    if type(value) is str:
        return value.encode("utf-8")
    raise no_overload("bytes", value)


_BOOL_STRINGS = {
    "1": True,
    "t": True,
    "true": True,
    "TRUE": True,
    "True": True,
    "0": False,
    "f": False,
    "false": False,
    "FALSE": False,
    "False": False,
}


@function("bool")
def to_bool(value):
    if type(value) is bool:
        return value
    if type(value) is str:
        if value in _BOOL_STRINGS:
            return _BOOL_STRINGS[value]
        raise CelError(f"cannot convert string {value!r} to bool")
    raise no_overload("bool", value)
