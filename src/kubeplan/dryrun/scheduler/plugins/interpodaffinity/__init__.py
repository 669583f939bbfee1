"""InterPodAffinity: required pod affinity / anti-affinity of the incoming pod, and the
required anti-affinity of existing pods (symmetry), as Filter; preferred terms of both
sides and existing pods' required affinity (hardPodAffinityWeight) as Score, summed per
topology domain and normalised min..max to 0..100."""

from __future__ import annotations

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unresolvable, unschedulable

REASON_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_ANTI = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules"


def _per_value(snapshot, key: str, node_counts: np.ndarray) -> np.ndarray:
    """Sum of ``node_counts`` per value of label ``key`` (nodes without it left out)."""
    ids, values = snapshot.label_ids(key)
    has = ids >= 0
    return np.bincount(ids[has], weights=node_counts[has], minlength=len(values)).astype(np.int64)


class InterPodAffinity(Plugin):
    name = "InterPodAffinity"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        self.hard_weight = int(self.args.get("hardPodAffinityWeight", 1))
        self.ignore_existing_preferred = bool(self.args.get("ignorePreferredTermsOfExistingPods", False))

    def _term_counter(self, term) -> np.ndarray:
        ns_labels = self.snapshot.namespace_labels
        return self.snapshot.counter(
            ("ipa", term.key), lambda t, term=term: term.matches(t.namespace, t.labels, ns_labels), True, term.selector.hint()
        )

    # --- PreFilter / Filter ------------------------------------------------------------

    def pre_filter(self, state, pi):
        snap = self.snapshot
        t = pi.template
        ns_labels = snap.namespace_labels
        existing: dict = {}  # topology key -> counts per value
        matching = snap.matching_groups(
            t, lambda item: item[0][0] == "anti" and item[1].term.matches(t.namespace, t.labels, ns_labels), "ipa-anti-groups"
        )
        for _, group in matching:
            if not group.counts.any():
                continue
            key = group.term.topology_key
            per_value = _per_value(snap, key, group.counts)
            existing[key] = existing[key] + per_value if key in existing else per_value
        existing = {k: v for k, v in existing.items() if v.any()}
        if not existing and not t.required_affinity and not t.required_anti_affinity:
            return Status(SKIP)
        affinity = None
        if t.required_affinity:
            terms = t.required_affinity
            key = ("ipa-all", tuple(term.key for term in terms))
            counts = snap.counter(
                key, lambda o: all(term.matches(o.namespace, o.labels, ns_labels) for term in terms), True, terms[0].selector.hint()
            )
            affinity = [(term.topology_key, _per_value(snap, term.topology_key, counts)) for term in terms]
        anti = [(term.topology_key, _per_value(snap, term.topology_key, self._term_counter(term))) for term in t.required_anti_affinity]
        any_affinity_pair = affinity is not None and any(v.any() for _, v in affinity)
        self_match = all(term.matches(t.namespace, t.labels, ns_labels) for term in t.required_affinity)
        state[self.name] = (existing, affinity, anti, any_affinity_pair, self_match)
        return None

    def _checks(self, state, nodes):
        existing, affinity, anti, any_pair, self_match = state[self.name]
        snap = self.snapshot
        n = len(nodes)
        aff_fail = np.zeros(n, dtype=bool)
        if affinity is not None:
            missing = np.zeros(n, dtype=bool)
            exist = np.ones(n, dtype=bool)
            for key, per_value in affinity:
                ids = snap.label_ids(key)[0][nodes]
                missing |= ids < 0
                exist &= (ids >= 0) & (per_value[np.where(ids < 0, 0, ids)] > 0 if len(per_value) else False)
            fallback = (not any_pair) and self_match
            aff_fail = missing | (~exist & (not fallback))
        anti_fail = np.zeros(n, dtype=bool)
        for key, per_value in anti:
            ids = snap.label_ids(key)[0][nodes]
            if len(per_value):
                anti_fail |= (ids >= 0) & (per_value[np.where(ids < 0, 0, ids)] > 0)
        existing_fail = np.zeros(n, dtype=bool)
        for key, per_value in existing.items():
            ids = snap.label_ids(key)[0][nodes]
            existing_fail |= (ids >= 0) & (per_value[np.where(ids < 0, 0, ids)] > 0)
        return aff_fail, anti_fail, existing_fail

    def filter(self, state, pi, nodes):
        if self.name not in state:
            return None
        a, b, c = self._checks(state, nodes)
        return a | b | c

    def failure(self, state, pi, node):
        a, b, _ = self._checks(state, np.array([node], dtype=np.int64))
        if a[0]:
            return unresolvable(REASON_AFFINITY)
        if b[0]:
            return unschedulable(REASON_ANTI)
        return unschedulable(REASON_EXISTING_ANTI)

    # --- PreScore / Score ----------------------------------------------------------------

    def pre_score(self, state, pi, nodes):
        snap = self.snapshot
        t = pi.template
        has_constraints = bool(t.preferred_affinity or t.preferred_anti_affinity)
        if self.ignore_existing_preferred and not has_constraints:
            return False
        ns_labels = snap.namespace_labels
        topology_score: dict = {}

        def add(key, node_counts, weight):
            if not node_counts.any():
                return
            per_value = _per_value(snap, key, node_counts) * weight
            topology_score[key] = topology_score[key] + per_value if key in topology_score else per_value

        for weight, term in t.preferred_affinity:
            add(term.topology_key, self._term_counter(term), weight)
        for weight, term in t.preferred_anti_affinity:
            add(term.topology_key, self._term_counter(term), -weight)
        matching = snap.matching_groups(
            t, lambda item: item[0][0] != "anti" and item[1].term.matches(t.namespace, t.labels, ns_labels), "ipa-score-groups"
        )
        for (kind, *_), group in matching:
            if kind == "hard":
                if self.hard_weight <= 0:
                    continue
                weight = self.hard_weight
            else:
                if self.ignore_existing_preferred:
                    continue
                weight = group.weight
            add(group.term.topology_key, group.counts, weight)
        if not topology_score:
            return False
        state[self.name + "/score"] = topology_score
        return True

    def score(self, state, pi, nodes):
        topology_score = state[self.name + "/score"]
        total = np.zeros(len(nodes), dtype=np.int64)
        for key, per_value in topology_score.items():
            ids = self.snapshot.label_ids(key)[0][nodes]
            if len(per_value):
                total += np.where(ids >= 0, per_value[np.where(ids < 0, 0, ids)], 0)
        return total

    def normalize_score(self, state, pi, nodes, scores):
        lo = int(scores.min())
        hi = int(scores.max())
        diff = hi - lo
        if diff <= 0:
            return np.zeros(len(scores), dtype=np.int64)
        return (100.0 * ((scores - lo).astype(np.float64) / float(diff))).astype(np.int64)
