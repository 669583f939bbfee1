"""What every strategy reports: the steps of a rollout and its verdict.

A step is one round of the controller: the pods it creates and deletes, and the counts
afterwards (pods of the old revision ready, of the new revision ready, pods above the
desired count, desired pods not available, new pods the scheduler cannot place).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .sim import add_requests


class StrategyError(ValueError):
    """A strategy field the API server would refuse (e.g. ``maxSurge: 10x``)."""


def scaled_value(value, total: int, round_up: bool, field_name: str) -> int:
    """intstr.GetScaledValueFromIntOrPercent: an int as is, ``"N%"`` of ``total`` rounded
    up or down."""
    if isinstance(value, bool):
        raise StrategyError(f"{field_name}: must be an integer or a percentage")
    if isinstance(value, int):
        if value < 0:
            raise StrategyError(f"{field_name}: must be greater than or equal to 0")
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%") and text[:-1].isdigit():
            pct = int(text[:-1])
            return math.ceil(pct * total / 100) if round_up else (pct * total) // 100
        if text.isdigit():  # a string without % is an invalid intstr for these fields
            raise StrategyError(f'{field_name}: a string must be a percentage, e.g. "{text}%"')
    raise StrategyError(f"{field_name}: must be an integer or a percentage, got {value!r}")


def mapping(value, field_name: str) -> dict:
    """A strategy block: absent is empty, anything but a mapping is an error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StrategyError(f"{field_name}: must be a mapping")
    return value


def seconds(value, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StrategyError(f"{field_name}: must be an integer greater than or equal to 0")
    return value


@dataclass
class Step:
    number: int
    action: str
    old_ready: int
    new_ready: int
    surging: int
    unavailable: int
    pending: list = field(default_factory=list)  # [{"pod", "message"}]
    created: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    pdb_blocked: list = field(default_factory=list)  # PDB names this step's deletions would violate

    def to_json(self) -> dict:
        out = {
            "step": self.number,
            "action": self.action,
            "oldReady": self.old_ready,
            "newReady": self.new_ready,
            "surging": self.surging,
            "unavailable": self.unavailable,
            "pending": list(self.pending),
            "created": list(self.created),
            "deleted": list(self.deleted),
        }
        if self.pdb_blocked:
            out["pdbBlocked"] = list(self.pdb_blocked)
        return out


@dataclass
class Rollout:
    kind: str
    namespace: str
    name: str
    change: str  # created / unchanged / scaled / updated
    strategy: str
    template_changed: bool = False
    changed_fields: list = field(default_factory=list)
    replicas: dict = field(default_factory=dict)  # {"from": n | None, "to": n}
    settings: dict = field(default_factory=dict)  # resolved maxSurge/maxUnavailable/partition, noted timings
    steps: list = field(default_factory=list)
    result: str = "completes"  # completes / stalls
    stalled_at: int | None = None
    message: str = ""
    lacks: dict = field(default_factory=dict)  # resource -> amount still needed at the stall
    peak_extra: dict = field(default_factory=dict)  # resource -> most requested above the start
    notes: list = field(default_factory=list)

    @property
    def stalled(self) -> bool:
        return self.result == "stalls"

    def to_json(self) -> dict:
        return {
            "workload": {"kind": self.kind, "namespace": self.namespace, "name": self.name},
            "change": self.change,
            "templateChanged": self.template_changed,
            "changedFields": list(self.changed_fields),
            "replicas": dict(self.replicas),
            "strategy": self.strategy,
            "settings": dict(self.settings),
            "steps": [s.to_json() for s in self.steps],
            "verdict": {
                "result": self.result,
                "stalledAtStep": self.stalled_at,
                "message": self.message,
                "lacks": dict(self.lacks),
            },
            "peakExtra": dict(self.peak_extra),
            "notes": list(self.notes),
        }


class Tracker:
    """Requests of the workload's pods on the cluster, step by step: the peak above the
    start is the extra capacity the rollout needs."""

    def __init__(self, start: dict):
        self.start = dict(start)
        self.current = dict(start)
        self.peak = dict(start)

    def add(self, requests: dict, sign: int = 1) -> None:
        add_requests(self.current, requests, sign)
        for resource, amount in self.current.items():
            if amount > self.peak.get(resource, 0):
                self.peak[resource] = amount

    def extra(self) -> dict:
        out = {}
        for resource in sorted(set(self.peak) | set(self.start)):
            out[resource] = max(0, self.peak.get(resource, 0) - self.start.get(resource, 0))
        return out


def stall(rollout: Rollout, step: Step, pending_pods: list, world) -> None:
    """Mark ``rollout`` stalled at ``step``: the first pending pod's message, and the
    capacity the pending pods lack (``World.shortfall``)."""
    rollout.result = "stalls"
    rollout.stalled_at = step.number
    rollout.message = step.pending[0]["message"] if step.pending else "no progress possible"
    lacks, other = world.shortfall(pending_pods)
    rollout.lacks = dict(sorted(lacks.items()))
    if other:
        rollout.notes.append(
            f"{len(other)} pending pod(s) fail on every node for reasons other than free capacity, or request "
            f"more than a whole node has (e.g. {other[0]}): more room on these nodes alone does not place them"
        )
