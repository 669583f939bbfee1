"""Cron schedules as the CronJob controller reads them (robfig/cron's standard parser):
five fields ``minute hour day-of-month month day-of-week``, ``*``/``?``, lists, ranges,
steps, month and weekday names, and the ``@yearly``..``@hourly`` descriptors. When both
day fields are restricted a day matching either runs, as in cron(8).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
# (name, low, high, names)
_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)
_SEARCH_LIMIT = timedelta(days=366 * 5)  # robfig gives up after five years too


class CronError(ValueError):
    pass


def _number(text: str, names: dict, field: str) -> int:
    lowered = text.lower()
    if lowered in names:
        return names[lowered]
    if not text.isdigit():
        raise CronError(f"{field}: {text!r} is not a number")
    return int(text)


def _parse_field(text: str, field: str, low: int, high: int, names: dict) -> tuple[set, bool]:
    """The values a field allows, and whether it was a bare ``*``/``?``."""
    values: set = set()
    for part in text.split(","):
        if not part:
            raise CronError(f"{field}: empty list item in {text!r}")
        rng, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"{field}: bad step {step_text!r}")
            step = int(step_text)
        if rng in ("*", "?"):
            start, end = low, high
        elif "-" in rng:
            a, _, b = rng.partition("-")
            start, end = _number(a, names, field), _number(b, names, field)
        else:
            start = _number(rng, names, field)
            end = high if step_text else start
        if start < low or end > high:
            raise CronError(f"{field}: {part!r} is outside {low}-{high}")
        if start > end:
            raise CronError(f"{field}: range {part!r} runs backwards")
        values.update(range(start, end + 1, step))
    return values, text in ("*", "?")


class Schedule:
    def __init__(self, text: str):
        spec = text.strip()
        spec = _DESCRIPTORS.get(spec.lower(), spec)
        if spec.startswith("@"):
            raise CronError(f"unsupported descriptor {text!r}")
        fields = spec.split()
        if len(fields) != 5:
            raise CronError(f"expected 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}")
        parsed = [_parse_field(f, name, lo, hi, names) for f, (name, lo, hi, names) in zip(fields, _FIELDS)]
        (self.minutes, _), (self.hours, _), (self.days, dom_star), (self.months, _), (self.weekdays, dow_star) = parsed
        self.either_day = not dom_star and not dow_star

    def _day_matches(self, t: datetime) -> bool:
        dom = t.day in self.days
        dow = (t.weekday() + 1) % 7 in self.weekdays
        return (dom or dow) if self.either_day else (dom and dow)

    def next_after(self, after: datetime, tz=timezone.utc) -> datetime:
        """The first activation strictly after ``after`` (aware), evaluated in ``tz``, in UTC."""
        local = after.astimezone(tz).replace(second=0, microsecond=0, tzinfo=None) + timedelta(minutes=1)
        limit = local + _SEARCH_LIMIT
        t = local
        while t < limit:
            if t.month not in self.months:
                t = (t.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
                continue
            if not self._day_matches(t):
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
                continue
            if t.hour not in self.hours:
                t = t.replace(minute=0) + timedelta(hours=1)
                continue
            if t.minute not in self.minutes:
                t += timedelta(minutes=1)
                continue
            return t.replace(tzinfo=tz).astimezone(timezone.utc)
        raise CronError("the schedule never fires")
