"""One scheduling cycle as kube-scheduler runs it (schedule_one.go): PreFilter, Filter over
the nodes from where the previous search stopped until enough feasible nodes are found
(percentageOfNodesToScore), PostFilter (preemption) when none is, PreScore, Score,
NormalizeScore, weights, and the choice of a host.

Ties: kube-scheduler picks one of the top-scoring nodes at random. kubeplan picks the first
of them in evaluation order (node-tree order, starting where the previous pod's search
stopped), so the same input always gives the same plan; with a seed, a seeded random
choice among the tied nodes (reservoir sampling as upstream) instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from .framework import (
    ERROR,
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    CycleState,
    PreFilterResult,
    Profile,
    Status,
    unresolvable,
)
from .podinfo import PodInfo

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


@dataclass
class Outcome:
    node: str | None = None
    nominated_node: str | None = None
    victims: list = field(default_factory=list)  # PodInfo
    message: str = ""
    explain: dict | None = None


class FitError(Exception):
    def __init__(self, num_all_nodes: int, statuses: dict, pre_filter_msg: str = "", absent: Status | None = None):
        self.num_all_nodes = num_all_nodes
        self.statuses = statuses  # node index -> Status
        self.pre_filter_msg = pre_filter_msg
        self.post_filter_msg = ""
        self.absent = absent  # the status of nodes a PreFilter ruled out

    def message(self) -> str:
        return fit_error_message(self.num_all_nodes, self.statuses, self.pre_filter_msg, self.post_filter_msg, self.absent)


def fit_error_message(num_all_nodes: int, statuses: dict, pre_filter_msg: str = "", post_filter_msg: str = "", absent: Status | None = None) -> str:
    """framework.FitError.Error(), character for character."""
    msg = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_msg:
        msg += f" {pre_filter_msg}."
    else:
        histogram: dict = {}
        for status in statuses.values():
            for reason in status.reasons:
                histogram[reason] = histogram.get(reason, 0) + 1
        if absent is not None and len(statuses) < num_all_nodes:
            for reason in absent.reasons:
                histogram[reason] = histogram.get(reason, 0) + num_all_nodes - len(statuses)
        parts = sorted(f"{count} {reason}" for reason, count in histogram.items())
        if parts:
            msg += f" {', '.join(parts)}."
    if post_filter_msg:
        # appended after one space (the preemption text ends with its own period)
        msg += f" {post_filter_msg}"
    return msg


class Scheduler:
    def __init__(self, profile: Profile, handle, seed: int | None = None):
        self.profile = profile
        self.handle = handle
        self.snapshot = handle.snapshot
        self.rng = random.Random(seed) if seed is not None else None
        handle.scheduler = self

    # --- the cycle -------------------------------------------------------------------

    def schedule(self, pi: PodInfo, explain: bool = False) -> Outcome:
        outcome = Outcome()
        record = {"filter": {}, "score": {}, "finalScore": {}} if explain else None
        try:
            state, feasible = self.find_nodes_that_fit(pi, record)
        except FitError as err:
            outcome.explain = record
            return self._post_filter(pi, err, outcome, explain)
        if len(feasible) == 1:
            chosen = int(feasible[0])
        else:
            chosen = self.prioritize_and_select(state, pi, feasible, record)
        self._reserve(state, pi, chosen)
        outcome.node = self.snapshot.names[chosen]
        outcome.explain = record
        return outcome

    def _reserve(self, state, pi, node: int) -> None:
        for plugin in self.profile.filter:
            reserve = getattr(plugin, "reserve", None)
            if reserve is not None:
                reserve(state, pi, node)

    def _post_filter(self, pi: PodInfo, err: FitError, outcome: Outcome, explain: bool) -> Outcome:
        for plugin in self.profile.post_filter:
            result = plugin.post_filter(CycleState(), pi, err.statuses)
            if result.success:
                outcome.nominated_node = result.node
                outcome.victims = result.victims
                outcome.message = err.message()
                for victim in result.victims:
                    self.snapshot.remove_pod(victim)
                # the next cycle: the nominated node is tried first
                retry = self._schedule_nominated(pi, result.node, explain)
                if retry is not None:
                    # explain keeps the cycle that failed and led to the preemption
                    outcome.node = retry.node
                return outcome
            err.post_filter_msg = result.message
            if result.code == UNSCHEDULABLE_AND_UNRESOLVABLE:
                break
        outcome.message = err.message()
        return outcome

    def _schedule_nominated(self, pi: PodInfo, node_name: str, explain: bool):
        node = self.snapshot.index[node_name]
        state = CycleState()
        status = self.run_pre_filter(state, pi)
        if isinstance(status, Status) and not status.success:
            return None
        fails = self.node_status(state, pi, node)
        if fails is not None:
            return None
        self._reserve(state, pi, node)
        record = {"filter": {node_name: {p.name: "passed" for p in self.profile.filter}}, "score": {}, "finalScore": {}} if explain else None
        return Outcome(node=node_name, explain=record)

    # --- PreFilter + Filter ------------------------------------------------------------

    def run_pre_filter(self, state: CycleState, pi: PodInfo):
        """Run PreFilter plugins; a failing Status, or the narrowed node-name set, or None."""
        narrowed = None
        narrowing_plugins = []
        skipped = set()
        for plugin in self.profile.pre_filter:
            result = plugin.pre_filter(state, pi)
            if isinstance(result, Status):
                if result.code == 5:  # Skip
                    skipped.add(plugin.name)
                    continue
                if not result.success:
                    result.plugin = plugin.name
                    return result
            elif isinstance(result, PreFilterResult):
                narrowing_plugins.append(plugin.name)
                narrowed = result.node_names if narrowed is None else narrowed & result.node_names
        state["__skipped_filters__"] = skipped
        if narrowed is not None:
            state["__narrowed__"] = (narrowed, sorted(narrowing_plugins))
        return None

    def find_nodes_that_fit(self, pi: PodInfo, record):
        snap = self.snapshot
        n_all = snap.n
        if n_all == 0:
            err = FitError(0, {})
            raise err
        state = CycleState()
        failed = self.run_pre_filter(state, pi)
        if failed is not None:
            statuses = {i: Status(failed.code, list(failed.reasons), failed.plugin) for i in range(n_all)}
            if record is not None:
                for i in range(n_all):
                    record["filter"][snap.names[i]] = {failed.plugin: failed.message()}
            raise FitError(n_all, statuses, failed.message())
        candidates = np.arange(n_all, dtype=np.int64)
        absent = None
        if "__narrowed__" in state:
            names, plugins = state["__narrowed__"]
            keep = sorted(snap.index[nm] for nm in names if nm in snap.index)
            absent = unresolvable(f"node(s) didn't satisfy plugin(s) [{' '.join(plugins)}]")
            if record is not None:
                self._explain_narrowed(state, pi, set(keep), plugins, record)
            candidates = np.array(keep, dtype=np.int64)
        num = len(candidates)
        if num == 0:
            raise FitError(n_all, {}, "", absent)
        to_find = self.num_feasible_nodes_to_find(num)
        if not self.profile.score:
            to_find = 1  # nothing to compare nodes by: the first feasible one will do
        start = self.handle.next_start % num
        order = np.concatenate([candidates[start:], candidates[:start]]) if start else candidates
        fail_at = self.run_filters(state, pi, order)
        feasible_pos = np.flatnonzero(fail_at < 0)
        if len(feasible_pos) > to_find:
            processed = int(feasible_pos[to_find])
            feasible_pos = feasible_pos[:to_find]
        else:
            processed = num
        # one search position for all profiles, as kube-scheduler keeps it on the Scheduler
        self.handle.next_start = (self.handle.next_start + processed) % n_all
        feasible = order[feasible_pos]
        if record is not None:
            self._explain_filters(state, pi, order[:processed], fail_at[:processed], record)
        if len(feasible) == 0:
            statuses = {}
            filters = self.profile.filter
            for pos in range(processed):
                node = int(order[pos])
                plugin = filters[fail_at[pos]]
                status = plugin.failure(state, pi, node)
                status.plugin = plugin.name
                statuses[node] = status
            raise FitError(n_all, statuses, "", absent)
        return state, feasible

    def run_filters(self, state: CycleState, pi: PodInfo, nodes: np.ndarray) -> np.ndarray:
        """Index of the first failing filter plugin per node (-1: passes every filter)."""
        fail_at = np.full(len(nodes), -1, dtype=np.int64)
        alive = np.arange(len(nodes))
        skipped = state.get("__skipped_filters__", ())
        for k, plugin in enumerate(self.profile.filter):
            if plugin.name in skipped or len(alive) == 0:
                continue
            fails = plugin.filter(state, pi, nodes[alive])
            if fails is None:
                continue
            if fails.any():
                fail_at[alive[fails]] = k
                alive = alive[~fails]
        return fail_at

    def node_status(self, state: CycleState, pi: PodInfo, node: int):
        """The Status of the first filter that rejects ``node`` (None when all pass)."""
        fail_at = self.run_filters(state, pi, np.array([node], dtype=np.int64))
        if fail_at[0] < 0:
            return None
        plugin = self.profile.filter[fail_at[0]]
        status = plugin.failure(state, pi, node)
        status.plugin = plugin.name
        return status

    def num_feasible_nodes_to_find(self, num_all: int) -> int:
        if num_all < MIN_FEASIBLE_NODES_TO_FIND:
            return num_all
        pct = self.profile.percentage_of_nodes_to_score or 0
        if pct == 0:
            pct = max(50 - num_all // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
        found = num_all * pct // 100
        return max(found, MIN_FEASIBLE_NODES_TO_FIND)

    # --- explain -----------------------------------------------------------------------

    def _explain_filters(self, state, pi, nodes, fail_at, record):
        filters = self.profile.filter
        for node, k in zip(nodes.tolist(), fail_at.tolist()):
            row = {}
            for j, plugin in enumerate(filters):
                if k >= 0 and j == k:
                    row[plugin.name] = plugin.failure(state, pi, node).message()
                    break
                row[plugin.name] = "passed"
            record["filter"][self.snapshot.names[node]] = row

    def _explain_narrowed(self, state, pi, keep, plugins, record):
        # nodes a PreFilter ruled out: the narrowing plugin's own verdict on them
        by_name = {p.name: p for p in self.profile.filter}
        for node in range(self.snapshot.n):
            if node in keep:
                continue
            row = {}
            for name in plugins:
                plugin = by_name.get(name)
                reason = plugin.failure(state, pi, node).message() if plugin else ""
                row[name] = reason or f"node(s) didn't satisfy plugin(s) [{' '.join(plugins)}]"
            record["filter"][self.snapshot.names[node]] = row

    # --- Score -------------------------------------------------------------------------

    def prioritize_and_select(self, state: CycleState, pi: PodInfo, feasible: np.ndarray, record) -> int:
        skipped = set()
        for plugin in self.profile.pre_score:
            if plugin.pre_score(state, pi, feasible) is False:
                skipped.add(plugin.name)
        total = np.zeros(len(feasible), dtype=np.int64)
        per_plugin = []
        for plugin, weight in self.profile.score:
            if plugin.name in skipped:
                scores = np.zeros(len(feasible), dtype=np.int64)
            else:
                scores = plugin.score(state, pi, feasible)
                normalize = getattr(plugin, "normalize_score", None)
                if normalize is not None:
                    scores = normalize(state, pi, feasible, scores)
            total += scores * weight
            if record is not None:
                per_plugin.append((plugin.name, weight, scores))
        if record is not None:
            names = self.snapshot.names
            for pos, node in enumerate(feasible.tolist()):
                record["score"][names[node]] = {n: int(s[pos]) for n, _, s in per_plugin}
                record["finalScore"][names[node]] = {n: int(s[pos]) * w for n, w, s in per_plugin}
        return int(feasible[self.select_host(total)])

    def select_host(self, total: np.ndarray) -> int:
        best = total.max()
        tied = np.flatnonzero(total == best)
        if self.rng is None or len(tied) == 1:
            return int(tied[0])
        chosen = 0
        for count in range(1, len(tied) + 1):  # reservoir sampling, as selectHost does
            if self.rng.randrange(count) == 0:
                chosen = count - 1
        return int(tied[chosen])

    def error_status(self, message: str) -> Status:
        return Status(ERROR, [message])
