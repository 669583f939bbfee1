"""Timestamps and durations (``values.Timestamp``/``Duration``, nanosecond precision):
parsing, formatting and the getters, with time zones."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.registry import FUNCTIONS, METHODS, function
from kubeplan.linter.cel.values import NANOS, UTC, Duration, Timestamp

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


@function("timestamp")
def to_timestamp(value):
    if type(value) is Timestamp:
        return value
    if type(value) is int:
        return Timestamp(value * NANOS)
    if type(value) is not str:
        raise no_overload("timestamp", value)
    m = _RFC3339.match(value)
    if not m:
        raise CelError(f"cannot parse timestamp {value!r} (RFC 3339 expected, e.g. 2024-01-02T03:04:05Z)")
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    nanos = int((m.group(7) or "0").ljust(9, "0"))
    try:
        offset = datetime.timedelta(0)
        if not m.group(8):
            offset = datetime.timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
            if m.group(9) == "-":
                offset = -offset
        local = datetime.datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (ValueError, OverflowError):
        raise CelError(f"invalid timestamp {value!r}") from None
    seconds = (local - _EPOCH) // datetime.timedelta(seconds=1) - int(offset.total_seconds())
    try:
        return Timestamp(seconds * NANOS + nanos)
    except CelError:
        raise CelError(f"timestamp out of range: {value!r}") from None


def _fraction(nanos: int) -> str:
    return ("." + f"{nanos:09d}").rstrip("0") if nanos else ""


def format_timestamp(ts: Timestamp) -> str:
    """RFC 3339 in UTC with as many fractional digits as needed (Go's RFC3339Nano)."""
    moment = ts.to_datetime()
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment:%H:%M:%S}{_fraction(ts.ns % NANOS)}Z"


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NANOS = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,
    "μs": 10**3,
    "ms": 10**6,
    "s": NANOS,
    "m": 60 * NANOS,
    "h": 3600 * NANOS,
}


@function("duration")
def to_duration(value):
    """Go's time.ParseDuration: ``1h30m``, ``-1.5s``, ``300ms``, ``0``."""
    if type(value) is Duration:
        return value
    if type(value) is not str:
        raise no_overload("duration", value)
    text = value
    sign = 1
    if text[:1] and text[0] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return Duration(0)
    if not text:
        raise CelError(f"cannot parse duration {value!r}")
    pos = 0
    total = Decimal(0)
    while pos < len(text):
        m = _DURATION_PART.match(text, pos)
        if not m:
            raise CelError(f"cannot parse duration {value!r} (e.g. 1h30m, 10s, 500ms)")
        try:
            total += Decimal(m.group(1)) * _UNIT_NANOS[m.group(2)]
        except InvalidOperation:
            raise CelError(f"cannot parse duration {value!r}") from None
        pos = m.end()
    try:
        return Duration(int(sign * total))
    except CelError:
        raise CelError(f"duration out of range: {value!r}") from None


def format_duration(d: Duration) -> str:
    """Seconds with a fraction as needed, as cel-go prints durations: ``90s``, ``1.5s``."""
    sign = "-" if d.ns < 0 else ""
    seconds, nanos = divmod(abs(d.ns), NANOS)
    return f"{sign}{seconds}{_fraction(nanos)}s"


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
        if type(value) is Timestamp:
            return from_ts(value.to_datetime(_zone(tz)), value.ns)
        if type(value) is Duration and from_dur is not None and tz is None:
            return from_dur(value.ns)
        raise no_overload(name, value)

    METHODS[name] = getter
    FUNCTIONS[name] = getter


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // b
    return -q if a < 0 else q


_time_getter("getFullYear", lambda t, ns: t.year)
_time_getter("getMonth", lambda t, ns: t.month - 1)
_time_getter("getDate", lambda t, ns: t.day)
_time_getter("getDayOfMonth", lambda t, ns: t.day - 1)
_time_getter("getDayOfWeek", lambda t, ns: (t.weekday() + 1) % 7)
_time_getter("getDayOfYear", lambda t, ns: t.timetuple().tm_yday - 1)
_time_getter("getHours", lambda t, ns: t.hour, lambda ns: _trunc_div(ns, 3600 * NANOS))
_time_getter("getMinutes", lambda t, ns: t.minute, lambda ns: _trunc_div(ns, 60 * NANOS))
_time_getter("getSeconds", lambda t, ns: t.second, lambda ns: _trunc_div(ns, NANOS))
# For a duration, the milliseconds part of it (not the whole duration in milliseconds).
_time_getter("getMilliseconds", lambda t, ns: (ns % NANOS) // 10**6, lambda ns: _trunc_div(ns, 10**6) % 1000 if ns >= 0 else -(_trunc_div(-ns, 10**6) % 1000))
