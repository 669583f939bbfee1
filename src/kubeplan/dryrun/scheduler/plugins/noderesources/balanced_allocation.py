"""NodeResourcesBalancedAllocation."""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.framework import Plugin

from .resource_allocation import allocatable_and_requested, pod_request


class BalancedAllocation(Plugin):
    name = "NodeResourcesBalancedAllocation"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        self.resources = [r["name"] for r in self.args.get("resources") or [{"name": "cpu"}, {"name": "memory"}]]

    def pre_score(self, state, pi, nodes):
        # best-effort pods are not scored (kubernetes#129138)
        return any(pod_request(pi.template, r, use_requested=True) for r in self.resources)

    def score(self, state, pi, nodes):
        fractions = []
        valids = []
        for name in self.resources:
            alloc, req = allocatable_and_requested(self.snapshot, pi.template, name, nodes, use_requested=True)
            valid = alloc != 0
            f = np.where(valid, req / np.where(valid, alloc, 1).astype(np.float64), 0.0)
            fractions.append(np.minimum(f, 1.0))
            valids.append(valid)
        if not fractions:
            return np.zeros(len(nodes), dtype=np.int64)
        f = np.vstack(fractions)
        v = np.vstack(valids)
        count = v.sum(axis=0)
        hi = np.where(v, f, -np.inf).max(axis=0)
        lo = np.where(v, f, np.inf).min(axis=0)
        std2 = np.where(count == 2, (hi - lo) / 2, 0.0)
        safe = np.where(count == 0, 1, count)
        total = np.where(v, f, 0.0).sum(axis=0)
        mean = total / safe
        spread = np.where(v, (f - mean) ** 2, 0.0).sum(axis=0)
        std_n = np.sqrt(spread / safe)
        std = np.where(count == 2, std2, np.where(count > 2, std_n, 0.0))
        return ((1 - std) * 100).astype(np.int64)
