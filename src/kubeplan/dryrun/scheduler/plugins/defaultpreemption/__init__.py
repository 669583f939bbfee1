"""DefaultPreemption (PostFilter): when a pod fits nowhere, find nodes where evicting
lower-priority pods would make it fit, keep as many of them as possible (PDB-violating
ones reprieved first), and pick the node with the fewest PDB violations, then the lowest
highest victim priority, the lowest priority sum, the fewest victims and the latest start
time, as pickOneNodeForPreemption does."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubeplan.dryrun.scheduler.framework import (
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    Plugin,
    Status,
)
from kubeplan.dryrun.scheduler.labels import LabelSelector, SelectorError

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
MAX_INT32 = 2**31 - 1


@dataclass
class PostFilterResult:
    code: int
    message: str = ""
    node: str | None = None
    victims: list = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.code == SUCCESS


def _importance_key(pi):
    """util.MoreImportantPod as a sort key: higher priority, then earlier start (a pod not
    started yet counts as starting now, i.e. last)."""
    return (-pi.priority, pi.start_time or "~", pi.seq)


class DefaultPreemption(Plugin):
    name = "DefaultPreemption"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        self.min_percentage = int(self.args.get("minCandidateNodesPercentage", 10))
        self.min_absolute = int(self.args.get("minCandidateNodesAbsolute", 100))

    def post_filter(self, state, pi, statuses: dict) -> PostFilterResult:
        from kubeplan.dryrun.scheduler.scheduler import fit_error_message

        if pi.template.preemption_policy == "Never":
            return PostFilterResult(UNSCHEDULABLE, "preemption: not eligible due to preemptionPolicy=Never.")
        snap = self.snapshot
        if snap.n == 0:
            return PostFilterResult(UNSCHEDULABLE, "preemption: no nodes available")
        node_statuses: dict = {}
        potential = []
        for node in range(snap.n):
            status = statuses.get(node)
            if status is None or status.code == UNSCHEDULABLE_AND_UNRESOLVABLE:
                node_statuses[node] = Status(UNSCHEDULABLE_AND_UNRESOLVABLE, [NOT_HELPFUL])
            else:
                potential.append(node)
        candidates = []
        if potential:
            num_candidates = max(len(potential) * self.min_percentage // 100, self.min_absolute)
            num_candidates = min(num_candidates, len(potential))
            pdbs = self.handle.pdbs()
            non_violating = violating = 0
            for node in potential:  # offset 0: deterministic where upstream starts at random
                victims, violations, status = self.select_victims_on_node(pi, node, pdbs)
                if status.success and victims:
                    candidates.append((node, victims, violations))
                    if violations == 0:
                        non_violating += 1
                    else:
                        violating += 1
                    if non_violating > 0 and non_violating + violating >= num_candidates:
                        break
                    continue
                node_statuses[node] = status
            # non-violating candidates first, as dryRunPreemption returns them
            candidates.sort(key=lambda c: c[2] > 0)
        if not candidates:
            message = fit_error_message(snap.n, node_statuses)
            return PostFilterResult(UNSCHEDULABLE, f"preemption: {message}")
        node, victims, _ = self.pick_one(candidates)
        return PostFilterResult(SUCCESS, "", snap.names[node], victims)

    # --- victims -----------------------------------------------------------------------

    def select_victims_on_node(self, pi, node: int, pdbs: list):
        snap = self.snapshot
        potential = [p for p in snap.pods[node] if p.priority < pi.priority]
        if not potential:
            return [], 0, Status(UNSCHEDULABLE_AND_UNRESOLVABLE, [NO_VICTIMS])
        for p in potential:
            snap.remove_pod(p)
        removed = list(potential)
        try:
            status = self._fits(pi, node)
            if status is not None:
                return [], 0, status
            potential.sort(key=_importance_key)
            violating, non_violating = filter_pods_with_pdb_violation(potential, pdbs)
            victims = []
            violations = 0
            for group, counts in ((violating, True), (non_violating, False)):
                for p in group:
                    snap.add_pod(p, node)
                    removed.remove(p)
                    if self._fits(pi, node) is not None:
                        snap.remove_pod(p)
                        removed.append(p)
                        victims.append(p)
                        if counts:
                            violations += 1
            if violating and non_violating:
                victims.sort(key=_importance_key)
            return victims, violations, Status(SUCCESS)
        finally:
            for p in removed:
                snap.add_pod(p, node)

    def _fits(self, pi, node: int):
        scheduler = self.handle.scheduler
        state = CycleState()
        failed = scheduler.run_pre_filter(state, pi)
        if failed is not None:
            return failed
        if "__narrowed__" in state and self.snapshot.names[node] not in state["__narrowed__"][0]:
            return Status(UNSCHEDULABLE_AND_UNRESOLVABLE, ["node(s) didn't satisfy plugin(s)"])
        return scheduler.node_status(state, pi, node)

    # --- choosing ------------------------------------------------------------------------

    def pick_one(self, candidates: list):
        def key(c):
            node, victims, violations = c
            highest = victims[0].priority if victims else -MAX_INT32
            total = sum(v.priority + MAX_INT32 + 1 for v in victims)
            top = [v for v in victims if v.priority == highest]
            earliest = min((v.start_time or "~") for v in top) if top else "~"
            return (violations, highest, total, len(victims), _Later(earliest))

        best = None
        best_key = None
        for c in candidates:
            k = key(c)
            if best is None or k < best_key:
                best, best_key = c, k
        return best


class _Later:
    """Orders start times so that the latest sorts first."""

    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __lt__(self, other):
        return self.value > other.value

    def __eq__(self, other):
        return self.value == other.value


def filter_pods_with_pdb_violation(pods: list, pdbs: list):
    allowed = [p["allowed"] for p in pdbs]
    violating, non_violating = [], []
    for pi in pods:
        violated = False
        if pi.labels:
            for i, pdb in enumerate(pdbs):
                if pdb["namespace"] != pi.namespace:
                    continue
                selector = pdb["selector"]
                if selector is None or selector.empty() or not selector.matches(pi.labels):
                    continue
                if pi.name in pdb["disrupted"]:
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    violated = True
        (violating if violated else non_violating).append(pi)
    return violating, non_violating


def parse_pdb(pdb: dict, count_healthy) -> dict:
    """The parts of a PodDisruptionBudget preemption reads; disruptionsAllowed is computed
    from the spec (all matching pods counted healthy) when the object has no status."""
    meta = pdb.get("metadata") or {}
    spec = pdb.get("spec") or {}
    status = pdb.get("status") or {}
    try:
        selector = LabelSelector.parse(spec.get("selector")) if spec.get("selector") is not None else None
    except SelectorError:
        selector = None
    namespace = meta.get("namespace") or "default"
    if "disruptionsAllowed" in status:
        allowed = int(status.get("disruptionsAllowed") or 0)
    else:
        healthy = count_healthy(namespace, selector) if selector is not None and not selector.empty() else 0
        allowed = _allowed(spec, healthy)
    return {
        "namespace": namespace,
        "selector": selector,
        "allowed": allowed,
        "disrupted": set((status.get("disruptedPods") or {}).keys()),
    }


def _scaled(value, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        try:
            pct = int(value[:-1])
        except ValueError:
            return 0
        return -(-pct * total // 100)  # rounded up, as the disruption controller does
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _allowed(spec: dict, healthy: int) -> int:
    expected = healthy
    if spec.get("maxUnavailable") is not None:
        desired = expected - _scaled(spec["maxUnavailable"], expected)
    elif spec.get("minAvailable") is not None:
        desired = _scaled(spec["minAvailable"], expected)
    else:
        desired = expected
    return max(healthy - desired, 0)
