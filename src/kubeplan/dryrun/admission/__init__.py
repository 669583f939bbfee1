"""What the API server does to a pod between the controller's create call and the
scheduler: defaulting and the admission plugins that matter for placement, one module
per plugin, run in the API server's order:

1. API defaulting (``podresources``): a container's limits become its requests where no
   request is given; ``schedulerName`` defaults to ``default-scheduler``.
2. ``limitranger`` (mutating): LimitRange ``defaultRequest``/``default``.
3. ServiceAccount: ``serviceAccountName`` defaults to ``default``.
4. ``priority``: PriorityClass resolution.
5. ``defaulttolerationseconds``.
6. ``limitranger`` (validating): min / max / maxLimitRequestRatio.
7. ``resourcequota``: room in every matching quota; usage accumulates over the run.

Claims a StatefulSet creates go through ``defaultstorageclass``, ``limitranger`` and
``resourcequota`` (``admit_claim``).

A rejected object carries the API server's message, e.g.
``pods "web-6ffb5b9cb4-c267l" is forbidden: exceeded quota: compute, requested:
requests.cpu=2, used: requests.cpu=9, limited: requests.cpu=10``.

``admit`` mutates the pod it is given (controllers hand over fresh pods) and keeps the
run's quota usage on the cluster object, so one plan = one cluster object.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubeplan.dryrun.quantity import QuantityError
from kubeplan.errors import KubeplanError

from . import defaultstorageclass, defaulttolerationseconds, limitranger, priority, resourcequota
from .common import Rejected, cluster_error, name_of, namespace_of
from .podresources import default_requests_from_limits
from .quantities import format_quantity
from .resourcequota import claim_usage, pod_usage

LIMIT_RANGER_ANNOTATION = limitranger.ANNOTATION
SYSTEM_PRIORITY_CLASSES = priority.SYSTEM_PRIORITY_CLASSES
_STATE_ATTR = "_kubeplan_admission"

__all__ = [
    "Admission", "AdmissionResult", "admit", "admit_claim", "admission_for", "claim_usage", "format_quantity",
    "pod_usage", "LIMIT_RANGER_ANNOTATION", "SYSTEM_PRIORITY_CLASSES",
]


@dataclass
class AdmissionResult:
    pod: dict  # the object as admitted (a pod, or a claim for admit_claim)
    rejected: str | None = None  # the API server's error message when the object is not created
    plugin: str | None = None  # which admission plugin rejected it (LimitRanger, Priority, ResourceQuota)


class Admission:
    """Admission state for one run: the cluster's policies by namespace and quota usage."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.limit_ranges: dict = {}
        for lr in sorted(getattr(cluster, "limit_ranges", []), key=name_of):
            limitranger.check_shape(cluster, lr)
            self.limit_ranges.setdefault(namespace_of(lr), []).append(lr)
        self.quotas: dict = {}
        for rq in sorted(getattr(cluster, "resource_quotas", []), key=name_of):
            resourcequota.check_shape(cluster, rq)
            try:
                state = resourcequota.QuotaState(rq)
            except QuantityError as exc:
                raise cluster_error(cluster, rq, f"ResourceQuota {name_of(rq)}: {exc}") from None
            self.quotas.setdefault(namespace_of(rq), []).append(state)
        self.priority_classes = {name_of(pc): pc for pc in getattr(cluster, "priority_classes", [])}
        self._quota_seeded: set = set()

    def _quota_states(self, namespace: str) -> list:
        """The namespace's quotas, their usage seeded from the snapshot on first use."""
        states = self.quotas.get(namespace) or []
        if states and namespace not in self._quota_seeded:
            self._quota_seeded.add(namespace)

            def in_namespace(objects):
                return [o for o in objects if namespace_of(o) == namespace]

            pods = in_namespace(getattr(self.cluster, "pods", []) + getattr(self.cluster, "pending_pods", []))
            claims = in_namespace(getattr(self.cluster, "pvcs", []))
            for state in states:
                state.seed(pods, claims)
        return states

    def admit(self, pod: dict) -> AdmissionResult:
        meta = pod.setdefault("metadata", {})
        try:
            self._admit_pod(pod)
        except Rejected as rejected:
            name = meta.get("name") or meta.get("generateName") or "Unknown"
            return AdmissionResult(pod, f'pods "{name}" is forbidden: {rejected.message}', rejected.plugin)
        except QuantityError as exc:
            raise KubeplanError(f"pod {meta.get('namespace', 'default')}/{meta.get('name')}: {exc}") from None
        return AdmissionResult(pod)

    def _admit_pod(self, pod: dict) -> None:
        spec = pod.setdefault("spec", {})
        namespace = pod["metadata"].get("namespace") or "default"
        default_requests_from_limits(spec)
        spec.setdefault("schedulerName", "default-scheduler")
        ranges = self.limit_ranges.get(namespace, [])
        if ranges:
            limitranger.set_defaults(pod, ranges)
        spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
        priority.resolve(spec, self.priority_classes)
        defaulttolerationseconds.apply(spec)
        if ranges:
            limitranger.validate_pod(pod, ranges)
        states = self._quota_states(namespace)
        if states:
            usage = pod_usage(spec)
            matching = [s for s in states if s.matches(spec)]
            for state in matching:
                state.check_constraints(spec)
            for state in matching:
                state.check_room(usage)
            for state in matching:  # charged only once every quota has room
                state.charge(usage)

    def admit_claim(self, pvc: dict) -> AdmissionResult:
        meta = pvc.setdefault("metadata", {})
        namespace = meta.get("namespace") or "default"
        pvc.setdefault("spec", {})
        try:
            defaultstorageclass.apply(pvc, self.cluster)
            ranges = self.limit_ranges.get(namespace, [])
            if ranges:
                limitranger.validate_claim(pvc, ranges)
            usage = claim_usage(pvc)
            matching = [s for s in self._quota_states(namespace) if s.matches_claim()]
            for state in matching:
                state.check_room(usage)
            for state in matching:
                state.charge(usage)
        except Rejected as rejected:
            name = meta.get("name") or "Unknown"
            return AdmissionResult(pvc, f'persistentvolumeclaims "{name}" is forbidden: {rejected.message}', rejected.plugin)
        except QuantityError as exc:
            raise KubeplanError(f"PersistentVolumeClaim {namespace}/{meta.get('name')}: {exc}") from None
        return AdmissionResult(pvc)


def admission_for(cluster) -> Admission:
    """The run's Admission state, kept on the cluster object."""
    state = getattr(cluster, _STATE_ATTR, None)
    if state is None:
        state = Admission(cluster)
        setattr(cluster, _STATE_ATTR, state)
    return state


def admit(pod: dict, cluster) -> AdmissionResult:
    return admission_for(cluster).admit(pod)


def admit_claim(pvc: dict, cluster) -> AdmissionResult:
    """Admit a claim a StatefulSet creates (``PodToSchedule.claims``) before its pod: the
    controller creates the pod only once its claims exist."""
    return admission_for(cluster).admit_claim(pvc)
