"""PodTopologySpread: hard constraints (DoNotSchedule) filter, soft ones (ScheduleAnyway)
score; pods without constraints get the profile's default constraints (System: hostname
maxSkew 3 and zone maxSkew 5, ScheduleAnyway) with a selector built from the Services,
ReplicaSets, StatefulSets and ReplicationControllers that select the pod."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kubeplan.dryrun.scheduler.nodemasks import go_round
from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unresolvable, unschedulable
from kubeplan.dryrun.scheduler.labels import LabelSelector
from kubeplan.dryrun.scheduler.nodemasks import required_affinity_mask, untolerated_mask

REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints"
REASON_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
SYSTEM_DEFAULT_CONSTRAINTS = [
    {"topologyKey": HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": ZONE, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
]
MAX_INT32 = 2**31 - 1


@dataclass
class Constraint:
    max_skew: int
    topology_key: str
    selector: LabelSelector
    min_domains: int
    honor_affinity: bool
    honor_taints: bool


class PodTopologySpread(Plugin):
    name = "PodTopologySpread"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        self.system_defaulted = self.args.get("defaultingType", "System") == "System"
        self.default_constraints = SYSTEM_DEFAULT_CONSTRAINTS if self.system_defaulted else list(self.args.get("defaultConstraints") or [])

    # --- constraints -------------------------------------------------------------------

    def constraints(self, template, action: str) -> list:
        key = ("pts_constraints", action, id(self))
        hit = template.cache.get(key)
        if hit is None:
            if template.spread_constraints:
                hit = self._from_pod(template.spread_constraints, template.labels, action)
            else:
                hit = self._defaults(template, action)
            template.cache[key] = hit
        return hit

    def _from_pod(self, raw: list, pod_labels: dict, action: str) -> list:
        out = []
        for c in raw:
            if c.get("whenUnsatisfiable") != action:
                continue
            extra = tuple((k, "In", frozenset([pod_labels[k]])) for k in c.get("matchLabelKeys") or [] if k in pod_labels)
            selector = LabelSelector.parse(c.get("labelSelector"), extra)
            out.append(
                Constraint(
                    int(c["maxSkew"]),
                    str(c["topologyKey"]),
                    selector,
                    int(c.get("minDomains") or 1),
                    (c.get("nodeAffinityPolicy") or "Honor") == "Honor",
                    (c.get("nodeTaintsPolicy") or "Ignore") == "Honor",
                )
            )
        return out

    def _defaults(self, template, action: str) -> list:
        chosen = [c for c in self.default_constraints if c.get("whenUnsatisfiable") == action]
        if not chosen:
            return []
        selector = self.handle.default_selector(template)
        if selector.empty():
            return []
        return [Constraint(int(c["maxSkew"]), c["topologyKey"], selector, 1, True, False) for c in chosen]

    def _counts(self, c: Constraint, namespace: str) -> np.ndarray:
        selector = c.selector
        return self.snapshot.counter(
            ("pts", namespace, selector.key),
            lambda t, ns=namespace, sel=selector: t.namespace == ns and sel.matches(t.labels),
            hint=selector.hint(),
        )

    def _included(self, c: Constraint, template) -> np.ndarray | None:
        mask = None
        if c.honor_affinity:
            mask = required_affinity_mask(self.snapshot, template)
        if c.honor_taints:
            untolerated = ~untolerated_mask(self.snapshot, template)
            mask = untolerated if mask is None else mask & untolerated
        return mask

    # --- PreFilter / Filter ------------------------------------------------------------

    def pre_filter(self, state, pi):
        constraints = self.constraints(pi.template, "DoNotSchedule")
        if not constraints:
            return Status(SKIP)
        snap = self.snapshot
        has_all = np.ones(snap.n, dtype=bool)
        for c in constraints:
            has_all &= snap.label_ids(c.topology_key)[0] >= 0
        per_constraint = []
        for c in constraints:
            ids, values = snap.label_ids(c.topology_key)
            eligible = has_all.copy()
            included = self._included(c, pi.template)
            if included is not None:
                eligible &= included
            counts = self._counts(c, pi.namespace)
            domain_counts = np.bincount(ids[eligible], weights=counts[eligible], minlength=len(values)).astype(np.int64)
            present = np.bincount(ids[eligible], minlength=len(values)) > 0
            domains = int(present.sum())
            min_match = int(domain_counts[present].min()) if domains else MAX_INT32
            if domains < c.min_domains:
                min_match = 0
            self_match = 1 if c.selector.matches(pi.labels) else 0
            per_constraint.append((c, ids, domain_counts, min_match, self_match))
        state[self.name] = per_constraint
        return None

    def filter(self, state, pi, nodes):
        per_constraint = state.get(self.name)
        if not per_constraint:
            return None
        fails = np.zeros(len(nodes), dtype=bool)
        for c, ids, domain_counts, min_match, self_match in per_constraint:
            node_ids = ids[nodes]
            missing = node_ids < 0
            match = np.where(missing, 0, domain_counts[np.where(missing, 0, node_ids)] if len(domain_counts) else 0)
            fails |= missing | (match + self_match - min_match > c.max_skew)
        return fails

    def failure(self, state, pi, node):
        for c, ids, domain_counts, min_match, self_match in state.get(self.name) or []:
            if ids[node] < 0:
                return unresolvable(REASON_LABEL)
            if int(domain_counts[ids[node]]) + self_match - min_match > c.max_skew:
                return unschedulable(REASON_CONSTRAINTS)
        return unschedulable(REASON_CONSTRAINTS)

    # --- PreScore / Score ----------------------------------------------------------------

    def pre_score(self, state, pi, nodes):
        constraints = self.constraints(pi.template, "ScheduleAnyway")
        if not constraints:
            return False
        snap = self.snapshot
        require_all = bool(pi.template.spread_constraints) or not self.system_defaulted
        ignored = np.zeros(len(nodes), dtype=bool)
        if require_all:
            for c in constraints:
                ignored |= snap.label_ids(c.topology_key)[0][nodes] < 0
        scored = nodes[~ignored]
        all_has = np.ones(snap.n, dtype=bool)
        if require_all:
            for c in constraints:
                all_has &= snap.label_ids(c.topology_key)[0] >= 0
        per_constraint = []
        for c in constraints:
            ids, values = snap.label_ids(c.topology_key)
            counts = self._counts(c, pi.namespace)
            if c.topology_key == HOSTNAME:
                size = len(scored)
                per_constraint.append((c, ids, None, counts, math.log(size + 2)))
                continue
            # domains of the candidate nodes ("" stands for nodes without the label)
            cand_ids = ids[scored]
            domain_ids = np.unique(np.where(cand_ids < 0, len(values), cand_ids))
            size = len(domain_ids)
            known = np.zeros(len(values) + 1, dtype=bool)
            known[domain_ids] = True
            eligible = all_has.copy()
            included = self._included(c, pi.template)
            if included is not None:
                eligible &= included
            node_domain = np.where(ids < 0, len(values), ids)
            eligible &= known[node_domain]
            domain_counts = np.bincount(node_domain[eligible], weights=counts[eligible], minlength=len(values) + 1).astype(np.int64)
            per_constraint.append((c, ids, domain_counts, None, math.log(size + 2)))
        state[self.name + "/score"] = (per_constraint, ignored)
        return True

    def score(self, state, pi, nodes):
        per_constraint, ignored = state[self.name + "/score"]
        total = np.zeros(len(nodes), dtype=np.float64)
        for c, ids, domain_counts, node_counts, weight in per_constraint:
            node_ids = ids[nodes]
            has = node_ids >= 0
            if node_counts is not None:
                cnt = node_counts[nodes]
            else:
                cnt = domain_counts[np.where(has, node_ids, len(domain_counts) - 1)]
            total += np.where(has, cnt.astype(np.float64) * weight + float(c.max_skew - 1), 0.0)
        # math.Round: half away from zero (scores are non-negative)
        raw = go_round(total)
        return np.where(ignored, 0, raw)

    def normalize_score(self, state, pi, nodes, scores):
        _, ignored = state[self.name + "/score"]
        considered = scores[~ignored]
        if len(considered) == 0:
            return np.zeros(len(scores), dtype=np.int64)
        lo = int(considered.min())
        hi = int(considered.max())
        if hi == 0:
            out = np.full(len(scores), 100, dtype=np.int64)
        else:
            out = 100 * (hi + lo - scores) // hi
        return np.where(ignored, 0, out)
