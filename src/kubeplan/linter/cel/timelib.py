"""Timestamps (aware ``datetime`` in UTC) and durations (``timedelta``): parsing,
formatting and the getters, with time zones. Microsecond precision (CEL has nanoseconds)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.operators import MAX_DURATION
from kubeplan.linter.cel.registry import FUNCTIONS, METHODS, function
from kubeplan.linter.cel.values import UTC

_TS = datetime.datetime
_DUR = datetime.timedelta


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


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
