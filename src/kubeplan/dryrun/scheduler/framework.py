"""The scheduling framework: statuses, the plugin base class, a profile (which plugins run
at which extension point, with which weight) and the per-cycle state.

Plugins work on arrays of node indexes (rows of the Snapshot) rather than one node at a
time: ``filter`` returns which of the given nodes fail, ``failure`` says why one node
failed (only asked when a report needs it), ``score`` returns raw scores and
``normalize_score`` maps them to 0..100. The framework runs them in profile order and a
node stops at the first filter that rejects it, as kube-scheduler does.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

SUCCESS = 0
ERROR = 1
UNSCHEDULABLE = 2
UNSCHEDULABLE_AND_UNRESOLVABLE = 3
SKIP = 5
MAX_NODE_SCORE = 100


@dataclass
class Status:
    code: int = SUCCESS
    reasons: list = field(default_factory=list)
    plugin: str = ""

    @property
    def success(self) -> bool:
        return self.code in (SUCCESS, SKIP)

    @property
    def rejected(self) -> bool:
        return self.code in (UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE)

    def message(self) -> str:
        return ", ".join(self.reasons)


def unschedulable(*reasons: str) -> Status:
    return Status(UNSCHEDULABLE, list(reasons))


def unresolvable(*reasons: str) -> Status:
    return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, list(reasons))


class PreFilterResult:
    """A PreFilter that narrows the nodes worth filtering (NodeAffinity on metadata.name)."""

    def __init__(self, node_names: set):
        self.node_names = node_names


class Plugin:
    """Base of every plugin. Subclasses define the extension points they implement:
    ``pre_filter(state, pod) -> Status | PreFilterResult | None``,
    ``filter(state, pod, nodes) -> bool array of failures | None`` (None: all pass),
    ``failure(state, pod, node) -> Status``, ``pre_score(state, pod, nodes) -> bool`` (False: skip),
    ``score(state, pod, nodes) -> int64 array``, ``normalize_score(state, pod, nodes, scores)``,
    ``post_filter(...)``, ``less(a, b)``."""

    name = ""

    def __init__(self, args: dict, handle):
        self.args = args or {}
        self.handle = handle

    @property
    def snapshot(self):
        return self.handle.snapshot


class CycleState(dict):
    """Per-pod, per-cycle plugin state: plugin name -> whatever its PreFilter/PreScore computed."""


# upstream plugin name -> (module under plugins/, class name)
REGISTRY = {
    "PrioritySort": ("queuesort", "PrioritySort"),
    "NodeUnschedulable": ("nodeunschedulable", "NodeUnschedulable"),
    "NodeName": ("nodename", "NodeName"),
    "TaintToleration": ("tainttoleration", "TaintToleration"),
    "NodeAffinity": ("nodeaffinity", "NodeAffinity"),
    "NodePorts": ("nodeports", "NodePorts"),
    "NodeResourcesFit": ("noderesources", "Fit"),
    "VolumeRestrictions": ("volumerestrictions", "VolumeRestrictions"),
    "NodeVolumeLimits": ("nodevolumelimits", "NodeVolumeLimits"),
    "VolumeBinding": ("volumebinding", "VolumeBinding"),
    "VolumeZone": ("volumezone", "VolumeZone"),
    "PodTopologySpread": ("podtopologyspread", "PodTopologySpread"),
    "InterPodAffinity": ("interpodaffinity", "InterPodAffinity"),
    "DefaultPreemption": ("defaultpreemption", "DefaultPreemption"),
    "NodeResourcesBalancedAllocation": ("noderesources", "BalancedAllocation"),
    "ImageLocality": ("imagelocality", "ImageLocality"),
    "DefaultBinder": (None, None),
    "SchedulingGates": (None, None),
}

# the default profile (multiPoint), in order, with score weights
DEFAULT_PLUGINS = [
    ("SchedulingGates", None),
    ("PrioritySort", None),
    ("NodeUnschedulable", None),
    ("NodeName", None),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodePorts", None),
    ("NodeResourcesFit", 1),
    ("VolumeRestrictions", None),
    ("NodeVolumeLimits", None),
    ("VolumeBinding", None),
    ("VolumeZone", None),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("DefaultPreemption", None),
    ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1),
    ("DefaultBinder", None),
]

EXTENSION_POINTS = {
    # config name -> method the plugin must define
    "queueSort": "less",
    "preFilter": "pre_filter",
    "filter": "filter",
    "postFilter": "post_filter",
    "preScore": "pre_score",
    "score": "score",
}


def plugin_class(name: str):
    module, cls = REGISTRY.get(name, (None, None))
    if module is None:
        return None
    mod = importlib.import_module(f"kubeplan.dryrun.scheduler.plugins.{module}")
    return getattr(mod, cls)


@dataclass
class Profile:
    scheduler_name: str
    queue_sort: list
    pre_filter: list
    filter: list
    post_filter: list
    pre_score: list
    score: list  # [(plugin, weight)]
    percentage_of_nodes_to_score: int | None = None
