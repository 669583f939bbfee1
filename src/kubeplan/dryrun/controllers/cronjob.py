"""CronJob: the Job its schedule creates next, and that Job's pods.

The Job is named as the CronJob controller names it, ``<cronjob>-<minutes since the
Unix epoch of the scheduled time>``. The scheduled time is the first activation strictly
after the planning instant (``controllers.REFERENCE_TIME`` unless the caller passes
``now``), evaluated in ``spec.timeZone`` when set, so the name is the same on every run.
"""

from __future__ import annotations

from datetime import timezone

from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .cron import CronError, Schedule
from .job import job_pods
from .template import namespace_of, pod_template, top_owner
from .validation import fail

KINDS = (("batch", "CronJob"),)


def _zone(obj: ManifestObject):
    name = obj.get(("spec", "timeZone"))
    if name is None:
        return timezone.utc
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        raise fail(obj, ("spec", "timeZone"), f"unknown time zone {name!r}")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(obj, ("spec", "timeZone"), f"unknown time zone {name!r}") from None


def scheduled_time(obj: ManifestObject, now):
    text = obj.get(("spec", "schedule"))
    if not isinstance(text, str):
        raise fail(obj, ("spec", "schedule"), "is required (a cron schedule)")
    if text.strip().upper().startswith(("TZ=", "CRON_TZ=")):
        raise fail(obj, ("spec", "schedule"), "must not set TZ or CRON_TZ; use spec.timeZone")
    try:
        return Schedule(text).next_after(now, _zone(obj))
    except CronError as exc:
        raise fail(obj, ("spec", "schedule"), f"invalid schedule {text!r}: {exc}") from None


def job_name(obj: ManifestObject, now) -> str:
    return f"{obj.name}-{int(scheduled_time(obj, now).timestamp()) // 60}"


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    if obj.get(("spec", "jobTemplate", "spec")) is None:
        raise fail(obj, ("spec", "jobTemplate", "spec"), "is required")
    template = pod_template(obj, ("spec", "jobTemplate", "spec", "template"))
    name = job_name(obj, ctx.now)
    if obj.get(("spec", "suspend")) is True:
        return []
    return job_pods(
        obj, ctx, job_name=name, namespace=namespace_of(obj), template=template,
        spec_path=("spec", "jobTemplate", "spec"), owner=top_owner(obj),
    )
