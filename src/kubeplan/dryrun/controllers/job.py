"""Job: the pods it starts at once, ``<job>-<5 generated characters>``
(``<job>-<index>-<5 generated characters>`` with completionMode Indexed).

Defaults as the API server applies them: neither parallelism nor completions set means
one pod; completions without parallelism runs one at a time; parallelism without
completions (a work queue) runs ``parallelism`` pods. The controller starts
``min(parallelism, completions)`` pods; a suspended Job starts none.
"""

from __future__ import annotations

from kubeplan.model.objects import ManifestObject

from . import PodToSchedule
from .naming import uid_for
from .template import int_field, namespace_of, new_pod, owner_reference, pod_template, top_owner
from .validation import fail

KINDS = (("batch", "Job"),)
INDEX_KEY = "batch.kubernetes.io/job-completion-index"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"


def active_pods(obj: ManifestObject, spec_path: tuple = ("spec",)) -> tuple[int, list[int] | None]:
    """How many pods start, and their completion indexes (Indexed mode) or None."""
    parallelism = int_field(obj, spec_path + ("parallelism",), None)
    completions = int_field(obj, spec_path + ("completions",), None)
    if parallelism is None:
        parallelism = 1
    if completions is None and obj.get(spec_path + ("parallelism",)) is None:
        completions = 1
    if obj.get(spec_path + ("suspend",)) is True:
        return 0, [] if obj.get(spec_path + ("completionMode",)) == "Indexed" else None
    count = parallelism if completions is None else min(parallelism, completions)
    mode = obj.get(spec_path + ("completionMode",)) or "NonIndexed"
    if mode == "Indexed":
        if completions is None:
            raise fail(obj, spec_path + ("completions",), "is required when completionMode is Indexed")
        return count, list(range(count))
    if mode != "NonIndexed":
        raise fail(obj, spec_path + ("completionMode",), f"must be NonIndexed or Indexed, not {mode!r}")
    return count, None


def job_pods(
    source: ManifestObject,
    ctx,
    *,
    job_name: str,
    namespace: str,
    template: dict,
    spec_path: tuple,
    owner: dict,
) -> list[PodToSchedule]:
    restart = (template.get("spec") or {}).get("restartPolicy")
    if restart not in ("Never", "OnFailure"):
        raise fail(source, spec_path + ("template", "spec", "restartPolicy"), "must be Never or OnFailure for a Job")
    count, indexes = active_pods(source, spec_path)
    uid = uid_for("Job", namespace, job_name)
    labels = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": job_name,
        "controller-uid": uid,
        "job-name": job_name,
    }
    ref = owner_reference("batch/v1", "Job", namespace, job_name)
    out = []
    for i in range(count):
        pod_labels = dict(labels)
        annotations = {}
        base = job_name + "-"
        if indexes is not None:
            index = str(indexes[i])
            pod_labels[INDEX_KEY] = index
            annotations[INDEX_KEY] = index
            base = f"{job_name}-{index}-"
        name = ctx.names.generate(namespace, base)
        pod = new_pod(
            template, namespace, name=name, generate_name=base, extra_labels=pod_labels,
            extra_annotations=annotations, owner=ref,
        )
        pod["metadata"]["finalizers"] = list(pod["metadata"].get("finalizers") or []) + [TRACKING_FINALIZER]
        if indexes is not None:
            pod["spec"]["hostname"] = f"{job_name}-{indexes[i]}"
        out.append(PodToSchedule(pod, owner, source))
    return out


def pods(obj: ManifestObject, ctx) -> list[PodToSchedule]:
    template = pod_template(obj)
    return job_pods(
        obj, ctx, job_name=obj.name, namespace=namespace_of(obj), template=template,
        spec_path=("spec",), owner=top_owner(obj),
    )
