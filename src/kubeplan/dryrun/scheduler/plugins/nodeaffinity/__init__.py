"""NodeAffinity: the pod's nodeSelector and required node affinity (Filter; PreFilter
narrows to the nodes named by matchFields metadata.name), the profile's addedAffinity, and
preferred terms summed by weight (Score, DefaultNormalizeScore)."""

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, PreFilterResult, Status, unresolvable
from kubeplan.dryrun.scheduler.labels import NodeSelectorTerm, RequiredNodeAffinity
from kubeplan.dryrun.scheduler.nodemasks import default_normalize, required_affinity_mask

REASON_POD = "node(s) didn't match Pod's node affinity/selector"
REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
REASON_CONFLICT = "pod affinity terms conflict"


class NodeAffinity(Plugin):
    name = "NodeAffinity"

    def __init__(self, args, handle):
        super().__init__(args, handle)
        added = self.args.get("addedAffinity") or {}
        required = added.get("requiredDuringSchedulingIgnoredDuringExecution")
        self.added_required = RequiredNodeAffinity(None, required) if required is not None else None
        self.added_preferred = []
        for term in added.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            parsed = NodeSelectorTerm(term.get("preference") or {})
            weight = int(term.get("weight") or 0)
            if weight and not parsed.empty():
                self.added_preferred.append((weight, parsed))
        self._added_mask = None

    def _added(self):
        if self._added_mask is None:
            snap = self.snapshot
            if self.added_required is None:
                self._added_mask = np.ones(snap.n, dtype=bool)
            else:
                self._added_mask = np.array([self.added_required.matches(lb, nm) for lb, nm in zip(snap.labels, snap.names)], dtype=bool)
        return self._added_mask

    def pre_filter(self, state, pi):
        t = pi.template
        affinity = (t.raw_spec.get("affinity") or {}).get("nodeAffinity") or {}
        required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        if required is None and self.added_required is None and t.raw_spec.get("nodeSelector") is None:
            return Status(SKIP)
        if required is None or not t.node_affinity.terms:
            return None
        names = None
        for term in t.node_affinity.terms:
            term_names = None
            for key, op, values in term.fields:
                if key == "metadata.name" and op == "In":
                    term_names = set(values) if term_names is None else term_names & set(values)
            if term_names is None:
                return None  # this term allows any node name; terms are ORed
            if not term_names:
                return unresolvable(REASON_CONFLICT)
            names = term_names if names is None else names | term_names
        return PreFilterResult(names) if names is not None else None

    def filter(self, state, pi, nodes):
        fails = ~required_affinity_mask(self.snapshot, pi.template)[nodes]
        if self.added_required is not None:
            fails |= ~self._added()[nodes]
        return fails

    def failure(self, state, pi, node):
        if self.added_required is not None and not self._added()[node]:
            return unresolvable(REASON_ENFORCED)
        return unresolvable(REASON_POD)

    def pre_score(self, state, pi, nodes):
        return bool(pi.template.preferred_node_terms or self.added_preferred)

    def score(self, state, pi, nodes):
        t = pi.template
        raw = t.cache.get(("node_affinity_score", id(self)))
        snap = self.snapshot
        if raw is None or len(raw) != snap.n:
            raw = np.zeros(snap.n, dtype=np.int64)
            terms = self.added_preferred + t.preferred_node_terms
            for i, (labels, name) in enumerate(zip(snap.labels, snap.names)):
                raw[i] = sum(w for w, term in terms if term.matches(labels, name))
            t.cache[("node_affinity_score", id(self))] = raw
        return raw[nodes]

    def normalize_score(self, state, pi, nodes, scores):
        return default_normalize(scores, reverse=False)
