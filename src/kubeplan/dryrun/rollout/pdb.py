"""PodDisruptionBudgets: how many of the pods they select may be disrupted voluntarily.

Evictions (``kubectl drain``, the eviction API) respect them; controllers rolling out a
new revision delete pods directly and do not, so for rollouts kubeplan only notes the
steps that would take a budget below its floor. The arithmetic is the disruption
controller's: ``minAvailable`` as a number or a percentage of the expected pods rounded
up; ``maxUnavailable`` likewise, the floor being expected minus that. Expected pods are
the pods the budget selects (the controller reads their owners' scale; for pods of one
workload that is the same number once the workload is settled).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Budget:
    namespace: str
    name: str
    selector: object  # scheduler.labels.LabelSelector
    min_available: object = None
    max_unavailable: object = None

    def selects(self, namespace: str, labels: dict) -> bool:
        return namespace == self.namespace and self.selector is not None and self.selector.matches(labels)

    def floor(self, expected: int) -> int:
        """How many selected pods must stay healthy."""
        if self.max_unavailable is not None:
            return max(0, expected - _scaled(self.max_unavailable, expected))
        if self.min_available is not None:
            return _scaled(self.min_available, expected)
        return 0

    def allowed(self, healthy: int, expected: int) -> int:
        return max(0, healthy - self.floor(expected))


def _scaled(value, total: int) -> int:
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return math.ceil(int(value[:-1]) * total / 100)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def budgets(cluster) -> list:
    from kubeplan.dryrun.scheduler.labels import LabelSelector, SelectorError

    out = []
    for pdb in cluster.pdbs:
        meta = pdb.get("metadata") or {}
        spec = pdb.get("spec") or {}
        try:
            selector = LabelSelector.parse(spec.get("selector")) if spec.get("selector") is not None else None
        except SelectorError:
            selector = None
        if selector is not None and selector.empty():
            selector = None  # an empty selector matches nothing in policy/v1beta1 and everything in v1; be cautious
        out.append(Budget(meta.get("namespace") or "default", meta.get("name") or "", selector,
                          spec.get("minAvailable"), spec.get("maxUnavailable")))
    return out


def blocked_by(budgets_: list, namespace: str, labels: dict, healthy_after: int, expected: int) -> list:
    """Names of the budgets that select pods with ``labels`` and whose floor is above
    ``healthy_after``."""
    return [b.name for b in budgets_ if b.selects(namespace, labels) and healthy_after < b.floor(expected)]
