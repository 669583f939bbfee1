"""NodeUnschedulable: nodes with spec.unschedulable reject pods that do not tolerate the
node.kubernetes.io/unschedulable:NoSchedule taint."""

from kubeplan.dryrun.scheduler.framework import Plugin, unresolvable
from kubeplan.dryrun.scheduler.nodemasks import tolerates

REASON = "node(s) were unschedulable"
TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable(Plugin):
    name = "NodeUnschedulable"

    def filter(self, state, pi, nodes):
        snap = self.snapshot
        t = pi.template
        tolerated = t.cache.get("tolerates_unschedulable")
        if tolerated is None:
            tolerated = t.cache["tolerates_unschedulable"] = any(tolerates(tol, TAINT) for tol in t.tolerations)
        if tolerated:
            return None
        return snap.unschedulable[nodes]

    def failure(self, state, pi, node):
        return unresolvable(REASON)
