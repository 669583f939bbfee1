"""The CEL standard library on plain Python data: field access, macros, conversions,
``size``/``contains``/``matches``..., timestamps, durations and optionals.

``FUNCTIONS`` holds global functions (``size(x)``, ``optional.of(x)``), ``METHODS`` the
receiver-style ones (``x.size()``); the extension modules add theirs at import. A wrapper
type may carry ``cel_methods`` (name -> function) that win over ``METHODS``.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal

from kubeplan.linter.cel.errors import BudgetExceeded, CelError, no_overload
from kubeplan.linter.cel.operators import MAX_DURATION
from kubeplan.linter.cel.values import (
    INT64_MAX,
    INT64_MIN,
    NONE,
    UINT64_MAX,
    UTC,
    CelType,
    Optional,
    Uint,
    check_map_key,
    map_lookup,
    type_of,
)

FUNCTIONS: dict = {}
METHODS: dict = {}
WRAPPER_METHODS: set = set()  # method names some wrapper type answers (known at compile time)

_MISSING = object()
_TS = datetime.datetime
_DUR = datetime.timedelta

__all__ = ["FUNCTIONS", "METHODS", "WRAPPER_METHODS", "check_map_key"]


def function(*names, method: bool = False, glob: bool = True):
    def register(fn):
        for name in names:
            if glob:
                FUNCTIONS[name] = fn
            if method:
                METHODS[name] = fn
        return fn

    return register


def register_wrapper(cls):
    WRAPPER_METHODS.update(getattr(cls, "cel_methods", {}))
    return cls


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


# -- macros -------------------------------------------------------------------------------------
def iteration_range(value, macro):
    if type(value) is list or type(value) is dict:
        return value
    keys = getattr(value, "cel_keys", None)
    if keys is not None:
        return keys()
    raise no_overload(macro, value)


def _charge(cost, weight):
    cost[0] -= weight
    if cost[0] < 0:
        raise BudgetExceeded()


def make_macro(name, var, target, body, weight, cost_key):
    """Closure for ``target.<name>(var, body...)`` (all, exists, exists_one, map, filter)."""

    def bind(env):
        return env.get(var, _MISSING)

    def restore(env, saved):
        if saved is _MISSING:
            env.pop(var, None)
        else:
            env[var] = saved

    if name == "all" or name == "exists":
        (pred,) = body
        stop = name == "exists"  # the value that decides the result at once

        def quantifier(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = bind(env)
            error = None
            try:
                for item in items:
                    _charge(cost, weight)
                    env[var] = item
                    try:
                        v = pred(env)
                    except CelError as exc:
                        if error is None:
                            error = exc
                        continue
                    if v is stop:
                        return stop
                    if v is not (not stop) and error is None:
                        error = no_overload(name, v)
            finally:
                restore(env, saved)
            if error is not None:
                raise error
            return not stop

        return quantifier

    if name in ("exists_one", "existsOne"):
        (pred,) = body

        def exists_one(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = bind(env)
            count = 0
            try:
                for item in items:
                    _charge(cost, weight)
                    env[var] = item
                    v = pred(env)
                    if v is True:
                        count += 1
                    elif v is not False:
                        raise no_overload(name, v)
            finally:
                restore(env, saved)
            return count == 1

        return exists_one

    if name == "filter":
        (pred,) = body

        def filter_(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = bind(env)
            out = []
            try:
                for item in items:
                    _charge(cost, weight)
                    env[var] = item
                    v = pred(env)
                    if v is True:
                        out.append(item)
                    elif v is not False:
                        raise no_overload(name, v)
            finally:
                restore(env, saved)
            return out

        return filter_

    if name == "map":
        if len(body) == 1:
            (transform,) = body
            pred = None
        else:
            pred, transform = body

        def map_(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = bind(env)
            out = []
            try:
                for item in items:
                    _charge(cost, weight)
                    env[var] = item
                    if pred is not None:
                        v = pred(env)
                        if v is False:
                            continue
                        if v is not True:
                            raise no_overload(name, v)
                    out.append(transform(env))
            finally:
                restore(env, saved)
            return out

        return map_

    raise CelError(f"unknown macro {name}")  # pragma: no cover


def _pairs(value, macro):
    if type(value) is list:
        return list(enumerate(value))
    if type(value) is dict:
        return list(value.items())
    raise no_overload(macro, value)


def make_macro2(name, first, second, target, body, weight, cost_key):
    """Two-variable comprehensions: all/exists/existsOne(i, v, p), transformList, transformMap."""

    def run(env, visit):
        pairs = _pairs(target(env), name)
        cost = env[cost_key]
        saved = (env.get(first, _MISSING), env.get(second, _MISSING))
        try:
            for key, value in pairs:
                _charge(cost, weight)
                env[first] = key
                env[second] = value
                if visit(env, key, value):
                    return True
        finally:
            for var, old in ((first, saved[0]), (second, saved[1])):
                if old is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = old
        return False

    def boolean(v):
        if v is True or v is False:
            return v
        raise no_overload(name, v)

    if name in ("all", "exists"):
        (pred,) = body
        stop = name == "exists"

        def quantifier(env):
            errors = []

            def visit(env, key, value):
                try:
                    return boolean(pred(env)) is stop
                except CelError as exc:
                    errors.append(exc)
                    return False

            if run(env, visit):
                return stop
            if errors:
                raise errors[0]
            return not stop

        return quantifier

    if name in ("exists_one", "existsOne"):
        (pred,) = body

        def exists_one(env):
            count = [0]

            def visit(env, key, value):
                if boolean(pred(env)):
                    count[0] += 1
                return False

            run(env, visit)
            return count[0] == 1

        return exists_one

    pred = body[0] if len(body) == 2 else None
    transform = body[-1]

    if name == "transformList":

        def transform_list(env):
            out = []

            def visit(env, key, value):
                if pred is None or boolean(pred(env)):
                    out.append(transform(env))
                return False

            run(env, visit)
            return out

        return transform_list

    def transform_map(env):
        out = {}

        def visit(env, key, value):
            if pred is None or boolean(pred(env)):
                out[key] = transform(env)
            return False

        run(env, visit)
        return out

    return transform_map


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
        return int(value.timestamp() // 1)
    if t is _DUR:
        return (value.days * 86400 + value.seconds) * 10**9 + value.microseconds * 1000
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


# -- timestamps and durations ------------------------------------------------------------------
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_MIN_TS = datetime.datetime(1, 1, 1, tzinfo=UTC)
_MAX_TS = datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


@function("timestamp")
def to_timestamp(value):
    if type(value) is _TS:
        return value
    if type(value) is int:
        try:
            return datetime.datetime(1970, 1, 1, tzinfo=UTC) + datetime.timedelta(seconds=value)
        except OverflowError:
            raise CelError("timestamp out of range") from None
    if type(value) is not str:
        raise no_overload("timestamp", value)
    m = _RFC3339.match(value)
    if not m:
        raise CelError(f"cannot parse timestamp {value!r} (RFC 3339 expected, e.g. 2024-01-02T03:04:05Z)")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    micro = int((m.group(7) or "0").ljust(9, "0")[:6])
    try:
        if m.group(8):
            tz = UTC
        else:
            offset = datetime.timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
            tz = datetime.timezone(offset if m.group(9) == "+" else -offset)
        result = datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):
        raise CelError(f"timestamp out of range: {value!r}") from None
    return result


def format_timestamp(ts) -> str:
    ts = ts.astimezone(UTC)
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    if ts.year < 1000:
        text = f"{ts.year:04d}" + text[text.index("-") :]
    if ts.microsecond:
        text += ("." + f"{ts.microsecond:06d}").rstrip("0")
    return text + "Z"


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_MICROS = {"ns": Decimal("0.001"), "us": 1, "µs": 1, "μs": 1, "ms": 1000, "s": 10**6, "m": 60 * 10**6, "h": 3600 * 10**6}


@function("duration")
def to_duration(value):
    if type(value) is _DUR:
        return value
    if type(value) is not str:
        raise no_overload("duration", value)
    text = value
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return datetime.timedelta(0)
    pos = 0
    total = Decimal(0)
    while pos < len(text):
        m = _DURATION_PART.match(text, pos)
        if not m:
            raise CelError(f"cannot parse duration {value!r} (e.g. 1h30m, 10s, 500ms)")
        total += Decimal(m.group(1)) * _UNIT_MICROS[m.group(2)]
        pos = m.end()
    if not text:
        raise CelError(f"cannot parse duration {value!r}")
    try:
        result = datetime.timedelta(microseconds=int(sign * total))
    except OverflowError:
        raise CelError(f"duration out of range: {value!r}") from None
    if abs(result) > MAX_DURATION:
        raise CelError(f"duration out of range: {value!r}")
    return result


def format_duration(d) -> str:
    micros = (d.days * 86400 + d.seconds) * 10**6 + d.microseconds
    sign = "-" if micros < 0 else ""
    seconds, fraction = divmod(abs(micros), 10**6)
    if fraction:
        return f"{sign}{seconds}.{fraction:06d}".rstrip("0") + "s"
    return f"{sign}{seconds}s"


def _zone(tz):
    if tz is None:
        return UTC
    if type(tz) is not str:
        raise no_overload("timezone", tz)
    m = re.match(r"^([+-]?)(\d{1,2}):(\d{2})$", tz)
    if m:
        offset = datetime.timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        return datetime.timezone(-offset if m.group(1) == "-" else offset)
    if tz == "UTC":
        return UTC
    if not re.match(r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", tz):
        raise CelError(f"unknown time zone {tz!r}")
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(tz)
    except Exception:
        raise CelError(f"unknown time zone {tz!r}") from None


def _time_getter(name, from_ts, from_dur=None):
    def getter(value, tz=None):
        if type(value) is _TS:
            return from_ts(value.astimezone(_zone(tz)))
        if type(value) is _DUR and from_dur is not None and tz is None:
            return from_dur(value)
        raise no_overload(name, value)

    METHODS[name] = getter
    FUNCTIONS[name] = getter


def _total_micros(d):
    return (d.days * 86400 + d.seconds) * 10**6 + d.microseconds


def _trunc_div(a, b):
    q = abs(a) // b
    return -q if a < 0 else q


_time_getter("getFullYear", lambda t: t.year)
_time_getter("getMonth", lambda t: t.month - 1)
_time_getter("getDate", lambda t: t.day)
_time_getter("getDayOfMonth", lambda t: t.day - 1)
_time_getter("getDayOfWeek", lambda t: (t.weekday() + 1) % 7)
_time_getter("getDayOfYear", lambda t: t.timetuple().tm_yday - 1)
_time_getter("getHours", lambda t: t.hour, lambda d: _trunc_div(_total_micros(d), 3600 * 10**6))
_time_getter("getMinutes", lambda t: t.minute, lambda d: _trunc_div(_total_micros(d), 60 * 10**6))
_time_getter("getSeconds", lambda t: t.second, lambda d: _trunc_div(_total_micros(d), 10**6))
_time_getter(
    "getMilliseconds",
    lambda t: t.microsecond // 1000,
    lambda d: _trunc_div(_total_micros(d), 1000) % 1000 if _total_micros(d) >= 0 else -(_trunc_div(-_total_micros(d), 1000) % 1000),
)


# -- optionals ----------------------------------------------------------------------------------
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
    if t is _DUR:
        return value == datetime.timedelta(0)
    if t is _TS:
        return value == datetime.datetime(1970, 1, 1, tzinfo=UTC)
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

__all__ += ["CelType"]
