from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from kubeplan.dryrun.controllers.cron import CronError, Schedule

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)  # a Thursday


def _next(text, after=T0, tz=timezone.utc):
    return Schedule(text).next_after(after, tz)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("* * * * *", datetime(2026, 1, 1, 0, 1)),
        ("30 2 * * *", datetime(2026, 1, 1, 2, 30)),
        ("*/15 * * * *", datetime(2026, 1, 1, 0, 15)),
        ("0 0 * * *", datetime(2026, 1, 2)),  # strictly after
        ("@hourly", datetime(2026, 1, 1, 1)),
        ("@weekly", datetime(2026, 1, 4)),  # next Sunday
        ("@monthly", datetime(2026, 2, 1)),
        ("@yearly", datetime(2027, 1, 1)),
        ("0 9 * * MON-FRI", datetime(2026, 1, 1, 9)),
        ("0 9 * * sat", datetime(2026, 1, 3, 9)),
        ("0 0 13 * 5", datetime(2026, 1, 2)),  # both day fields restricted: either matches (Friday the 2nd)
        ("0 0 29 2 *", datetime(2028, 2, 29)),
        ("5-10/5 1,3 * jan-mar ?", datetime(2026, 1, 1, 1, 5)),
    ],
)
def test_next_activation(text, expected):
    assert _next(text) == expected.replace(tzinfo=timezone.utc)


def test_time_zone():
    assert _next("0 9 * * *", tz=ZoneInfo("Europe/Berlin")) == datetime(2026, 1, 1, 8, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text", ["* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 7", "*/0 * * * *",
             "5-1 * * * *", "a * * * *", "@every 5m", "0 0 30 2 *", "1,,2 * * * *"],
)
def test_invalid_schedules(text):
    with pytest.raises(CronError):
        _next(text)
