"""TaintToleration: Filter rejects nodes with a NoSchedule/NoExecute taint the pod does not
tolerate; Score counts PreferNoSchedule taints the pod does not tolerate (fewer is better,
DefaultNormalizeScore reversed)."""

import numpy as np

from kubeplan.dryrun.scheduler.framework import Plugin, unresolvable
from kubeplan.dryrun.scheduler.nodemasks import (
    default_normalize,
    shared,
    tolerates,
    tolerations_key,
    untolerated_mask,
    untolerated_taints,
)


def _intolerable_prefer_no_schedule(snapshot, template) -> np.ndarray:
    """Per node: PreferNoSchedule taints not tolerated (tolerations with that or no effect count)."""
    tolerations = [tol for tol in template.tolerations if (tol.get("effect") or "") in ("", "PreferNoSchedule")]
    raw = np.zeros(snapshot.n, dtype=np.int64)
    for i, taints in enumerate(snapshot.taints):
        raw[i] = sum(
            1 for taint in taints if taint.get("effect") == "PreferNoSchedule" and not any(tolerates(tol, taint) for tol in tolerations)
        )
    return raw


class TaintToleration(Plugin):
    name = "TaintToleration"

    def filter(self, state, pi, nodes):
        mask = untolerated_mask(self.snapshot, pi.template)
        return mask[nodes]

    def failure(self, state, pi, node):
        taint = untolerated_taints(self.snapshot, pi.template)[node]
        key = taint.get("key") or ""
        value = taint.get("value") or ""
        return unresolvable(f"node(s) had untolerated taint {{{key}: {value}}}")

    def pre_score(self, state, pi, nodes):
        return True

    def score(self, state, pi, nodes):
        return shared(self.snapshot, pi.template, "taint_score", tolerations_key, _intolerable_prefer_no_schedule)[nodes]

    def normalize_score(self, state, pi, nodes, scores):
        return default_normalize(scores, reverse=True)
