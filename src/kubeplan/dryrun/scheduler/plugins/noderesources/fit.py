"""NodeResourcesFit."""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.nodemasks import go_round
from kubeplan.dryrun.scheduler.framework import Plugin, Status, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE

from .resource_allocation import allocatable_and_requested, is_extended

MAX_UTILIZATION = 100
MAX_CUSTOM_PRIORITY_SCORE = 10


def _trunc_div(a: np.ndarray, b) -> np.ndarray:
    """Go's integer division (truncates toward zero)."""
    q = np.abs(a) // np.abs(b)
    return np.where((a < 0) != (np.asarray(b) < 0), -q, q)


class Fit(Plugin):
    name = "NodeResourcesFit"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        strategy = self.args.get("scoringStrategy") or {}
        self.strategy = strategy.get("type", "LeastAllocated")
        self.resources = [(r["name"], int(r.get("weight") or 1)) for r in strategy.get("resources") or [{"name": "cpu"}, {"name": "memory"}]]
        self.ignored = set(self.args.get("ignoredResources") or [])
        self.ignored_groups = set(self.args.get("ignoredResourceGroups") or [])
        shape = (strategy.get("requestedToCapacityRatio") or {}).get("shape") or []
        self.shape = [(int(p.get("utilization", 0)), int(p.get("score", 0)) * (100 // MAX_CUSTOM_PRIORITY_SCORE)) for p in shape]

    # --- Filter -----------------------------------------------------------------------

    def _checked(self, template):
        """The resources of the pod the filter compares, in upstream's order."""
        hit = template.cache.get(("fit_checked", id(self)))
        if hit is None:
            reqs = template.requests
            hit = [r for r in ("cpu", "memory", "ephemeral-storage") if reqs.get(r, 0) > 0]
            for name in sorted(reqs):
                if name in ("cpu", "memory", "ephemeral-storage", "pods") or reqs[name] == 0:
                    continue
                if is_extended(name) and (name in self.ignored or name.split("/", 1)[0] in self.ignored_groups):
                    continue
                hit.append(name)
            template.cache[("fit_checked", id(self))] = hit
        return hit

    def filter(self, state, pi, nodes):
        snap = self.snapshot
        fails = snap.pod_count[nodes] + 1 > snap.alloc["pods"][nodes]
        reqs = pi.template.requests
        for name in self._checked(pi.template):
            alloc = snap.alloc.get(name)
            if alloc is None:
                fails = fails | True
                continue
            fails |= reqs[name] > alloc[nodes] - snap.requested_array(name)[nodes]
        return fails

    def insufficient(self, pi, node):
        """[(reason, unresolvable)] as fitsRequest reports them."""
        snap = self.snapshot
        out = []
        if snap.pod_count[node] + 1 > snap.alloc["pods"][node]:
            out.append(("Too many pods", False))
        reqs = pi.template.requests
        for name in self._checked(pi.template):
            alloc = int(snap.alloc[name][node]) if name in snap.alloc else 0
            used = int(snap.requested_array(name)[node]) if name in snap.alloc else 0
            if reqs[name] > alloc - used:
                out.append((f"Insufficient {name}", reqs[name] > alloc))
        return out

    def failure(self, state, pi, node):
        found = self.insufficient(pi, node)
        code = UNSCHEDULABLE_AND_UNRESOLVABLE if any(u for _, u in found) else UNSCHEDULABLE
        return Status(code, [r for r, _ in found])

    # --- Score ------------------------------------------------------------------------

    def pre_score(self, state, pi, nodes):
        return True

    def score(self, state, pi, nodes):
        snap = self.snapshot
        node_score = np.zeros(len(nodes), dtype=np.int64)
        weight_sum = np.zeros(len(nodes), dtype=np.int64)
        rounded = self.strategy == "RequestedToCapacityRatio"
        for name, weight in self.resources:
            alloc, req = allocatable_and_requested(snap, pi.template, name, nodes, use_requested=False)
            valid = alloc != 0
            safe = np.where(valid, alloc, 1)
            if self.strategy == "LeastAllocated":
                s = np.where(req > alloc, 0, ((alloc - req) * 100) // safe)
            elif self.strategy == "MostAllocated":
                s = (np.minimum(req, alloc) * 100) // safe
            else:
                utilization = np.where(req > alloc, MAX_UTILIZATION, (req * MAX_UTILIZATION) // safe)
                s = self._broken_linear(utilization)
                valid = valid & (s > 0)
            node_score += np.where(valid, s * weight, 0)
            weight_sum += np.where(valid, weight, 0)
        safe_sum = np.where(weight_sum == 0, 1, weight_sum)
        if rounded:
            # math.Round(float64(nodeScore) / float64(weightSum)), half away from zero
            out = go_round(node_score / safe_sum)
        else:
            out = node_score // safe_sum
        return np.where(weight_sum == 0, 0, out)

    def _broken_linear(self, p: np.ndarray) -> np.ndarray:
        shape = self.shape
        out = np.full(len(p), shape[-1][1], dtype=np.int64)
        done = np.zeros(len(p), dtype=bool)
        for i, (u, s) in enumerate(shape):
            here = (~done) & (p <= u)
            if i == 0:
                value = np.full(len(p), s, dtype=np.int64)
            else:
                pu, ps = shape[i - 1]
                value = ps + _trunc_div((s - ps) * (p - pu), u - pu)
            out = np.where(here, value, out)
            done |= here
        return out

